using Exchange.Store;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Server.IntegrationTests;

/// <summary>
/// <see cref="PostgresStatistics"/> analyzes the store once the versions written since its last analysis reach
/// the store's size then (at least <see cref="PostgresStatistics.MinimumGrowth"/>), and not before: the
/// planner's row counts follow a first load as it grows, without an analysis per batch.
/// </summary>
public sealed class PostgresStatisticsKeepUpWithGrowth
{
    private const long Growth = PostgresStatistics.MinimumGrowth;

    [SkippableFact]
    public Task The_store_is_analyzed_each_time_it_has_doubled() => StoreTestRuns.OnPostgresAsync(async factory =>
    {
        await using var db = await factory.CreateDbContextAsync();
        await StoreSetup.MigrateAsync(db);
        var statistics = new PostgresStatistics(db.Database.GetConnectionString());
        Assert.True(statistics.Active);

        // The store holds three times the minimum before the first analysis, so "doubled" and "the minimum
        // again" are different thresholds after it.
        await AddVersionsAsync(db, 3 * Growth);
        Assert.Null(statistics.Written(Growth - 1));
        Assert.Equal(-1, await PlannerRowsAsync(db));

        await (statistics.Written(1) ?? throw new Xunit.Sdk.XunitException("no analysis started at the minimum growth"));
        Assert.Equal(1, statistics.Rounds);
        Assert.Equal(3 * Growth, await PlannerRowsAsync(db));

        // Now the store holds 3 * Growth versions: the next analysis is due once as many more are written.
        await AddVersionsAsync(db, 3 * Growth, first: 3 * Growth + 1);
        Assert.Null(statistics.Written(3 * Growth - 1));
        await (statistics.Written(1) ?? throw new Xunit.Sdk.XunitException("no analysis started once the store had doubled"));
        Assert.Equal(2, statistics.Rounds);
        Assert.Equal(6 * Growth, await PlannerRowsAsync(db));
    });

    [SkippableFact]
    public Task Stopping_the_hub_cancels_an_analysis_quietly_and_starts_no_more() => StoreTestRuns.OnPostgresAsync(async factory =>
    {
        await using var db = await factory.CreateDbContextAsync();
        await StoreSetup.MigrateAsync(db);
        var failures = new List<Exception>();
        var statistics = new PostgresStatistics(db.Database.GetConnectionString(), failures.Add);

        Assert.NotNull(statistics.Written(Growth));
        await statistics.DisposeAsync();

        Assert.Empty(failures);
        Assert.Null(statistics.Written(10 * Growth));
    });

    [Fact]
    public void On_sqlite_it_does_nothing()
    {
        var statistics = PostgresStatistics.For(new StoreConnection(StoreProvider.Sqlite, "Data Source=unused.db"));
        Assert.False(statistics.Active);
        Assert.Null(statistics.Written(10 * Growth));
    }

    private static Task AddVersionsAsync(ExchangeDbContext db, long count, long first = 1) => db.Database.ExecuteSqlAsync($"""
        INSERT INTO "RecordVersions" ("SourceSystem", "RecordId", "Version", "Kind", "NationalId", "Division", "Retracted", "ContentHash", "Payload", "Flags", "BatchId",
            "StoredAtUtc")
        SELECT 'test', 'R-' || g, 1, 1, '', '110101', false, '\x00'::bytea, '\x00'::bytea, '', 'b', now() FROM generate_series({first}, {first + count - 1}) AS g
        """);

    // What the planner believes the table holds: -1 until the table was first analyzed (PostgreSQL 14 and later).
    private static async Task<long> PlannerRowsAsync(ExchangeDbContext db) =>
        (await db.Database.SqlQuery<long>($"""SELECT reltuples::bigint AS "Value" FROM pg_class WHERE oid = '"RecordVersions"'::regclass""").ToListAsync()).Single();
}
