using Exchange.Audit;
using Exchange.Contracts.V1;
using Grpc.Core;

namespace Exchange.Client;

/// <summary>
/// Turns the AuditService's messages into the offline forms of Exchange.Audit (records, checkpoints,
/// export lines), so what an auditor verifies is recomputed from the fields, never taken from the hub.
/// </summary>
public static class AuditExports
{
    public static AuditRecord ToRecord(AuditEntry entry) => new()
    {
        Index = entry.Index,
        TimeUnixMs = entry.TimeUnixMs,
        Event = entry.Event,
        ClientId = entry.ClientId,
        CertificateThumbprint = entry.CertificateThumbprint,
        Role = entry.Role,
        Method = entry.Method,
        Purpose = entry.Purpose,
        Parameters = entry.Parameters,
        PersonIds = [.. entry.PersonIds],
        RecordIds = [.. entry.RecordIds],
        Regions = [.. entry.Regions],
        Count = entry.Count,
        Status = entry.Status,
        StatusDetail = entry.StatusDetail,
        DurationMs = entry.DurationMs,
    };

    public static Checkpoint ToCheckpoint(SignedCheckpoint checkpoint) =>
        new(checkpoint.TreeSize, checkpoint.RootHash.ToByteArray(), checkpoint.Time.Seconds, checkpoint.KeyId.ToByteArray(), checkpoint.Signature.ToByteArray());

    public static AuditExportLine ToLine(ExportItem item) => item.ItemCase switch
    {
        ExportItem.ItemOneofCase.Entry => new AuditExportLine { Entry = ToRecord(item.Entry), StoredLeafHash = item.Entry.LeafHash.ToBase64() },
        ExportItem.ItemOneofCase.Redacted => new AuditExportLine { RedactedIndex = item.Redacted.Index, StoredLeafHash = item.Redacted.LeafHash.ToBase64() },
        ExportItem.ItemOneofCase.Checkpoint => new AuditExportLine { Checkpoint = ToCheckpoint(item.Checkpoint).ToNote() },
        _ => throw new FormatException($"Unknown export item {item.ItemCase}."),
    };

    /// <summary>Streams the whole export into lines (held in memory: for tests and small logs).</summary>
    public static async Task<List<AuditExportLine>> ReadAllAsync(AuditService.AuditServiceClient client, CancellationToken cancellationToken = default)
    {
        var lines = new List<AuditExportLine>();
        using var call = client.Export(new ExportRequest(), cancellationToken: cancellationToken);
        await foreach (var item in call.ResponseStream.ReadAllAsync(cancellationToken))
        {
            lines.Add(ToLine(item));
        }

        return lines;
    }

    /// <summary>Writes the export to a file, one JSON line per item, streaming.</summary>
    /// <returns>Entries (visible, redacted) and checkpoints written.</returns>
    public static async Task<(long Entries, long Redacted, long Checkpoints)> WriteFileAsync(
        AuditService.AuditServiceClient client, string path, long startIndex = 0, CancellationToken cancellationToken = default)
    {
        long entries = 0, redacted = 0, checkpoints = 0;
        await using var writer = new StreamWriter(path, append: false, new System.Text.UTF8Encoding(false));
        using var call = client.Export(new ExportRequest { StartIndex = startIndex }, cancellationToken: cancellationToken);
        await foreach (var item in call.ResponseStream.ReadAllAsync(cancellationToken))
        {
            switch (item.ItemCase)
            {
                case ExportItem.ItemOneofCase.Entry: entries++; break;
                case ExportItem.ItemOneofCase.Redacted: redacted++; break;
                case ExportItem.ItemOneofCase.Checkpoint: checkpoints++; break;
            }

            await writer.WriteLineAsync(AuditExport.ToLine(ToLine(item)));
        }

        return (entries, redacted, checkpoints);
    }
}
