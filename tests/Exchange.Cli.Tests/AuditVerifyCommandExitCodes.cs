using System.CommandLine;
using Exchange.Audit;

namespace Exchange.Cli.Tests;

/// <summary>`exchange audit verify` works offline from files alone, and its exit code says whether the log is intact.</summary>
public sealed class AuditVerifyCommandExitCodes : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "exchange-cli-audit-" + Guid.NewGuid().ToString("N"));

    public AuditVerifyCommandExitCodes() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task An_intact_export_passes_and_an_edited_one_fails()
    {
        var (export, saved) = WriteExport(entries: 10);
        Assert.Equal(0, await VerifyAsync(export, saved));

        var lines = await File.ReadAllLinesAsync(export);
        lines[4] = lines[4].Replace("\"client_id\":\"hr-gd\"", "\"client_id\":\"hr-bj\"", StringComparison.Ordinal);
        Assert.Contains("hr-bj", lines[4], StringComparison.Ordinal);
        await File.WriteAllLinesAsync(export, lines);

        Assert.Equal(1, await VerifyAsync(export, saved));
    }

    private async Task<int> VerifyAsync(string export, string saved)
    {
        var root = new RootCommand { AuditCommands.Create() };
        return await root.Parse(["audit", "verify", "--export", export, "--public-key", Path.Combine(_folder, AuditKey.PublicKeyFileName), "--checkpoint", saved])
            .InvokeAsync();
    }

    private (string Export, string Saved) WriteExport(int entries)
    {
        using var key = AuditKey.LoadOrCreate(_folder);
        var tree = new MerkleTree();
        var lines = new List<string>();
        for (var i = 0; i < entries; i++)
        {
            var entry = new AuditRecord { Index = i, TimeUnixMs = 1_780_000_000_000 + i, Event = "call", ClientId = "hr-gd", Role = "hr", Method = "/exchange.v1.RecordService/GetRecords", Status = "OK" };
            tree.Append(entry.LeafHash());
            lines.Add(AuditExport.ToLine(new AuditExportLine { Entry = entry }));
        }

        var checkpoint = Checkpoint.Sign(key, tree.Size, tree.Root(tree.Size), 1_780_000_100);
        lines.Add(AuditExport.ToLine(new AuditExportLine { Checkpoint = checkpoint.ToNote() }));
        var export = Path.Combine(_folder, "audit.jsonl");
        var saved = Path.Combine(_folder, "saved.note");
        File.WriteAllLines(export, lines);
        File.WriteAllText(saved, checkpoint.ToNote());
        return (export, saved);
    }
}
