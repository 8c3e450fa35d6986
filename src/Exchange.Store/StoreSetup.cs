using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Store;

public static class StoreSetup
{
    /// <summary>Assemblies holding each server provider's migrations (SQLite's live in this assembly).</summary>
    public const string PostgresMigrationsAssembly = "Exchange.Store.Postgres";
    public const string SqlServerMigrationsAssembly = "Exchange.Store.SqlServer";

    // Advisory lock keys: any constants work as long as every hub process uses the same ones.
    private const string LockWriterSql = "SELECT pg_advisory_xact_lock(4995722578385331045)";
    private const string LockMigrationSql = "SELECT pg_advisory_lock(4995722578385331046)";
    private const string UnlockMigrationSql = "SELECT pg_advisory_unlock(4995722578385331046)";

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
        Configure(options, new StoreConnection(StoreProvider.Sqlite, connectionString));

    public static void Configure(DbContextOptionsBuilder options, StoreConnection store)
    {
        _ = store.Provider switch
        {
            StoreProvider.Sqlite => options.UseSqlite(store.ConnectionString).AddInterceptors(SqliteConnectionPragmas.Instance),
            StoreProvider.Postgres => options.UseNpgsql(WithAutoPrepare(store.ConnectionString), npgsql => npgsql.MigrationsAssembly(PostgresMigrationsAssembly)),
            StoreProvider.SqlServer => options.UseSqlServer(store.ConnectionString, sql => sql.MigrationsAssembly(SqlServerMigrationsAssembly)),
            _ => throw new ArgumentOutOfRangeException(nameof(store), store.Provider, "Unknown store provider."),
        };
        options.UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking);
    }

    // Npgsql prepares a statement once it has run 5 times on a connection: a push's lookups and a read's
    // queries then skip PostgreSQL's parsing and planning on every batch and call. An operator's own
    // Max Auto Prepare wins.
    private static string WithAutoPrepare(string connectionString)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        if (builder.MaxAutoPrepare == 0)
        {
            builder.MaxAutoPrepare = 64;
        }

        return builder.ConnectionString;
    }

    /// <summary>A context factory over any store, for tools that run without the hub's container.</summary>
    public static IDbContextFactory<ExchangeDbContext> Open(StoreConnection store)
    {
        var options = new DbContextOptionsBuilder<ExchangeDbContext>();
        Configure(options, store);
        return new FixedOptionsFactory(options.Options);
    }

    private sealed class FixedOptionsFactory(DbContextOptions<ExchangeDbContext> options) : IDbContextFactory<ExchangeDbContext>
    {
        public ExchangeDbContext CreateDbContext() => new(options);
    }

    /// <summary>Applies checked-in migrations and the pragmas the hub relies on.</summary>
    public static async Task MigrateAsync(ExchangeDbContext db, CancellationToken cancellationToken = default)
    {
        if (db.Database.IsNpgsql())
        {
            // Several hubs may start at once on one database: one migrates, the others wait and then find
            // nothing left to apply. A session lock, because migrations run in transactions of their own.
            await db.Database.OpenConnectionAsync(cancellationToken);
            try
            {
                await db.Database.ExecuteSqlRawAsync(LockMigrationSql, cancellationToken);
                await db.Database.MigrateAsync(cancellationToken);
                await db.Database.ExecuteSqlRawAsync(UnlockMigrationSql, cancellationToken);
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }

            return;
        }

        await db.Database.MigrateAsync(cancellationToken);
        if (db.Database.IsSqlite())
        {
            // WAL lets readers run beside the single writer. SQLite's default synchronous=FULL is kept: a
            // committed batch survives power loss, which is what an ack promises.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
    }

    /// <summary>
    /// For the rest of the transaction, PostgreSQL plans by index wherever one applies. A push's queries are
    /// all lookups of a batch's keys and ids, but while a province's first load grows the tables a
    /// hundredfold, the statistics lag behind (autovacuum re-analyzes only every 10 % of growth and a minute
    /// at best): the planner, believing the tables small, scans them whole on every batch. JIT goes too: the
    /// penalty that steers plans off scans also inflates the cost of the scans that remain (the staging
    /// table's merge), and JIT compiles any plan that costly, for tens of milliseconds a statement.
    /// </summary>
    public static async Task PreferIndexLookupsAsync(ExchangeDbContext db, CancellationToken cancellationToken)
    {
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlRawAsync("SET LOCAL enable_seqscan = off; SET LOCAL jit = off", cancellationToken);
        }
    }

    /// <summary>
    /// Makes the open transaction the store's only writer until it ends, across every hub process on the
    /// database. Writes must be serialized store-wide: person ids are the next free number, and change-feed
    /// cursors (identity values) must become visible in increasing order, or a reader that has passed a
    /// cursor would skip a row committed later with a smaller one. SQLite has one writer per file already
    /// (and one process), where the in-process lock suffices.
    /// </summary>
    public static async Task LockWritersAsync(ExchangeDbContext db, CancellationToken cancellationToken)
    {
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlRawAsync(LockWriterSql, cancellationToken);
        }
        else if (db.Database.IsSqlServer())
        {
            await db.Database.ExecuteSqlRawAsync(
                "EXEC sp_getapplock @Resource = N'exchange-writer', @LockMode = N'Exclusive', @LockOwner = N'Transaction', @LockTimeout = -1",
                cancellationToken);
        }
    }
}
