using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Store;

public static class StoreSetup
{
    /// <summary>The SQLite connection string for the embedded store file under a data folder.</summary>
    public static string SqliteConnectionString(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        return new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(Path.GetFullPath(dataDirectory), "exchange.db"),
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    public static void Configure(DbContextOptionsBuilder options, string connectionString) =>
        options.UseSqlite(connectionString).UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking);

    /// <summary>A context factory over the embedded store, for tools that run without the hub's container.</summary>
    public static IDbContextFactory<ExchangeDbContext> OpenSqlite(string dataDirectory)
    {
        var options = new DbContextOptionsBuilder<ExchangeDbContext>();
        Configure(options, SqliteConnectionString(dataDirectory));
        return new FixedOptionsFactory(options.Options);
    }

    private sealed class FixedOptionsFactory(DbContextOptions<ExchangeDbContext> options) : IDbContextFactory<ExchangeDbContext>
    {
        public ExchangeDbContext CreateDbContext() => new(options);
    }

    /// <summary>Applies checked-in migrations and the pragmas the hub relies on.</summary>
    public static async Task MigrateAsync(ExchangeDbContext db, CancellationToken cancellationToken = default)
    {
        await db.Database.MigrateAsync(cancellationToken);
        if (db.Database.IsSqlite())
        {
            // WAL lets readers run beside the single writer. SQLite's default synchronous=FULL is kept: a
            // committed batch survives power loss, which is what an ack promises.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
    }
}
