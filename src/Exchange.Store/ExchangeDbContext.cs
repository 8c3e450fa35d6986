using Microsoft.EntityFrameworkCore;

namespace Exchange.Store;

public sealed class ExchangeDbContext(DbContextOptions<ExchangeDbContext> options) : DbContext(options)
{
    public DbSet<ClientSystem> Clients => Set<ClientSystem>();

    public DbSet<ClientCertificate> ClientCertificates => Set<ClientCertificate>();

    public DbSet<SourceRecord> SourceRecords => Set<SourceRecord>();

    public DbSet<RecordVersion> RecordVersions => Set<RecordVersion>();

    public DbSet<Person> Persons => Set<Person>();

    public DbSet<RecordLink> RecordLinks => Set<RecordLink>();

    public DbSet<ReviewItem> ReviewItems => Set<ReviewItem>();

    public DbSet<BlockingKey> BlockingKeys => Set<BlockingKey>();

    public DbSet<LinkageModelVersion> LinkageModels => Set<LinkageModelVersion>();

    public DbSet<NameCount> NameCounts => Set<NameCount>();

    public DbSet<PersonEvent> PersonEvents => Set<PersonEvent>();

    public DbSet<AuditLogEntry> AuditEntries => Set<AuditLogEntry>();

    public DbSet<AuditCheckpoint> AuditCheckpoints => Set<AuditCheckpoint>();

    public DbSet<AuditHead> AuditHead => Set<AuditHead>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        if (Database.IsNpgsql())
        {
            // All times are UTC; Npgsql stores DateTime as timestamptz and refuses other kinds, so a value
            // that lost its kind on the way (Unspecified) is marked UTC rather than refused.
            configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        }
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        // OpenIddict's applications, authorizations, scopes and tokens (the token server's stores).
        modelBuilder.UseOpenIddict();

        modelBuilder.Entity<ClientSystem>(client =>
        {
            client.HasKey(c => c.Id);
            client.Property(c => c.Id).HasMaxLength(64);
            client.Property(c => c.DisplayName).HasMaxLength(200);
            client.Property(c => c.Role).HasMaxLength(16);
            client.Property(c => c.RegionScope).HasMaxLength(6);
            client.Property(c => c.Ministry).HasMaxLength(200);
            client.Property(c => c.AllowedPurposes).HasMaxLength(1000);
            client.HasIndex(c => c.DisplayName).IsUnique();
            client.HasMany(c => c.Certificates).WithOne(c => c.Client).HasForeignKey(c => c.ClientId);
        });

        modelBuilder.Entity<ClientCertificate>(certificate =>
        {
            certificate.HasKey(c => c.Thumbprint);
            certificate.Property(c => c.Thumbprint).HasMaxLength(64);
            certificate.Property(c => c.SerialNumber).HasMaxLength(64);
            certificate.Property(c => c.RevocationReason).HasMaxLength(200);
            certificate.HasIndex(c => c.SerialNumber);
        });

        modelBuilder.Entity<SourceRecord>(record =>
        {
            record.HasKey(r => r.Id);
            record.Property(r => r.SourceSystem).HasMaxLength(64);
            record.Property(r => r.RecordId).HasMaxLength(128);
            record.Property(r => r.NationalId).HasMaxLength(18);
            record.Property(r => r.Division).HasMaxLength(6);
            record.HasIndex(r => new { r.SourceSystem, r.RecordId }).IsUnique();
            record.HasIndex(r => r.NationalId);
            record.HasIndex(r => r.VersionRowId);
            record.Property(r => r.NameKey).HasMaxLength(64);
            record.Property(r => r.NamePinyin).HasMaxLength(200);
            record.Property(r => r.SurnamePinyin).HasMaxLength(32);
            record.Property(r => r.ResidenceDivision).HasMaxLength(6);
        });

