using System.Globalization;
using System.Text.Json;
using Exchange.Audit;
using Exchange.Store;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Exchange.Server.Auditing;

/// <summary>Conversions between the stored row, the hashed record and the API message of an audit entry.</summary>
internal static class AuditEntryMapping
{
    public static AuditLogEntry ToRow(AuditRecord record) => new()
    {
        Index = record.Index,
        TimeUnixMs = record.TimeUnixMs,
        Event = record.Event,
        ClientId = record.ClientId,
        CertificateThumbprint = record.CertificateThumbprint,
        Role = record.Role,
        Method = record.Method,
        Purpose = record.Purpose,
        Parameters = record.Parameters,
        PersonIds = Delimited(record.PersonIds.Select(id => id.ToString(CultureInfo.InvariantCulture))),
        RecordIds = JsonSerializer.Serialize(record.RecordIds),
        Regions = Delimited(record.Regions),
        Count = record.Count,
        Status = record.Status,
        StatusDetail = record.StatusDetail,
        DurationMs = record.DurationMs,
        LeafHash = record.LeafHash(),
    };

    public static AuditRecord ToRecord(AuditLogEntry row) => new()
    {
        Index = row.Index,
        TimeUnixMs = row.TimeUnixMs,
        Event = row.Event,
        ClientId = row.ClientId,
        CertificateThumbprint = row.CertificateThumbprint,
        Role = row.Role,
        Method = row.Method,
        Purpose = row.Purpose,
        Parameters = row.Parameters,
        PersonIds = Split(row.PersonIds).Select(id => long.Parse(id, CultureInfo.InvariantCulture)).ToList(),
        RecordIds = JsonSerializer.Deserialize<List<string>>(row.RecordIds) ?? [],
        Regions = Split(row.Regions),
        Count = row.Count,
        Status = row.Status,
        StatusDetail = row.StatusDetail,
        DurationMs = row.DurationMs,
    };

    public static Contracts.V1.AuditEntry ToMessage(AuditLogEntry row)
    {
        var record = ToRecord(row);
        return new Contracts.V1.AuditEntry
        {
            Index = record.Index,
            Time = Timestamp.FromDateTimeOffset(DateTimeOffset.FromUnixTimeMilliseconds(record.TimeUnixMs)),
            TimeUnixMs = record.TimeUnixMs,
            Event = record.Event,
            ClientId = record.ClientId,
            CertificateThumbprint = record.CertificateThumbprint,
            Role = record.Role,
            Method = record.Method,
            Purpose = record.Purpose,
            Parameters = record.Parameters,
            PersonIds = { record.PersonIds },
            RecordIds = { record.RecordIds },
            Regions = { record.Regions },
            Count = record.Count,
            Status = record.Status,
            StatusDetail = record.StatusDetail,
            DurationMs = record.DurationMs,
            LeafHash = ByteString.CopyFrom(row.LeafHash),
        };
    }

    public static Contracts.V1.SignedCheckpoint ToMessage(Checkpoint checkpoint) => new()
    {
        TreeSize = checkpoint.TreeSize,
        RootHash = ByteString.CopyFrom(checkpoint.RootHash),
        Time = Timestamp.FromDateTimeOffset(DateTimeOffset.FromUnixTimeSeconds(checkpoint.TimeUnixSeconds)),
        KeyId = ByteString.CopyFrom(checkpoint.KeyId),
        Signature = ByteString.CopyFrom(checkpoint.Signature),
        Note = checkpoint.ToNote(),
    };

    public static Checkpoint ToCheckpoint(AuditCheckpoint row) => new(row.TreeSize, row.RootHash, row.TimeUnixSeconds, row.KeyId, row.Signature);

    /// <summary>The key a record id has inside the stored JSON array, for a substring search.</summary>
    public static string RecordKey(string sourceAndRecordId) => JsonSerializer.Serialize(sourceAndRecordId);

    public static string PersonKey(long personId) => "," + personId.ToString(CultureInfo.InvariantCulture) + ",";

    private static string Delimited(IEnumerable<string> items)
    {
        var joined = string.Join(',', items);
        return joined.Length == 0 ? "" : "," + joined + ",";
    }

    private static List<string> Split(string delimited) => [.. delimited.Split(',', StringSplitOptions.RemoveEmptyEntries)];
}
