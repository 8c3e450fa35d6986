namespace Exchange.Reconciliation;

/// <summary>How many candidate pairs each blocking rule contributed.</summary>
public sealed record BlockingReport(
    IReadOnlyList<(string Rule, long Pairs)> PairsByRule,
    long CandidatePairs,
    double PossiblePairs,
    long OversizedBlocksSkipped)
{
    /// <summary>Share of all possible pairs that blocking spared from comparison.</summary>
    public double ReductionRatio => PossiblePairs == 0 ? 0 : 1 - (CandidatePairs / PossiblePairs);
}

/// <summary>
/// Candidate pairs from several blocking rules. A pair is produced once, by the first rule whose key it
/// shares, so a record whose ID has a typo still meets its match through birth date, name sound, ...
/// Pairs are packed into one long each (left index in the high half) to keep millions of them compact.
/// </summary>
public static class Blocking
{
    public static int Left(long pair) => (int)(pair >> 32);

    public static int Right(long pair) => (int)(pair & 0xFFFFFFFF);

    public static long Pack(int left, int right) => ((long)left << 32) | (uint)right;

    /// <summary>Pairs within one set of records (deduplication); left index &lt; right index.</summary>
    public static (List<long> Pairs, BlockingReport Report) Dedupe<T>(IReadOnlyList<T> records, LinkageSpec<T> spec)
    {
        var keys = ComputeKeys(records, spec);
        var pairs = new List<long>();
        var byRule = new List<(string, long)>();
        long skipped = 0;
        for (var rule = 0; rule < spec.BlockingRules.Count; rule++)
        {
            var before = pairs.Count;
            foreach (var block in Group(keys[rule]))
            {
                if (block.Count > spec.MaxBlockSize)
                {
                    skipped++;
                    continue;
                }

                for (var x = 0; x < block.Count; x++)
                {
                    for (var y = x + 1; y < block.Count; y++)
                    {
                        var (i, j) = block[x] < block[y] ? (block[x], block[y]) : (block[y], block[x]);
                        if (!SharedByEarlierRule(keys, rule, i, keys, j))
                        {
                            pairs.Add(Pack(i, j));
                        }
                    }
                }
            }

            byRule.Add((spec.BlockingRules[rule].Name, pairs.Count - before));
        }

        double n = records.Count;
        return (pairs, new BlockingReport(byRule, pairs.Count, n * (n - 1) / 2, skipped));
    }

    /// <summary>Pairs across two sets of records (linkage): left from <paramref name="left"/>, right from <paramref name="right"/>.</summary>
    public static (List<long> Pairs, BlockingReport Report) Link<T>(IReadOnlyList<T> left, IReadOnlyList<T> right, LinkageSpec<T> spec)
    {
        var leftKeys = ComputeKeys(left, spec);
        var rightKeys = ComputeKeys(right, spec);
        var pairs = new List<long>();
        var byRule = new List<(string, long)>();
        long skipped = 0;
        for (var rule = 0; rule < spec.BlockingRules.Count; rule++)
        {
            var before = pairs.Count;
            var index = new Dictionary<string, List<int>>(StringComparer.Ordinal);
            for (var j = 0; j < right.Count; j++)
            {
                if (rightKeys[rule][j] is { Length: > 0 } key)
                {
                    if (!index.TryGetValue(key, out var list))
                    {
                        index[key] = list = [];
                    }

                    list.Add(j);
                }
            }

            var oversized = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < left.Count; i++)
            {
                if (leftKeys[rule][i] is not { Length: > 0 } key || !index.TryGetValue(key, out var matches))
                {
                    continue;
                }

                if (matches.Count > spec.MaxBlockSize)
                {
                    if (oversized.Add(key))
                    {
                        skipped++;
                    }

                    continue;
                }

                foreach (var j in matches)
                {
                    if (!SharedByEarlierRule(leftKeys, rule, i, rightKeys, j))
                    {
                        pairs.Add(Pack(i, j));
                    }
                }
            }

            byRule.Add((spec.BlockingRules[rule].Name, pairs.Count - before));
        }

        return (pairs, new BlockingReport(byRule, pairs.Count, (double)left.Count * right.Count, skipped));
    }

    private static string?[][] ComputeKeys<T>(IReadOnlyList<T> records, LinkageSpec<T> spec)
    {
        var keys = new string?[spec.BlockingRules.Count][];
        for (var rule = 0; rule < keys.Length; rule++)
        {
            var column = new string?[records.Count];
            var key = spec.BlockingRules[rule].Key;
            for (var i = 0; i < records.Count; i++)
            {
                column[i] = key(records[i]);
            }

            keys[rule] = column;
        }

        return keys;
    }

    private static IEnumerable<List<int>> Group(string?[] keys)
    {
        var groups = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < keys.Length; i++)
        {
            if (keys[i] is { Length: > 0 } key)
            {
                if (!groups.TryGetValue(key, out var list))
                {
                    groups[key] = list = [];
                }

                list.Add(i);
            }
        }

        return groups.Values.Where(g => g.Count > 1);
    }

    private static bool SharedByEarlierRule(string?[][] leftKeys, int rule, int i, string?[][] rightKeys, int j)
    {
        for (var earlier = 0; earlier < rule; earlier++)
        {
            if (leftKeys[earlier][i] is { Length: > 0 } key && string.Equals(key, rightKeys[earlier][j], StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