        modelBuilder.Entity<RecordVersion>(version =>
        {
            version.HasKey(v => v.Id);
            version.Property(v => v.SourceSystem).HasMaxLength(64);
            version.Property(v => v.RecordId).HasMaxLength(128);
            version.Property(v => v.NationalId).HasMaxLength(18);
            version.Property(v => v.Division).HasMaxLength(6);
            version.Property(v => v.Flags).HasMaxLength(400);
            version.Property(v => v.BatchId).HasMaxLength(64);
            version.HasIndex(v => new { v.SourceSystem, v.RecordId, v.Version }).IsUnique();
            version.HasIndex(v => new { v.SourceSystem, v.Id });
        });

        modelBuilder.Entity<Person>(person =>
        {
            person.HasKey(p => p.Id);
            person.Property(p => p.NationalId).HasMaxLength(18);
            person.Property(p => p.Name).HasMaxLength(64);
            person.Property(p => p.HukouDivision).HasMaxLength(6);
            person.Property(p => p.ResidenceDivision).HasMaxLength(6);
            person.Property(p => p.Division).HasMaxLength(6);
            person.HasIndex(p => p.NationalId);
            person.HasIndex(p => p.Division);
            person.HasIndex(p => new { p.InRegister, p.Deceased, p.ActiveEndowmentCount });
            if (!Database.IsSqlite())
            {
                // Person ids are assigned by the hub (the next free number, under the writer lock), never by
                // the database: SQL Server refuses explicit values in an identity column.
                person.Property(p => p.Id).ValueGeneratedNever();
            }
        });

        modelBuilder.Entity<RecordLink>(link =>
        {
            link.HasKey(l => l.SourceRecordId);
            link.Property(l => l.Method).HasMaxLength(32);
            link.Property(l => l.Levels).HasMaxLength(400);
            link.Property(l => l.RuleVersion).HasMaxLength(64);
            link.Property(l => l.DecidedBy).HasMaxLength(64);
            link.HasIndex(l => l.PersonId);
            link.HasOne<SourceRecord>().WithOne().HasForeignKey<RecordLink>(l => l.SourceRecordId);
            link.HasOne<Person>().WithMany().HasForeignKey(l => l.PersonId);
        });

        modelBuilder.Entity<ReviewItem>(item =>
        {
            item.HasKey(r => r.Id);
            item.Property(r => r.Reason).HasMaxLength(64);
            item.Property(r => r.Levels).HasMaxLength(400);
            item.Property(r => r.Division).HasMaxLength(6);
            item.Property(r => r.Status).HasMaxLength(16);
            item.Property(r => r.DecidedBy).HasMaxLength(64);
            item.HasIndex(r => new { r.Status, r.Impact });
            item.HasIndex(r => r.SourceRecordId);
        });

        modelBuilder.Entity<BlockingKey>(key =>
        {
            // No surrogate id: inserts need no generated value read back, and the key index is the table.
            key.HasKey(k => new { k.Key, k.SourceRecordId });
            key.Property(k => k.Key).HasMaxLength(80);
            key.HasIndex(k => k.SourceRecordId);
        });

        modelBuilder.Entity<NameCount>(name =>
        {
            name.HasKey(n => n.NameKey);
            name.Property(n => n.NameKey).HasMaxLength(64);
        });

        modelBuilder.Entity<PersonEvent>(change =>
        {
            change.HasKey(e => e.Id);
            change.Property(e => e.Kind).HasMaxLength(40);
            change.Property(e => e.Division).HasMaxLength(6);
            change.Property(e => e.Detail).HasMaxLength(200);
            change.HasIndex(e => e.PersonId);
        });

        modelBuilder.Entity<LinkageModelVersion>(model =>
        {
            model.HasKey(m => m.Version);
            model.Property(m => m.Version).ValueGeneratedNever();
            model.Property(m => m.RuleVersion).HasMaxLength(64);
        });

        AuditModel.Configure(modelBuilder);
    }
}

/// <summary>Marks every DateTime as UTC on its way in and out (the store holds UTC only).</summary>
internal sealed class UtcDateTimeConverter() : Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<DateTime, DateTime>(
    v => v.Kind == DateTimeKind.Utc ? v : DateTime.SpecifyKind(v, DateTimeKind.Utc),
    v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
