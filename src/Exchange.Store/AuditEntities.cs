using Microsoft.EntityFrameworkCore;

namespace Exchange.Store;

/// <summary>
/// One audit log entry: a leaf of the audit Merkle tree. Rows are only ever inserted; the application
/// has no code path that updates or deletes them.
/// </summary>
public sealed class AuditLogEntry
{
    /// <summary>Leaf index, from 0, without gaps.</summary>
    public long Index { get; set; }

    public long TimeUnixMs { get; set; }

    public required string Event { get; set; }

    public required string ClientId { get; set; }

    public required string CertificateThumbprint { get; set; }

    public required string Role { get; set; }

    public required string Method { get; set; }

    public required string Purpose { get; set; }

    public required string Parameters { get; set; }

    /// <summary>Person ids, comma-separated with a comma at each end (",2,9,"), so a LIKE finds one id exactly.</summary>
    public required string PersonIds { get; set; }

    /// <summary>"source/record-id" items as a JSON array (record ids may hold any character).</summary>
    public required string RecordIds { get; set; }

    /// <summary>Division prefixes, comma-separated with a comma at each end (",44,").</summary>
    public required string Regions { get; set; }

    public long Count { get; set; }

    public required string Status { get; set; }

    public required string StatusDetail { get; set; }

    public long DurationMs { get; set; }

    /// <summary>RFC 6962 leaf hash of the canonical encoding; proofs are computed from these.</summary>
    public required byte[] LeafHash { get; set; }
}

/// <summary>A signed checkpoint of the audit tree (size, root, time). Inserted only.</summary>
public sealed class AuditCheckpoint
{
    public long Id { get; set; }

    public long TreeSize { get; set; }

    public required byte[] RootHash { get; set; }

    public long TimeUnixSeconds { get; set; }

    public required byte[] KeyId { get; set; }

    public required byte[] Signature { get; set; }
}

/// <summary>
/// The one-row head of the audit log. Every append bumps it with an UPDATE inside the append transaction:
/// the row lock serializes appenders across hub processes (PostgreSQL), so leaf indexes never collide.
/// </summary>
public sealed class AuditHead
{
    public int Id { get; set; }

    public long TreeSize { get; set; }
}

internal static class AuditModel
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<AuditLogEntry>(entry =>
        {
            entry.ToTable("AuditEntries");
            entry.HasKey(e => e.Index);
            entry.Property(e => e.Index).ValueGeneratedNever();
            entry.Property(e => e.Event).HasMaxLength(32);
            entry.Property(e => e.ClientId).HasMaxLength(64);
            entry.Property(e => e.CertificateThumbprint).HasMaxLength(64);
            entry.Property(e => e.Role).HasMaxLength(16);
            entry.Property(e => e.Method).HasMaxLength(200);
            entry.Property(e => e.Purpose).HasMaxLength(64);
            entry.Property(e => e.Status).HasMaxLength(32);
            entry.HasIndex(e => new { e.ClientId, e.Index });
            entry.HasIndex(e => e.TimeUnixMs);
        });

        modelBuilder.Entity<AuditCheckpoint>(checkpoint =>
        {
            checkpoint.ToTable("AuditCheckpoints");
            checkpoint.HasKey(c => c.Id);
            checkpoint.HasIndex(c => c.TreeSize);
        });

        modelBuilder.Entity<AuditHead>(head =>
        {
            head.ToTable("AuditHead");
            head.HasKey(h => h.Id);
            head.Property(h => h.Id).ValueGeneratedNever();
            head.HasData(new AuditHead { Id = 1, TreeSize = 0 });
        });
    }
}
