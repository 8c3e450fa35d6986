namespace Exchange.Validation;

/// <summary>GB/T 2260 administrative division codes and the region scopes built on them.</summary>
public static class DivisionCode
{
    // Province-level prefixes of GB/T 2260 (mainland provinces, Taiwan, Hong Kong, Macao).
    private static readonly HashSet<string> Provinces =
    [
        "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
        "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
        "71", "81", "82",
    ];

    /// <summary>Six ASCII digits under a known province prefix.</summary>
    public static bool IsValid(string? code) =>
        code is { Length: 6 } && IsDigits(code) && Provinces.Contains(code[..2]);

    /// <summary>
    /// A region scope is a prefix of division codes: empty (national), a province ("44"), a prefecture
    /// ("4401") or a county ("440106").
    /// </summary>
    public static bool IsValidScope(string? scope) =>
        scope is not null
        && (scope.Length == 0 || (scope.Length is 2 or 4 or 6 && IsDigits(scope) && Provinces.Contains(scope[..2])));

    /// <summary>Whether a division code lies inside a region scope.</summary>
    public static bool IsWithin(string division, string scope) =>
        division.StartsWith(scope, StringComparison.Ordinal);

    /// <summary>Whether the requested scope is the same as or narrower than the granted one.</summary>
    public static bool IsScopeWithin(string requested, string granted) =>
        requested.StartsWith(granted, StringComparison.Ordinal);

    private static bool IsDigits(string value)
    {
        foreach (var c in value)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
