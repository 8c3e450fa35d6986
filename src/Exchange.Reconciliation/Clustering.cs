namespace Exchange.Reconciliation;

/// <summary>Turns scored pairs into entities.</summary>
public static class Clustering
{
    /// <summary>
    /// Deduplication: records joined by pairs at or above the threshold form one entity (connected
    /// components, by union-find). Returns each record's entity as the smallest record index in it.
    /// </summary>
    public static int[] ConnectedComponents(int count, IEnumerable<PairScore> scores, double minimumWeight)
    {
        var parent = new int[count];
        for (var i = 0; i < count; i++)
        {
            parent[i] = i;
        }

        foreach (var score in scores)
        {
            if (score.Weight >= minimumWeight)
            {
                var a = Find(parent, Blocking.Left(score.Pair));
                var b = Find(parent, Blocking.Right(score.Pair));
                if (a != b)
                {
                    parent[Math.Max(a, b)] = Math.Min(a, b);
                }
            }
        }

        for (var i = 0; i < count; i++)
        {
            parent[i] = Find(parent, i);
        }

        return parent;
    }

    /// <summary>
    /// Linkage of two sets that each hold a person at most once: the highest-scoring pairs are taken
    /// first and each record is used once.
    /// </summary>
    public static List<PairScore> OneToOne(IEnumerable<PairScore> scores, double minimumWeight)
    {
        var usedLeft = new HashSet<int>();
        var usedRight = new HashSet<int>();
        var accepted = new List<PairScore>();
        foreach (var score in scores.Where(s => s.Weight >= minimumWeight).OrderByDescending(s => s.Weight))
        {
            if (usedLeft.Contains(Blocking.Left(score.Pair)) || usedRight.Contains(Blocking.Right(score.Pair)))
            {
                continue;
            }

            usedLeft.Add(Blocking.Left(score.Pair));
            usedRight.Add(Blocking.Right(score.Pair));
            accepted.Add(score);
        }

        return accepted;
    }

    /// <summary>All pairs (smaller index first) of records that share an entity (a cluster, or a truth label).</summary>
    public static HashSet<long> PairsOf<TKey>(IReadOnlyList<TKey> entityOf)
        where TKey : notnull
    {
        var pairs = new HashSet<long>();
        foreach (var group in Enumerable.Range(0, entityOf.Count).GroupBy(i => entityOf[i]).Where(g => g.Count() > 1))
        {
            var members = group.Order().ToArray();
            for (var x = 0; x < members.Length; x++)
            {
                for (var y = x + 1; y < members.Length; y++)
                {
                    pairs.Add(Blocking.Pack(members[x], members[y]));
                }
            }
        }

        return pairs;
    }

    private static int Find(int[] parent, int i)
    {
        while (parent[i] != i)
        {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }

        return i;
    }
}

/// <summary>Pairwise quality of a linkage against the truth.</summary>
public sealed record PairwiseQuality(long TruePositives, long FalsePositives, long FalseNegatives)
{
    public double Precision => TruePositives + FalsePositives == 0 ? 1 : (double)TruePositives / (TruePositives + FalsePositives);

    public double Recall => TruePositives + FalseNegatives == 0 ? 1 : (double)TruePositives / (TruePositives + FalseNegatives);

    public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);

    public static PairwiseQuality Of(IReadOnlySet<long> predicted, IReadOnlySet<long> truth)
    {
        var truePositives = predicted.Count(truth.Contains);
        return new PairwiseQuality(truePositives, predicted.Count - truePositives, truth.Count - truePositives);
    }

    public override string ToString() => $"precision {Precision:F4}, recall {Recall:F4}, F1 {F1:F4} (TP {TruePositives}, FP {FalsePositives}, FN {FalseNegatives})";
}
