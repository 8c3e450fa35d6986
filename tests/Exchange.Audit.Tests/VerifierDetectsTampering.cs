using System.Security.Cryptography;

namespace Exchange.Audit.Tests;

public sealed class VerifierDetectsTampering : IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public void Dispose() => _key.Dispose();

    [Fact]
    public void AnIntactExportVerifies()
    {
        var (lines, saved) = Export(20, checkpointsAt: [5, 12, 20]);
        var report = AuditVerifier.Verify(lines, _key, saved);
        Assert.True(report.Valid, string.Join("\n", report.Problems));
        Assert.Equal(20, report.Entries);
        Assert.Equal(3, report.Checkpoints);
    }

    [Fact]
    public void AChangedFieldIsDetected()
    {
        var (lines, saved) = Export(20, checkpointsAt: [12, 20]);
        lines[7] = lines[7] with { Entry = lines[7].Entry! with { Purpose = "statistics" } };
        var report = AuditVerifier.Verify(lines, _key, saved);
        Assert.Contains(report.Problems, p => p.StartsWith("Entry 7: its fields do not hash", StringComparison.Ordinal));
        Assert.Contains(report.Problems, p => p.Contains("root hash of the first 12 entries differs", StringComparison.Ordinal));
    }

    [Fact]
    public void ADeletedEntryIsDetected()
    {
        var (lines, saved) = Export(20, checkpointsAt: [12, 20]);
        lines.RemoveAt(3);
        var report = AuditVerifier.Verify(lines, _key, saved);
        Assert.Contains(report.Problems, p => p.StartsWith("Entries 3..3 are missing", StringComparison.Ordinal));
    }

    [Fact]
    public void TwoReorderedEntriesAreDetected()
    {
        var (lines, saved) = Export(20, checkpointsAt: [12, 20]);
        // Swapping contents but keeping each position's index: only the hashes can tell.
        var (a, b) = (lines[4].Entry!, lines[9].Entry!);
        lines[4] = new AuditExportLine { Entry = b with { Index = 4 } };
        lines[9] = new AuditExportLine { Entry = a with { Index = 9 } };
        var report = AuditVerifier.Verify(lines, _key, saved);
        Assert.False(report.Valid);
        Assert.Contains(report.Problems, p => p.Contains("root hash of the first 12 entries differs", StringComparison.Ordinal));
    }

    [Fact]
    public void ATruncatedTailIsDetectedAgainstASavedCheckpoint()
    {
        var (lines, saved) = Export(20, checkpointsAt: [12, 20]);
        // The tail and the checkpoint that covered it are gone; only the auditor's saved copy remembers.
        lines = [.. lines.Where(l => l.Entry is { Index: < 15 } || (l.Checkpoint is { } c && Checkpoint.ParseNote(c).TreeSize <= 12))];
        Assert.True(AuditVerifier.Verify(lines, _key).Valid);
        var report = AuditVerifier.Verify(lines, _key, saved);
        Assert.Contains(report.Problems, p => p.Contains("covers more entries than the export holds (15): the tail was truncated", StringComparison.Ordinal));
    }

    [Fact]
    public void AReplacedCheckpointIsDetected()
    {
        var (lines, saved) = Export(20, checkpointsAt: [12, 20]);
        using var forger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var index = lines.FindIndex(l => l.Checkpoint is not null);
        var original = Checkpoint.ParseNote(lines[index].Checkpoint!);
        lines[index] = new AuditExportLine { Checkpoint = Checkpoint.Sign(forger, original.TreeSize, original.RootHash, original.TimeUnixSeconds).ToNote() };
        var report = AuditVerifier.Verify(lines, _key, saved);
        Assert.Contains(report.Problems, p => p.Contains("the signature does not verify", StringComparison.Ordinal));
    }

    [Fact]
    public void AnArchivedSegmentAndALaterExportFromItsEndVerifyTogether()
    {
        var (lines, saved) = Export(20, checkpointsAt: [12, 20]);
        var archive = lines.Where(l => l.Entry is { Index: < 12 }).ToList();
        // The later export names the archived entries by hash only, as `exchange audit export --from 12` does.
        var later = lines.Select(l => l.Entry is { Index: < 12 } e ? new AuditExportLine { RedactedIndex = e.Index, StoredLeafHash = l.StoredLeafHash } : l).ToList();

        var together = AuditVerifier.Verify([.. archive, .. later], _key, saved);
        Assert.True(together.Valid, string.Join("\n", together.Problems));
        Assert.Equal(0, together.Redacted);

        archive[5] = archive[5] with { Entry = archive[5].Entry! with { ClientId = "someone-else" } };
        var altered = AuditVerifier.Verify([.. archive, .. later], _key, saved);
        Assert.Contains(altered.Problems, p => p.StartsWith("Entry 5 appears twice with different contents", StringComparison.Ordinal));
    }

    private (List<AuditExportLine> Lines, Checkpoint Saved) Export(int entries, long[] checkpointsAt)
    {
        var lines = new List<AuditExportLine>();
        var tree = new MerkleTree();
        var checkpoints = new List<Checkpoint>();
        for (var i = 0; i < entries; i++)
        {
            var entry = new AuditRecord
            {
                Index = i, TimeUnixMs = 1_780_000_000_000 + i, Event = "call", ClientId = i % 2 == 0 ? "hr-gd" : "ps-gd", Role = "hr",
                Method = "/exchange.v1.RecordService/GetRecords", Purpose = "benefit-verification", Status = "OK", Count = i, Regions = ["44"],
            };
            var leaf = entry.LeafHash();
            tree.Append(leaf);
            lines.Add(new AuditExportLine { Entry = entry, StoredLeafHash = Convert.ToBase64String(leaf) });
            if (checkpointsAt.Contains(tree.Size))
            {
                checkpoints.Add(Checkpoint.Sign(_key, tree.Size, tree.Root(tree.Size), 1_780_000_000 + i));
            }
        }

        lines.AddRange(checkpoints.Select(c => new AuditExportLine { Checkpoint = c.ToNote() }));
        return (lines, checkpoints[^1]);
    }
}
