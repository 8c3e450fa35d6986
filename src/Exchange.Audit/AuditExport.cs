using System.Text.Json;
using System.Text.Json.Serialization;

namespace Exchange.Audit;

/// <summary>
/// One line of an export file: an entry (with the leaf hash the hub stored for it), an entry the exporting
/// auditor may not read (its index and leaf hash only), or a checkpoint note.
/// </summary>
public sealed record AuditExportLine
{
    public AuditRecord? Entry { get; init; }

    /// <summary>The index of an entry outside the auditor's region; only its <see cref="StoredLeafHash"/> is given.</summary>
    public long? RedactedIndex { get; init; }

    /// <summary>The leaf hash the hub holds for the entry (base64). A hint only: verification recomputes it.</summary>
    public string? StoredLeafHash { get; init; }

    /// <summary>A checkpoint note (<see cref="Checkpoint.ToNote"/>).</summary>
    public string? Checkpoint { get; init; }
}

/// <summary>
/// The export file: JSON lines, entries in index order, then the checkpoints. Plain text on purpose: an
/// auditor can read it with any tool and check it with nothing but the public key.
/// </summary>
public static class AuditExport
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string ToLine(AuditExportLine line) => JsonSerializer.Serialize(line, Json);

    public static AuditExportLine ParseLine(string line) =>
        JsonSerializer.Deserialize<AuditExportLine>(line, Json) ?? throw new FormatException("An empty export line.");

    public static async IAsyncEnumerable<AuditExportLine> ReadAsync(string path)
    {
        using var reader = new StreamReader(path);
        var number = 0;
        while (await reader.ReadLineAsync() is { } line)
        {
            number++;
            if (line.Length == 0)
            {
                continue;
            }

            AuditExportLine parsed;
            try
            {
                parsed = ParseLine(line);
            }
            catch (JsonException exception)
            {
                throw new FormatException($"{path}:{number}: not an export line ({exception.Message}).", exception);
            }

            yield return parsed;
        }
    }
}
