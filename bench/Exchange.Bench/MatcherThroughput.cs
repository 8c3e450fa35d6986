using System.Diagnostics;
using Exchange.Reconciliation;
using Exchange.Reconciliation.Persons;

namespace Exchange.Bench;

internal sealed record MatcherResult(int Records, long Pairs, double ScoreSeconds, double IdSeconds)
{
    public double ComparisonsPerSecond => Pairs / ScoreSeconds;

    public double IdComparisonsPerSecond => Pairs / IdSeconds;
}

/// <summary>
/// The matcher alone, on one thread: every candidate pair of the synthetic records scored by the shipped
/// model (five field comparisons, term-frequency adjustment), against the same pairs compared by national
/// ID only (what an exact-ID join does per pair). BenchmarkDotNet's figures for single pairs are in
/// bench/Exchange.Bench.Micro.
/// </summary>
internal static class MatcherThroughput
{
    public static MatcherResult Run(int records, Progress progress)
    {
        var (people, _) = SyntheticInput.PeopleFor(records, seed: 1);
        var input = SyntheticInput.Prepare(SyntheticInput.Generate(people, seed: 1)).Records;
        var (pairs, _) = Blocking.Dedupe(input, PersonLinkage.Spec);
        var linker = Linker<PersonRecord>.WithModel(PersonLinkage.Spec, DefaultPersonModel.Load(), input);
        Span<int> levels = stackalloc int[PersonLinkage.Spec.Comparisons.Count];

        var watch = Stopwatch.StartNew();
        var total = 0.0;
        foreach (var pair in pairs)
        {
            total += linker.Score(input[Blocking.Left(pair)], input[Blocking.Right(pair)], levels);
        }

        var scoreSeconds = watch.Elapsed.TotalSeconds;
        watch.Restart();
        var same = 0L;
        foreach (var pair in pairs)
        {
            same += string.Equals(input[Blocking.Left(pair)].NationalId, input[Blocking.Right(pair)].NationalId, StringComparison.Ordinal) ? 1 : 0;
        }

        var idSeconds = watch.Elapsed.TotalSeconds;
        // The sums are printed so that neither loop can be optimized away.
        progress.Write($"matcher: {pairs.Count:N0} pairs scored in {scoreSeconds:F2} s (sum {total:F0}), compared by ID in {idSeconds:F3} s ({same:N0} equal)");
        return new MatcherResult(input.Count, pairs.Count, scoreSeconds, idSeconds);
    }
}
