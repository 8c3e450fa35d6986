using Exchange.Store;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Exchange.Server.IntegrationTests;

/// <summary>
/// A store upgraded to <see cref="NameCount"/>s starts with its stored records counted: current records only,
/// retracted and nameless ones left out, so linking an upgraded store weighs names as before.
/// </summary>
public sealed class NameCountsMigrationCountsStoredRecords
{
    [Fact]
    public Task On_sqlite() => StoreTestRuns.OnSqliteAsync(UpgradeAndCountAsync);

    [SkippableFact]
    public Task On_postgres() => StoreTestRuns.OnPostgresAsync(UpgradeAndCountAsync);

    private static async Task UpgradeAndCountAsync(IDbContextFactory<ExchangeDbContext> factory)
    {
        await using (var before = await factory.CreateDbContextAsync())
        {
            await before.GetService<IMigrator>().MigrateAsync("NameKeyIndexCoversRetracted");
            before.SourceRecords.AddRange(
                Record("A", "张伟"), Record("B", "张伟"), Record("C", "张伟", retracted: true), Record("D", "李娜"), Record("E", string.Empty));
            await before.SaveChangesAsync();
        }

        await using var after = await factory.CreateDbContextAsync();
        await after.Database.MigrateAsync();

        var counts = await after.NameCounts.OrderBy(n => n.NameKey).Select(n => new { n.NameKey, n.Count }).ToListAsync();
        Assert.Equal([new { NameKey = "张伟", Count = 2L }, new { NameKey = "李娜", Count = 1L }], counts.OrderBy(c => c.NameKey, StringComparer.Ordinal));
    }

    private static SourceRecord Record(string id, string name, bool retracted = false) => new()
    {
        SourceSystem = "ps-test",
        RecordId = id,
        Kind = StoredRecordKind.Register,
        Version = 1,
        NationalId = string.Empty,
        Division = "110101",
        Retracted = retracted,
        NameKey = name,
    };
}
