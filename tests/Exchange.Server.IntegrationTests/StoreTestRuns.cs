using Exchange.Store;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Server.IntegrationTests;

/// <summary>Runs a store-level check on a fresh SQLite file or a fresh PostgreSQL database, then removes it.</summary>
internal static class StoreTestRuns
{
    public static async Task OnSqliteAsync(Func<IDbContextFactory<ExchangeDbContext>, Task> check)
    {
        var folder = Directory.CreateTempSubdirectory("exchange-store-").FullName;
        try
        {
            await check(StoreSetup.Open(new StoreConnection(StoreProvider.Sqlite, StoreSetup.SqliteConnectionString(folder))));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Skips the calling test when no PostgreSQL server is configured (EXCHANGE_TEST_POSTGRES).</summary>
    public static async Task OnPostgresAsync(Func<IDbContextFactory<ExchangeDbContext>, Task> check)
    {
        var store = new PostgresTestStore();
        Skip.IfNot(await store.CreateAsync(), store.Unavailable);
        try
        {
            await check(StoreSetup.Open(new StoreConnection(StoreProvider.Postgres, store.ConnectionString)));
        }
        finally
        {
            await store.DropAsync();
        }
    }
}
