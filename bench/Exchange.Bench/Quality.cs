namespace Exchange.Bench;

/// <summary>
/// Pairwise quality from cluster sizes instead of pair sets: the same TP/FP/FN as PairwiseQuality.Of over
/// Clustering.PairsOf, in linear time and without materializing millions of pairs.
/// </summary>
internal static class Quality
{
    /// <summary>Pairs of records that share a label: the sum of n(n-1)/2 over the labels.</summary>
    public static long PairsWithin(int[] labels)
    {
        var sizes = new Dictionary<int, long>();
        foreach (var label in labels)
        {
            sizes[label] = sizes.GetValueOrDefault(label) + 1;
        }

        return sizes.Values.Sum(Choose2);
    }

    /// <summary>Candidate pairs whose two records are the same true person.</summary>
    public static long TruePairsAmong(List<long> pairs, int[] truth)
    {
        long count = 0;
        foreach (var pair in pairs)
        {
            if (truth[Reconciliation.Blocking.Left(pair)] == truth[Reconciliation.Blocking.Right(pair)])
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>A predicted pair is true when both records share both the predicted and the true person.</summary>
    public static Reconciliation.PairwiseQuality Pairwise(long[] predicted, int[] truth)
    {
        var predictedSizes = new Dictionary<long, long>();
        var cellSizes = new Dictionary<(long, int), long>();
        for (var i = 0; i < predicted.Length; i++)
        {
            predictedSizes[predicted[i]] = predictedSizes.GetValueOrDefault(predicted[i]) + 1;
            cellSizes[(predicted[i], truth[i])] = cellSizes.GetValueOrDefault((predicted[i], truth[i])) + 1;
        }

        var truePositives = cellSizes.Values.Sum(Choose2);
        var predictedPairs = predictedSizes.Values.Sum(Choose2);
        return new Reconciliation.PairwiseQuality(truePositives, predictedPairs - truePositives, PairsWithin(truth) - truePositives);
    }

    private static long Choose2(long n) => n * (n - 1) / 2;
}
