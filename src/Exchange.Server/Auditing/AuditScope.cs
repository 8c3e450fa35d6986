using System.Diagnostics;
using System.Security.Claims;
using Exchange.Audit;
using Exchange.Pki;
using Exchange.Server.Security;
using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace Exchange.Server.Auditing;

/// <summary>
/// What one call has done so far, for its audit entries: created by the audit middleware for every
/// request (so refused calls have one too), filled by the interceptor from the messages, taken as
/// entries. Ids are "since the last entry": a long stream writes them in several entries.
/// </summary>
public sealed class AuditScope(string method, long startUnixMs)
{
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly HashSet<long> _personSet = [];
    private readonly List<long> _persons = [];
    private readonly HashSet<string> _recordSet = new(StringComparer.Ordinal);
    private readonly List<string> _records = [];
    private readonly SortedSet<string> _regions = new(StringComparer.Ordinal);

    public string Method { get; } = method;

    public long StartUnixMs { get; } = startUnixMs;

    public string Purpose { get; set; } = "";

    public string Parameters { get; set; } = "";

    /// <summary>Items sent or stored since the last entry.</summary>
    public long Count { get; set; }

    /// <summary>Set once an entry with the call's outcome is written; the middleware then writes none.</summary>
    public bool OutcomeRecorded { get; set; }

    public int PendingIds => _persons.Count + _records.Count;

    public void AddPerson(long personId)
    {
        if (_personSet.Add(personId))
        {
            _persons.Add(personId);
        }
    }

    public void AddRecord(string sourceAndRecordId)
    {
        if (_recordSet.Add(sourceAndRecordId))
        {
            _records.Add(sourceAndRecordId);
        }
    }

    public void AddRegion(string region) => _regions.Add(region);

    /// <summary>An entry of everything gathered since the last one; the ids and count start afresh.</summary>
    public AuditRecord Take(HttpContext http, string auditEvent, StatusCode status, string detail)
    {
        var user = http.User;
        var authenticated = user.Identity?.IsAuthenticated == true;
        var scope = authenticated ? user.FindFirstValue(CallerIdentity.RegionScopeClaim) ?? "" : "";
        var regions = new SortedSet<string>(_regions, StringComparer.Ordinal);
        if (scope.Length > 0)
        {
            regions.Add(scope);
        }

        var record = new AuditRecord
        {
            TimeUnixMs = StartUnixMs,
            Event = auditEvent,
            ClientId = authenticated ? user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "" : "",
            CertificateThumbprint = (authenticated ? user.FindFirstValue(CallerIdentity.ThumbprintClaim) : null)
                ?? (http.Connection.ClientCertificate is { } certificate ? CertificateAuthority.Thumbprint(certificate) : ""),
            Role = authenticated ? user.FindFirstValue(ClaimTypes.Role) ?? "" : "",
            Method = Method,
            Purpose = Purpose,
            Parameters = Parameters,
            PersonIds = [.. _persons],
            RecordIds = [.. _records],
            Regions = [.. regions],
            Count = Count,
            Status = StatusName(status),
            StatusDetail = detail,
            DurationMs = (long)Stopwatch.GetElapsedTime(_started).TotalMilliseconds,
        };
        _persons.Clear();
        _personSet.Clear();
        _records.Clear();
        _recordSet.Clear();
        Count = 0;
        return record;
    }

    /// <summary>"PERMISSION_DENIED" for StatusCode.PermissionDenied: the names the gRPC spec uses.</summary>
    public static string StatusName(StatusCode status)
    {
        if (status == StatusCode.OK)
        {
            return "OK";
        }

        var name = status.ToString();
        var builder = new System.Text.StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i]))
            {
                builder.Append('_');
            }

            builder.Append(char.ToUpperInvariant(name[i]));
        }

        return builder.ToString();
    }
}
