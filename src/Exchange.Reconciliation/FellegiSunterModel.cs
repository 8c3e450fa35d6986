namespace Exchange.Reconciliation;

/// <summary>
/// Fellegi-Sunter parameters: for each comparison and level, m = P(level | match) and
/// u = P(level | non-match); lambda = P(match) among candidate pairs. Weights are log2 ratios, so a
/// pair's total weight is the log2 odds that it is a match.
/// </summary>
public sealed class FellegiSunterModel
{
    private const double Floor = 1e-6;

    public FellegiSunterModel(IReadOnlyList<string> comparisons, double[][] m, double[][] u, double lambda)
    {
        Comparisons = comparisons;
        M = m;
        U = u;
        Lambda = lambda;
        Weights = new double[m.Length][];
        for (var c = 0; c < m.Length; c++)
        {
            Weights[c] = new double[m[c].Length];
            for (var level = 0; level < m[c].Length; level++)
            {
                Weights[c][level] = Math.Log2(Math.Max(m[c][level], Floor) / Math.Max(u[c][level], Floor));
            }
        }

        PriorWeight = Math.Log2(Math.Max(lambda, Floor) / Math.Max(1 - lambda, Floor));
    }

    public IReadOnlyList<string> Comparisons { get; }

    public double[][] M { get; }

    public double[][] U { get; }

    public double Lambda { get; }

    /// <summary>log2(m/u) per comparison and level.</summary>
    public double[][] Weights { get; }

    /// <summary>log2(lambda / (1 - lambda)).</summary>
    public double PriorWeight { get; }

    public static double Probability(double weight) => 1 / (1 + Math.Pow(2, -weight));

    public static double WeightOf(double probability) => Math.Log2(probability / (1 - probability));
}
