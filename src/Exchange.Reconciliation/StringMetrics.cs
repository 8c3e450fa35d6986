namespace Exchange.Reconciliation;

/// <summary>
/// Allocation-free string distances for the comparison hot loop (tens of millions of calls per re-link),
/// where general-purpose libraries allocate per call.
/// </summary>
public static class StringMetrics
{
    /// <summary>Jaro-Winkler similarity in [0, 1] (prefix scale 0.1, up to 4 characters).</summary>
    public static double JaroWinkler(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        if (a.IsEmpty && b.IsEmpty)
        {
            return 1;
        }

        if (a.IsEmpty || b.IsEmpty)
        {
            return 0;
        }

        if (a.Length > 64 || b.Length > 64)
        {
            return a.SequenceEqual(b) ? 1 : 0;
        }

        var window = Math.Max(0, (Math.Max(a.Length, b.Length) / 2) - 1);
        ulong matchedA = 0, matchedB = 0;
        var matches = 0;
        for (var i = 0; i < a.Length; i++)
        {
            var start = Math.Max(0, i - window);
            var end = Math.Min(b.Length - 1, i + window);
            for (var j = start; j <= end; j++)
            {
                if ((matchedB & (1UL << j)) == 0 && a[i] == b[j])
                {
                    matchedA |= 1UL << i;
                    matchedB |= 1UL << j;
                    matches++;
                    break;
                }
            }
        }

        if (matches == 0)
        {
            return 0;
        }

        var transpositions = 0;
        var k = 0;
        for (var i = 0; i < a.Length; i++)
        {
            if ((matchedA & (1UL << i)) == 0)
            {
                continue;
            }

            while ((matchedB & (1UL << k)) == 0)
            {
                k++;
            }

            if (a[i] != b[k])
            {
                transpositions++;
            }

            k++;
        }

        double m = matches;
        var jaro = ((m / a.Length) + (m / b.Length) + ((m - (transpositions / 2.0)) / m)) / 3.0;
        var prefix = 0;
        for (var i = 0; i < Math.Min(4, Math.Min(a.Length, b.Length)) && a[i] == b[i]; i++)
        {
            prefix++;
        }

        return jaro + (prefix * 0.1 * (1 - jaro));
    }

    /// <summary>
    /// Optimal string alignment distance (Levenshtein plus adjacent transpositions), stopping early once
    /// it exceeds <paramref name="limit"/> (then returns limit + 1).
    /// </summary>
    public static int EditDistance(ReadOnlySpan<char> a, ReadOnlySpan<char> b, int limit = int.MaxValue)
    {
        if (Math.Abs(a.Length - b.Length) > limit)
        {
            return limit + 1;
        }

        if (a.Length > 128 || b.Length > 128)
        {
            return a.SequenceEqual(b) ? 0 : limit + 1;
        }

        // "Within one edit" of equal-length strings (the ID and name comparisons) is one substitution or one
        // adjacent transposition: a linear scan instead of the O(n*m) table, which dominated re-link time.
        if (limit is 0 or 1 && a.Length == b.Length)
        {
            return WithinOneEditOfSameLength(a, b, limit);
        }

        Span<int> previous2 = stackalloc int[b.Length + 1];
        Span<int> previous = stackalloc int[b.Length + 1];
        Span<int> current = stackalloc int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            var rowMin = current[0];
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                var value = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    value = Math.Min(value, previous2[j - 2] + 1);
                }

                current[j] = value;
                rowMin = Math.Min(rowMin, value);
            }

            if (rowMin > limit)
            {
                return limit + 1;
            }

            var recycled = previous2;
            previous2 = previous;
            previous = current;
            current = recycled;
        }

        return previous[b.Length];
    }

    // Same answers as the table for equal lengths and limit 0 or 1 (beyond the limit: limit + 1).
    private static int WithinOneEditOfSameLength(ReadOnlySpan<char> a, ReadOnlySpan<char> b, int limit)
    {
        var p = a.CommonPrefixLength(b);
        if (p == a.Length)
        {
            return 0;
        }

        if (limit == 0)
        {
            return 1;
        }

        var substitution = a[(p + 1)..].SequenceEqual(b[(p + 1)..]);
        var transposition = p + 1 < a.Length && a[p] == b[p + 1] && a[p + 1] == b[p] && a[(p + 2)..].SequenceEqual(b[(p + 2)..]);
        return substitution || transposition ? 1 : 2;
    }
}
