using System.Buffers.Binary;
using System.Text;

namespace Exchange.Audit;

/// <summary>
/// One audit log entry, as hashed into the tree and as exported. Every field takes part in the canonical
/// encoding, so changing any of them (the leaf index included) changes the leaf hash.
/// </summary>
public sealed record AuditRecord
{
    /// <summary>Position in the log: the leaf index, from 0, without gaps.</summary>
    public long Index { get; init; }

    /// <summary>When the call started, Unix milliseconds (UTC).</summary>
    public long TimeUnixMs { get; init; }

    /// <summary>What the entry records: "call" (a whole call), "stream.begin" (before a stream's first
    /// message), "stream.end" (a stream's outcome) or "push.batch" (one acknowledged batch).</summary>
    public string Event { get; init; } = "";

    /// <summary>The registered client; empty when the caller was not authenticated.</summary>
    public string ClientId { get; init; } = "";

    /// <summary>SHA-256 thumbprint of the TLS client certificate, upper-case hex.</summary>
    public string CertificateThumbprint { get; init; } = "";

    public string Role { get; init; } = "";

    /// <summary>The gRPC method path, e.g. "/exchange.v1.RecordService/GetRecords".</summary>
    public string Method { get; init; } = "";

    public string Purpose { get; init; } = "";

    /// <summary>The request's parameters as JSON (never credentials).</summary>
    public string Parameters { get; init; } = "";

    public IReadOnlyList<long> PersonIds { get; init; } = [];

    /// <summary>Records read or written, as "source/record-id".</summary>
    public IReadOnlyList<string> RecordIds { get; init; } = [];

    /// <summary>Division prefixes the entry concerns (the caller's scope, the provinces of the data).</summary>
    public IReadOnlyList<string> Regions { get; init; } = [];

    /// <summary>Items returned or written.</summary>
    public long Count { get; init; }

    /// <summary>gRPC status code name: "OK", "PERMISSION_DENIED", ...</summary>
    public string Status { get; init; } = "";

    public string StatusDetail { get; init; } = "";

    public long DurationMs { get; init; }

    public byte[] LeafHash() => MerkleHash.Leaf(Encode());

    /// <summary>
    /// The canonical bytes: a version tag, then every field in a fixed order; strings as UTF-8 with a
    /// 4-byte big-endian length, numbers as 8-byte big-endian, lists as a count then their items.
    /// Length prefixes make the encoding unambiguous (no field can bleed into the next).
    /// </summary>
    public byte[] Encode()
    {
        var buffer = new List<byte>(256);
        WriteString(buffer, "exchange.v1 audit entry");
        WriteLong(buffer, Index);
        WriteLong(buffer, TimeUnixMs);
        WriteString(buffer, Event);
        WriteString(buffer, ClientId);
        WriteString(buffer, CertificateThumbprint);
        WriteString(buffer, Role);
        WriteString(buffer, Method);
        WriteString(buffer, Purpose);
        WriteString(buffer, Parameters);
        WriteLong(buffer, PersonIds.Count);
        foreach (var id in PersonIds)
        {
            WriteLong(buffer, id);
        }

        WriteLong(buffer, RecordIds.Count);
        foreach (var id in RecordIds)
        {
            WriteString(buffer, id);
        }

        WriteLong(buffer, Regions.Count);
        foreach (var region in Regions)
        {
            WriteString(buffer, region);
        }

        WriteLong(buffer, Count);
        WriteString(buffer, Status);
        WriteString(buffer, StatusDetail);
        WriteLong(buffer, DurationMs);
        return [.. buffer];
    }

    private static void WriteLong(List<byte> buffer, long value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, value);
        buffer.AddRange(bytes);
    }

    private static void WriteString(List<byte> buffer, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
        buffer.AddRange(length);
        buffer.AddRange(bytes);
    }
}
