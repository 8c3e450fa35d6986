namespace Exchange.Reconciliation;

/// <summary>The result of comparing one pair: its levels per comparison and its total match weight.</summary>
public readonly record struct PairScore(long Pair, double Weight)
{
    public double Probability => FellegiSunterModel.Probability(Weight);
}

/// <summary>What training learned, for reports and explanations.</summary>
public sealed record TrainingReport(int Iterations, bool Converged, long CandidatePairs, int DistinctPatterns, long RandomPairsForU)
{
    /// <summary>The match share among candidate pairs that EM converged to.</summary>
    public double CandidateLambda { get; init; }
}

/// <summary>
/// Trains a Fellegi-Sunter model on the data itself and scores pairs with it. u comes from random pairs
/// (nearly all non-matches), m and lambda from expectation-maximisation over the blocked candidate pairs,
/// as Splink does; the top level of comparisons with a term value gets a term-frequency adjustment.
/// </summary>
public sealed class Linker<T>
{
    private readonly LinkageSpec<T> _spec;
    private readonly Dictionary<string, double>?[] _termFrequencies;

    private Linker(LinkageSpec<T> spec, FellegiSunterModel model, Dictionary<string, double>?[] termFrequencies, TrainingReport report)
    {
        _spec = spec;
        Model = model;
        _termFrequencies = termFrequencies;
        Training = report;
    }

    public FellegiSunterModel Model { get; }

    public TrainingReport Training { get; }

    /// <summary>Uses a known model (for example one trained on the whole store) with term frequencies from <paramref name="population"/>.</summary>
    public static Linker<T> WithModel(LinkageSpec<T> spec, FellegiSunterModel model, IReadOnlyList<T> population) =>
        new(spec, model, TermFrequencies(spec, population, null), new TrainingReport(0, true, 0, 0, 0));

    /// <summary>Uses a known model with term frequencies looked up elsewhere (the store), one table per comparison.</summary>
    public static Linker<T> WithModel(LinkageSpec<T> spec, FellegiSunterModel model, Dictionary<string, double>?[] termFrequencies) =>
        new(spec, model, termFrequencies, new TrainingReport(0, true, 0, 0, 0));

    /// <summary>Learns u from random pairs and m, lambda by EM over the candidate pairs.</summary>
    /// <param name="left">Records (deduplication) or the left set (linkage).</param>
    /// <param name="right">The right set for linkage; null for deduplication.</param>
    public static Linker<T> Train(LinkageSpec<T> spec, IReadOnlyList<T> left, IReadOnlyList<T>? right, IReadOnlyList<long> candidatePairs, int seed = 42, int maxIterations = 100)
    {
        var comparisons = spec.Comparisons;
        var other = right ?? left;
        var random = new Random(seed);

        // u: level frequencies among random pairs.
        var counts = comparisons.Select(c => new double[c.Levels.Count]).ToArray();
        double possible = right is null ? (double)left.Count * (left.Count - 1) / 2 : (double)left.Count * right.Count;
        var samples = (long)Math.Min(1_000_000, possible);
        for (long s = 0; s < samples; s++)
        {
            var i = random.Next(left.Count);
            var j = random.Next(other.Count);
            if (right is null && i == j)
            {
                continue;
            }

            for (var c = 0; c < comparisons.Count; c++)
            {
                var level = comparisons[c].Compare(left[i], other[j]);
                if (level >= 0)
                {
                    counts[c][level]++;
                }
            }
        }

        var u = counts.Select(Normalize).ToArray();

        // Candidate pairs collapse into distinct comparison patterns; EM then runs over the patterns.
        var patterns = new Dictionary<ulong, long>();
        foreach (var pair in candidatePairs)
        {
            var a = left[Blocking.Left(pair)];
            var b = other[Blocking.Right(pair)];
            ulong key = 0;
            for (var c = 0; c < comparisons.Count; c++)
            {
                key |= (ulong)(comparisons[c].Compare(a, b) + 1) << (4 * c);
            }

            patterns[key] = patterns.GetValueOrDefault(key) + 1;
        }

        var m = comparisons.Select(c => InitialM(c.Levels.Count)).ToArray();
        var lambda = 0.1;
        var iterations = 0;
        var converged = false;
        var patternList = patterns.Select(p => (Levels: Decode(p.Key, comparisons.Count), Count: (double)p.Value)).ToList();
        while (iterations < maxIterations && !converged)
        {
            iterations++;
            var mCounts = comparisons.Select(c => new double[c.Levels.Count]).ToArray();
            double expectedMatches = 0, total = 0;
            foreach (var (levels, count) in patternList)
            {
                double pm = lambda, pu = 1 - lambda;
                for (var c = 0; c < levels.Length; c++)
                {
                    if (levels[c] >= 0)
                    {
                        pm *= m[c][levels[c]];
                        pu *= Math.Max(u[c][levels[c]], 1e-9);
                    }
                }

                var match = pm / (pm + pu);
                expectedMatches += match * count;
                total += count;
                for (var c = 0; c < levels.Length; c++)
                {
                    if (levels[c] >= 0)
                    {
                        mCounts[c][levels[c]] += match * count;
                    }
                }
            }

            var newLambda = total == 0 ? lambda : expectedMatches / total;
            var newM = mCounts.Select(Normalize).ToArray();
            var change = Math.Abs(newLambda - lambda);
            for (var c = 0; c < m.Length; c++)
            {
                for (var l = 0; l < m[c].Length; l++)
                {
                    change = Math.Max(change, Math.Abs(newM[c][l] - m[c][l]));
                }
            }

            m = newM;
            lambda = newLambda;
            converged = change < 1e-7;
        }

        // EM's lambda is the match share among candidate pairs; u came from random pairs, so the prior that
        // goes with it is the chance that two random records match (Splink's
        // probability_two_random_records_match): the expected matches over all possible pairs.
        var randomPairLambda = Math.Clamp(lambda * candidatePairs.Count / Math.Max(1, possible), 1e-12, 0.5);
        var model = new FellegiSunterModel(comparisons.Select(c => c.Name).ToList(), m, u, randomPairLambda);
        var report = new TrainingReport(iterations, converged, candidatePairs.Count, patterns.Count, samples) { CandidateLambda = lambda };
        return new Linker<T>(spec, model, TermFrequencies(spec, left, right), report);
    }

