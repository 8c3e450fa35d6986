using BenchmarkDotNet.Attributes;
using Exchange.Reconciliation;
using Exchange.Reconciliation.Persons;
using Exchange.Synthetic;
using Exchange.Validation;

namespace Exchange.Bench.Micro;

/// <summary>
/// The matcher's cost per comparison: every candidate pair that blocking gives for a synthetic registry,
/// scored by the shipped model (five field comparisons and the name term-frequency adjustment), against
/// the same pairs compared by national ID alone (what an exact-ID join does per pair).
/// </summary>
[MemoryDiagnoser]
public class MatcherBenchmarks
{
    private PersonRecord[] _records = [];
    private long[] _pairs = [];
    private Linker<PersonRecord> _linker = null!;

    /// <summary>People generated; about 3.7 current records each.</summary>
    [Params(5_000)]
    public int People { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var registry = RegistryGenerator.Generate(new GeneratorOptions { People = People, Seed = 1 });
        var today = registry.Options.ReferenceDate;
        var records = new List<PersonRecord>();
        foreach (var row in registry.RegisterRows())
        {
            records.Add(PersonRecord.Create(records.Count, RecordRole.Register, Normalize(row.NationalId, today), row.Name, row.Sex == Sex.Male ? 1 : 2, row.BirthDate, row.HukouDivision, row.ResidenceDivision));
        }

        foreach (var row in registry.EnrollmentRows())
        {
            records.Add(PersonRecord.Create(records.Count, RecordRole.Enrollment, Normalize(row.NationalId, today), row.Name, row.Sex == Sex.Male ? 1 : 2, row.BirthDate, row.InsuredDivision));
        }

        _records = [.. records];
        _pairs = [.. Blocking.Dedupe(_records, PersonLinkage.Spec).Pairs];
        _linker = Linker<PersonRecord>.WithModel(PersonLinkage.Spec, DefaultPersonModel.Load(), _records);
        // Comparisons/s = this count / the mean time of one invocation.
        Console.WriteLine($"// {_records.Length} records, {_pairs.Length} candidate pairs per invocation");
    }

    /// <summary>All candidate pairs scored once (the pair count is printed at setup).</summary>
    [Benchmark(Description = "matcher: score every candidate pair")]
    public double ScorePairs()
    {
        Span<int> levels = stackalloc int[PersonLinkage.Spec.Comparisons.Count];
        var total = 0.0;
        foreach (var pair in _pairs)
        {
            total += _linker.Score(_records[Blocking.Left(pair)], _records[Blocking.Right(pair)], levels);
        }

        return total / _pairs.Length;
    }

    [Benchmark(Baseline = true, Description = "exact ID: compare every candidate pair's IDs")]
    public long CompareIds()
    {
        var same = 0L;
        foreach (var pair in _pairs)
        {
            same += string.Equals(_records[Blocking.Left(pair)].NationalId, _records[Blocking.Right(pair)].NationalId, StringComparison.Ordinal) ? 1 : 0;
        }

        return same;
    }

    private static string Normalize(string nationalId, DateOnly today) =>
        nationalId.Length == 0 ? string.Empty : NationalId.Parse(nationalId, today).Value?.Normalized ?? NationalId.Clean(nationalId);
}
