using Microsoft.EntityFrameworkCore;

namespace Exchange.Store;

public sealed class ExchangeDbContext(DbContextOptions<ExchangeDbContext> options) : DbContext(options)
{
    public DbSet<ClientSystem> Clients => Set<ClientSystem>();

    public DbSet<ClientCertificate> ClientCertificates => Set<ClientCertificate>();

    public DbSet<SourceRecord> SourceRecords => Set<SourceRecord>();

    public DbSet<RecordVersion> RecordVersions => Set<RecordVersion>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<ClientSystem>(client =>
        {
            client.HasKey(c => c.Id);
            client.Property(c => c.Id).HasMaxLength(64);
            client.Property(c => c.DisplayName).HasMaxLength(200);
            client.Property(c => c.Role).HasMaxLength(16);
            client.Property(c => c.RegionScope).HasMaxLength(6);
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
    }
}
