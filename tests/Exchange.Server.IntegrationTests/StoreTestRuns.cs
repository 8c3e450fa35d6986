using Exchange.Store;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Server.IntegrationTests;

/// <summary>Runs a store-level check on a fresh SQLite file or a fresh PostgreSQL database, then removes it.</summary>
internal static class StoreTestRuns
{
    public static Task OnSqliteAsync(Func<IDbContextFactory<ExchangeDbContext>, Task> check) =>
        OnSqliteAsync((factory, _) => check(factory));

    /// <summary>As above, with the store's connection string (for checks that open the file themselves).</summary>
    public static async Task OnSqliteAsync(Func<IDbContextFactory<ExchangeDbContext>, string, Task> check)
    {
        var folder = Directory.CreateTempSubdirectory("exchange-store-").FullName;
        try
        {
            var connectionString = StoreSetup.SqliteConnectionString(folder);
            await check(StoreSetup.Open(new StoreConnection(StoreProvider.Sqlite, connectionString)), connectionString);
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
