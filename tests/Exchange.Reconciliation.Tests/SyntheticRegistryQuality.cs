using Exchange.Reconciliation.Persons;
using Xunit.Abstractions;

namespace Exchange.Reconciliation.Tests;

/// <summary>
/// Person linkage on the synthetic Chinese registry (ID typos and transpositions, 15-digit IDs, missing IDs,
/// homophone and traditional names, someone else's ID, people absent from the register), scored against
/// the generator's truth. The model is trained by EM on the data; the decision rule is the hub's.
/// </summary>
public sealed class SyntheticRegistryQuality(ITestOutputHelper output)
{
    [Fact]
    public void Twenty_thousand_people_link_with_precision_0_995_and_recall_0_99()
    {
        var (records, truePerson) = SyntheticPersons.Load(people: 20_000, seed: 7);
        var truth = SyntheticPersons.TruePairs(truePerson);

        var (pairs, blocking) = Blocking.Dedupe(records, PersonLinkage.Spec);
        var linker = Linker<PersonRecord>.Train(PersonLinkage.Spec, records, null, pairs);
        var assignment = PersonClustering.Assign(records, new PersonMatcher(linker, PersonLinkage.DefaultThresholds));
        var predicted = Clustering.PairsOf(assignment.PersonOf);
        var quality = PairwiseQuality.Of(predicted, truth);

        var blockingRecall = pairs.Count(truth.Contains) / (double)truth.Count;
        output.WriteLine($"{records.Count} records: {quality}");
        output.WriteLine($"blocking recall {blockingRecall:F4}, reduction ratio {blocking.ReductionRatio:F6}, {blocking.CandidatePairs} candidate pairs, {blocking.OversizedBlocksSkipped} oversized blocks skipped");
        output.WriteLine(string.Join(", ", blocking.PairsByRule.Select(r => $"{r.Rule}: {r.Pairs}")));
        output.WriteLine($"EM: {linker.Training.Iterations} iterations, lambda {linker.Model.Lambda:F4}");
        for (var c = 0; c < linker.Model.Comparisons.Count; c++)
        {
            output.WriteLine($"  {linker.Model.Comparisons[c]}: weights {string.Join(" / ", linker.Model.Weights[c].Select(w => w.ToString("F1", System.Globalization.CultureInfo.InvariantCulture)))}");
        }

        if (Environment.GetEnvironmentVariable("EXCHANGE_WRITE_DEFAULT_MODEL") is { Length: > 0 } path)
        {
            // Regenerates src/Exchange.Reconciliation/Persons/default-person-model.json (see its README line).
            File.WriteAllText(path, ModelSerializer.ToJson(linker.Model) + "\n");
        }

        Assert.True(quality.Precision >= 0.995, quality.ToString());
        Assert.True(quality.Recall >= 0.99, quality.ToString());
    }
}
