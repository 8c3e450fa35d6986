using Exchange.Store;

namespace Exchange.Identity;

/// <summary>The OAuth scopes of the hub's API, and which roles may hold them.</summary>
public static class HubScopes
{
    public const string PushRecords = "records.push";
    public const string ReadRecords = "records.read";
    public const string ReviewLinks = "links.review";
    public const string ReadCoverage = "coverage.read";
    public const string ReadAudit = "audit.read";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [PushRecords, ReadRecords, ReviewLinks, ReadCoverage, ReadAudit, Admin];

    /// <summary>Least privilege: ministries push, read and review; auditors read the log; admins administer.</summary>
    public static IReadOnlyList<string> ForRole(string role) => role switch
    {
        ClientRoles.PublicSecurity or ClientRoles.HumanResources => [PushRecords, ReadRecords, ReviewLinks, ReadCoverage],
        ClientRoles.Auditor => [ReadAudit],
        ClientRoles.Admin => [Admin],
        _ => [],
    };
}

/// <summary>Claim types the token server writes and the hub reads.</summary>
public static class HubClaims
{
    public const string Role = "exchange:role";
    public const string RegionScope = "exchange:region_scope";
}
