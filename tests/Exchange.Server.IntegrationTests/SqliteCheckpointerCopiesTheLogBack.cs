using Exchange.Store;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Server.IntegrationTests;

/// <summary>
/// SQLite's write-ahead log is copied back into the store file by <see cref="SqliteCheckpointer"/> after
/// a commit, not inside the commit: a batch-sized commit leaves its pages in the log until the
/// checkpointer runs, and then they are in the store file with nothing lost.
/// </summary>
public sealed class SqliteCheckpointerCopiesTheLogBack
{
    // More pages than SQLite's default threshold (1,000), fewer than the hub's safety net.
    private const int Rows = 2_000;

    [Fact]
    public Task A_large_commit_stays_in_the_log_until_the_checkpointer_copies_it() => StoreTestRuns.OnSqliteAsync(async (factory, connectionString) =>
    {
        Assert.True(Rows < SqliteConnectionPragmas.AutoCheckpointPages);
        await using (var db = await factory.CreateDbContextAsync())
        {
            await StoreSetup.MigrateAsync(db);
            await db.Database.ExecuteSqlRawAsync("CREATE TABLE Filler (Id INTEGER PRIMARY KEY, Bytes BLOB NOT NULL)");
        }

        var file = new SqliteConnectionStringBuilder(connectionString).DataSource;
        var fileBefore = new FileInfo(file).Length;
        await using (var db = await factory.CreateDbContextAsync())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            // One page-sized row each: about as many log frames as rows.
            await db.Database.ExecuteSqlRawAsync($"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {Rows}) INSERT INTO Filler (Id, Bytes) SELECT i, randomblob(3900) FROM n");
            await transaction.CommitAsync();
        }

        Assert.True(new FileInfo(file + "-wal").Length >= Rows * 4096L, "the commit's pages are in the log");
        Assert.True(new FileInfo(file).Length < fileBefore + Rows * 4096L, "and not yet in the store file: the commit did not checkpoint");

        using var checkpointer = new SqliteCheckpointer(connectionString);
        checkpointer.Pulse();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (checkpointer.Rounds == 0 && waited.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(20);
        }

        Assert.Null(checkpointer.LastError);
        Assert.True(new FileInfo(file).Length >= fileBefore + Rows * 4096L, "the checkpointer copied the pages into the store file");
        await using var reader = new SqliteConnection(connectionString);
        await reader.OpenAsync();
        await using var check = reader.CreateCommand();
        check.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
        await using (var result = await check.ExecuteReaderAsync())
        {
            Assert.True(await result.ReadAsync());
            Assert.Equal(result.GetInt64(1), result.GetInt64(2));
        }

        check.CommandText = "SELECT COUNT(*), SUM(length(Bytes)) FROM Filler";
        await using (var result = await check.ExecuteReaderAsync())
        {
            Assert.True(await result.ReadAsync());
            Assert.Equal(Rows, result.GetInt64(0));
            Assert.Equal(Rows * 3900L, result.GetInt64(1));
        }
    });

    [Fact]
    public Task Every_store_connection_carries_the_raised_threshold_and_a_busy_timeout() => StoreTestRuns.OnSqliteAsync(async factory =>
    {
        // Twice: the second context gets the pooled native connection, whose settings were applied once.
        for (var i = 0; i < 2; i++)
        {
            await using var db = await factory.CreateDbContextAsync();
            await db.Database.OpenConnectionAsync();
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = "PRAGMA wal_autocheckpoint";
            Assert.Equal((long)SqliteConnectionPragmas.AutoCheckpointPages, await command.ExecuteScalarAsync());
            // SQLite's own lock wait, so that a writer meeting another is not put to sleep for 150 ms by the driver.
            command.CommandText = "PRAGMA busy_timeout";
            Assert.Equal((long)SqliteConnectionPragmas.BusyTimeoutMilliseconds, await command.ExecuteScalarAsync());
        }
    });

    [Fact]
    public async Task A_store_it_cannot_open_is_reported_once_and_does_not_take_the_process_down()
    {
        var reported = new List<Exception>();
        var missing = Path.Combine(Path.GetTempPath(), "exchange-no-such-folder-" + Guid.NewGuid().ToString("N"), "exchange.db");
        using var checkpointer = new SqliteCheckpointer($"Data Source={missing};Mode=ReadWrite", e => { lock (reported) { reported.Add(e); } });
        checkpointer.Pulse();
        checkpointer.Pulse();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (checkpointer.LastError is null && waited.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(20);
        }

        Assert.IsType<SqliteException>(checkpointer.LastError);
        lock (reported)
        {
            Assert.Single(reported);
        }
    }

    [Fact]
    public void Server_stores_get_an_inert_checkpointer()
    {
        using var postgres = SqliteCheckpointer.For(new StoreConnection(StoreProvider.Postgres, "Host=localhost"));
        using var sqlite = SqliteCheckpointer.For(new StoreConnection(StoreProvider.Sqlite, "Data Source=exchange.db"));
        Assert.False(postgres.Active);
        Assert.True(sqlite.Active);
        postgres.Pulse();
        Assert.Equal(0, postgres.Rounds);
        Assert.Null(postgres.LastError);
    }
}
