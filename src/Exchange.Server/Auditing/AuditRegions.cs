namespace Exchange.Server.Auditing;

/// <summary>
/// Which entries an auditor with a region scope sees: those concerning a division inside the scope
/// ("44" sees "44" and "4401"), and those concerning a larger region that contains the scope ("4401"
/// sees an entry of a client scoped to "44"). A national auditor (empty scope) sees all.
/// </summary>
internal static class AuditRegions
{
    public static bool Visible(string storedRegions, string auditorScope)
    {
        if (auditorScope.Length == 0)
        {
            return true;
        }

        return storedRegions.Contains("," + auditorScope, StringComparison.Ordinal)
            || EnclosingScopes(auditorScope).Any(prefix => storedRegions.Contains("," + prefix + ",", StringComparison.Ordinal));
    }

    /// <summary>The proper prefixes of a scope at province and city level.</summary>
    public static IEnumerable<string> EnclosingScopes(string scope)
    {
        if (scope.Length > 2)
        {
            yield return scope[..2];
        }

        if (scope.Length > 4)
        {
            yield return scope[..4];
        }
    }
}
