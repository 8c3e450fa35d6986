namespace Exchange.Reconciliation;

/// <summary>
/// One aspect on which two records are compared, with ordered agreement levels: level 0 is "disagree",
/// the last level the strongest agreement. A comparison returns <see cref="Missing"/> when either side has
/// no value: missing data is no evidence either way (weight 0).
/// </summary>
/// <param name="Name">Short name shown in explanations, e.g. "name".</param>
/// <param name="Levels">Level names, weakest first, e.g. ["disagree", "one edit", "exact"].</param>
/// <param name="Compare">The level of agreement between two records, or <see cref="Missing"/>.</param>
/// <param name="TermValue">The value whose frequency adjusts the top level's weight (common names
/// agree by chance more often); null when the comparison has no term-frequency adjustment.</param>
public sealed record Comparison<T>(string Name, IReadOnlyList<string> Levels, Func<T, T, int> Compare, Func<T, string?>? TermValue = null)
{
    public const int Missing = -1;

    public int TopLevel => Levels.Count - 1;
}

/// <summary>A blocking rule: only record pairs that share a non-empty key are compared.</summary>
public sealed record BlockingRule<T>(string Name, Func<T, string?> Key);

/// <summary>The fields, comparisons and blocking rules of one kind of linkage (Chinese persons, FEBRL, ...).</summary>
public sealed record LinkageSpec<T>(IReadOnlyList<Comparison<T>> Comparisons, IReadOnlyList<BlockingRule<T>> BlockingRules)
{
    /// <summary>Blocks larger than this are skipped (their pairs counted as unblocked): a key shared by
    /// thousands of records is not selective and would dominate the run time.</summary>
    public int MaxBlockSize { get; init; } = 500;
}