    /// <summary>The match weight of a pair; <paramref name="levels"/> receives each comparison's level.</summary>
    public double Score(T a, T b, Span<int> levels)
    {
        var comparisons = _spec.Comparisons;
        var weight = Model.PriorWeight;
        for (var c = 0; c < comparisons.Count; c++)
        {
            var level = comparisons[c].Compare(a, b);
            levels[c] = level;
            if (level < 0)
            {
                continue;
            }

            weight += Model.Weights[c][level];
            if (level == comparisons[c].TopLevel && _termFrequencies[c] is { } frequencies && comparisons[c].TermValue!(a) is { } term
                && frequencies.TryGetValue(term, out var frequency))
            {
                // A common value agreeing is weaker evidence than the average value agreeing (and a rare
                // one stronger): replace the average u of exact agreement by this value's frequency.
                var adjustment = Math.Log2(Math.Max(Model.U[c][level], 1e-9) / Math.Max(frequency, 1e-9));
                weight += Math.Clamp(adjustment, -5, 5);
            }
        }

        return weight;
    }

    public double Score(T a, T b)
    {
        Span<int> levels = stackalloc int[_spec.Comparisons.Count];
        return Score(a, b, levels);
    }

    /// <summary>Scores every candidate pair.</summary>
    public PairScore[] ScoreAll(IReadOnlyList<T> left, IReadOnlyList<T>? right, IReadOnlyList<long> pairs)
    {
        var other = right ?? left;
        var scores = new PairScore[pairs.Count];
        Parallel.For(0, pairs.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, () => new int[_spec.Comparisons.Count], (index, _, levels) =>
        {
            var pair = pairs[index];
            scores[index] = new PairScore(pair, Score(left[Blocking.Left(pair)], other[Blocking.Right(pair)], levels));
            return levels;
        }, _ => { });
        return scores;
    }

    private static Dictionary<string, double>?[] TermFrequencies(LinkageSpec<T> spec, IReadOnlyList<T> left, IReadOnlyList<T>? right)
    {
        var result = new Dictionary<string, double>?[spec.Comparisons.Count];
        for (var c = 0; c < spec.Comparisons.Count; c++)
        {
            if (spec.Comparisons[c].TermValue is not { } term)
            {
                continue;
            }

            var counts = new Dictionary<string, double>(StringComparer.Ordinal);
            double total = 0;
            foreach (var record in right is null ? left : left.Concat(right))
            {
                if (term(record) is { Length: > 0 } value)
                {
                    counts[value] = counts.GetValueOrDefault(value) + 1;
                    total++;
                }
            }

            foreach (var key in counts.Keys.ToList())
            {
                counts[key] /= total;
            }

            result[c] = counts;
        }

        return result;
    }

    private static double[] Normalize(double[] counts)
    {
        // Add-one smoothing keeps unseen levels from getting infinite weights.
        var total = counts.Sum() + counts.Length;
        return counts.Select(c => (c + 1) / total).ToArray();
    }

    private static double[] InitialM(int levels)
    {
        // Matches mostly agree exactly; the rest spread over the weaker levels.
        var m = new double[levels];
        for (var l = 0; l < levels; l++)
        {
            m[l] = l == levels - 1 ? 0.9 : 0.1 / (levels - 1);
        }

        return m;
    }

    private static int[] Decode(ulong key, int count)
    {
        var levels = new int[count];
        for (var c = 0; c < count; c++)
        {
            levels[c] = (int)((key >> (4 * c)) & 0xF) - 1;
        }

        return levels;
    }
}
