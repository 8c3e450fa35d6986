using Exchange.Store;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Server.IntegrationTests;

/// <summary>
/// Online linking's candidate lookup, on each store: every record under a key that no more than the
/// block limit of records share, as (position of the key in the list, record id); nothing under a key
/// that more share, nor under a key no record has.
/// </summary>
public sealed class BlockingKeyLookupSkipsOversizedBlocks
{
    private const int MaxBlock = 3;

    [Fact]
    public Task On_sqlite() => StoreTestRuns.OnSqliteAsync(LookupAsync);

    [SkippableFact]
    public Task On_postgres() => StoreTestRuns.OnPostgresAsync(LookupAsync);

    private static async Task LookupAsync(IDbContextFactory<ExchangeDbContext> factory)
    {
        await using var db = await factory.CreateDbContextAsync();
        await StoreSetup.MigrateAsync(db);
        await using var transaction = await db.Database.BeginTransactionAsync();
        var keys = new List<BlockingKey>();
        // "0:zhang wei|1985" is one record over the limit; "1:li na|1990" is exactly at it.
        keys.AddRange(Enumerable.Range(1, MaxBlock + 1).Select(id => new BlockingKey { Key = "0:zhang wei|1985", SourceRecordId = id }));
        keys.AddRange(new long[] { 7, 8, 9 }.Select(id => new BlockingKey { Key = "1:li na|1990", SourceRecordId = id }));
        keys.Add(new BlockingKey { Key = "2:wang fang|2001", SourceRecordId = 20 });
        await StoreBulk.InsertAsync(db, keys, CancellationToken.None);

        string[] asked = ["3:nobody", "0:zhang wei|1985", "2:wang fang|2001", "1:li na|1990"];
        var rows = await BlockingKeyLookup.SelectiveRowsAsync(db, asked, MaxBlock, CancellationToken.None);

        Assert.Equal(
            [("1:li na|1990", 7L), ("1:li na|1990", 8L), ("1:li na|1990", 9L), ("2:wang fang|2001", 20L)],
            rows.Select(r => (asked[r.KeyIndex], r.SourceRecordId)).Order().ToList());
        Assert.Empty(await BlockingKeyLookup.SelectiveRowsAsync(db, [], MaxBlock, CancellationToken.None));
    }
}
