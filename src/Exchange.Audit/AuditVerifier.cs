using System.Security.Cryptography;

namespace Exchange.Audit;

/// <summary>What an offline verification found. Valid means no problem at all.</summary>
public sealed class VerificationReport
{
    public List<string> Problems { get; } = [];

    public List<string> Notes { get; } = [];

    public long Entries { get; set; }

    public int Checkpoints { get; set; }

    /// <summary>Entries outside the auditor's region, checked by hash only.</summary>
    public long Redacted { get; set; }

    public Checkpoint? Latest { get; set; }

    public bool Valid => Problems.Count == 0;
}

/// <summary>
/// Checks an export offline, holding only the hub's public audit key: recomputes every leaf hash from the
/// entry's fields, the root at every checkpoint, each checkpoint's signature, consistency between
/// consecutive checkpoints, and that the export extends a checkpoint the auditor saved earlier.
/// </summary>
public static class AuditVerifier
{
    private const int MaxProblemsPerKind = 20;

    public static VerificationReport Verify(IEnumerable<AuditExportLine> lines, ECDsa publicKey, Checkpoint? saved = null)
    {
        var report = new VerificationReport();
        var tree = new MerkleTree();
        var checkpoints = new List<Checkpoint>();
        var mismatchedLeaves = 0;
        foreach (var line in lines)
        {
            if (line.Checkpoint is { } note)
            {
                try
                {
                    checkpoints.Add(Checkpoint.ParseNote(note));
                }
                catch (FormatException exception)
                {
                    report.Problems.Add($"A checkpoint cannot be read: {exception.Message}");
                }

                continue;
            }

            if (line is { Entry: null, RedactedIndex: { } redacted, StoredLeafHash: { } hidden })
            {
                // Outside the auditor's region (or in a segment archived earlier): the hash still counts towards every root.
                if (!AlreadySeen(report, tree, redacted, Convert.FromBase64String(hidden)))
                {
                    CheckPosition(report, tree, redacted);
                    tree.Append(Convert.FromBase64String(hidden));
                    report.Redacted++;
                }

                continue;
            }

            if (line.Entry is not { } entry)
            {
                continue;
            }

            var leaf = entry.LeafHash();
            if (AlreadySeen(report, tree, entry.Index, leaf))
            {
                continue;
            }

            CheckPosition(report, tree, entry.Index);
            if (line.StoredLeafHash is { } stored && stored != Convert.ToBase64String(leaf) && mismatchedLeaves++ < MaxProblemsPerKind)
            {
                report.Problems.Add($"Entry {entry.Index}: its fields do not hash to the leaf hash stored with it (changed after it was written).");
            }

            tree.Append(leaf);
        }

        report.Entries = tree.Size;
        report.Checkpoints = checkpoints.Count;
        Checkpoint? previous = null;
        foreach (var checkpoint in checkpoints.OrderBy(c => c.TreeSize).ThenBy(c => c.TimeUnixSeconds))
        {
            if (CheckAgainstTree(report, tree, checkpoint, publicKey, "Checkpoint"))
            {
                if (previous is not null && previous.TimeUnixSeconds > checkpoint.TimeUnixSeconds)
                {
                    report.Problems.Add($"Checkpoint at size {checkpoint.TreeSize} is dated before the checkpoint at size {previous.TreeSize}.");
                }

                if (previous is not null && !MerkleProofs.VerifyConsistency(
                        previous.TreeSize, checkpoint.TreeSize, previous.RootHash, checkpoint.RootHash, tree.ConsistencyProof(previous.TreeSize, checkpoint.TreeSize)))
                {
                    report.Problems.Add($"Checkpoints at sizes {previous.TreeSize} and {checkpoint.TreeSize} are not consistent.");
                }

                previous = checkpoint;
                report.Latest = checkpoint;
            }
        }

        if (checkpoints.Count == 0)
        {
            report.Problems.Add("The export holds no checkpoint: nothing signed to check the entries against.");
        }
        else if (report.Latest is { } latest && latest.TreeSize < tree.Size)
        {
            report.Notes.Add($"Entries {latest.TreeSize}..{tree.Size - 1} are not yet covered by a signed checkpoint.");
        }

        if (saved is not null && CheckAgainstTree(report, tree, saved, publicKey, "Your saved checkpoint") && report.Latest is { } newest
            && newest.TreeSize >= saved.TreeSize
            && !MerkleProofs.VerifyConsistency(saved.TreeSize, newest.TreeSize, saved.RootHash, newest.RootHash, tree.ConsistencyProof(saved.TreeSize, newest.TreeSize)))
        {
            report.Problems.Add($"The latest checkpoint (size {newest.TreeSize}) is not consistent with your saved checkpoint (size {saved.TreeSize}).");
        }

        return report;
    }

    /// <summary>
    /// An index already in the tree comes from an earlier file (an archived segment, then a later export
    /// that repeats it): the same hash is the same entry; another hash is a changed or reordered entry.
    /// </summary>
    private static bool AlreadySeen(VerificationReport report, MerkleTree tree, long index, byte[] leaf)
    {
        if (index < 0 || index >= tree.Size)
        {
            return false;
        }

        if (!tree.LeafHash(index).AsSpan().SequenceEqual(leaf))
        {
            report.Problems.Add($"Entry {index} appears twice with different contents (changed, or out of order).");
        }

        return true;
    }

    private static void CheckPosition(VerificationReport report, MerkleTree tree, long index)
    {
        if (index != tree.Size)
        {
            report.Problems.Add(index > tree.Size
                ? $"Entries {tree.Size}..{index - 1} are missing (deleted?): the next entry is {index}."
                : $"Entry {index} is out of order or repeated: expected entry {tree.Size}.");
        }
    }

    /// <returns>True when the checkpoint is signed and its root matches the export's first TreeSize entries.</returns>
    private static bool CheckAgainstTree(VerificationReport report, MerkleTree tree, Checkpoint checkpoint, ECDsa publicKey, string what)
    {
        if (!checkpoint.Verify(publicKey))
        {
            report.Problems.Add($"{what} at size {checkpoint.TreeSize}: the signature does not verify with the hub's public audit key (replaced or forged).");
            return false;
        }

        if (checkpoint.TreeSize > tree.Size)
        {
            report.Problems.Add($"{what} at size {checkpoint.TreeSize} covers more entries than the export holds ({tree.Size}): the tail was truncated.");
            return false;
        }

        if (!tree.Root(checkpoint.TreeSize).AsSpan().SequenceEqual(checkpoint.RootHash))
        {
            report.Problems.Add($"{what} at size {checkpoint.TreeSize}: the root hash of the first {checkpoint.TreeSize} entries differs from the signed one (an entry was changed, removed, inserted or reordered).");
            return false;
        }

        return true;
    }
}
