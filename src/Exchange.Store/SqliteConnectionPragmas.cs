using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Exchange.Store;

/// <summary>
/// Per-connection SQLite settings, applied whenever EF opens a connection (pooled ones included).
/// </summary>
/// <remarks>
/// <para>Memory-mapped reads: in WAL mode a connection drops its whole page cache whenever another
/// connection has committed since its last transaction, and in the hub another one always has (the audit
/// log commits beside every pushed batch and every read). Without a mapping each transaction re-reads
/// every B-tree page it touches with a read() system call; with it the pages are read in place from the
/// OS page cache. The mapping is read-only (writes still go through the WAL), so durability is unchanged.</para>
/// <para>A 64 MiB page cache instead of 2 MiB: a pushed batch dirties thousands of index pages (blocking
/// keys, names, IDs land all over their indexes), and a cache smaller than that spills them into the WAL
/// in the middle of the transaction and reads them back. Pages read through the mapping take no cache
/// space, so readers stay small; the cache fills only with a writer's dirty pages.</para>
/// <para>SQLite's own checkpoint (inside the commit that grows the log past a threshold) waits for
/// <see cref="AutoCheckpointPages"/> instead of 1,000 pages: <see cref="SqliteCheckpointer"/> copies the
/// log back after each commit on its own thread, and this threshold is the safety net behind it.</para>
/// </remarks>
public sealed class SqliteConnectionPragmas : DbConnectionInterceptor
{
    /// <summary>
    /// How long SQLite itself waits for a lock another connection holds (the batch writer, the audit log,
    /// the checkpointer), in its own short steps of 1 to 100 ms. Without it Microsoft.Data.Sqlite retries a
    /// busy statement after sleeping 150 ms: every call waiting on that audit commit got 150 ms more.
    /// </summary>
    public const int BusyTimeoutMilliseconds = 30_000;

    /// <summary>Log pages (4 KiB each) after which a commit checkpoints in place: a few pushed batches.</summary>
    public const int AutoCheckpointPages = 16384;

    // 4 GiB is an upper bound: SQLite maps no more than the file and clamps it to its compiled-in maximum.
    private static readonly string Sql = $"PRAGMA mmap_size=4294967296; PRAGMA cache_size=-65536; PRAGMA wal_autocheckpoint={AutoCheckpointPages}; PRAGMA busy_timeout={BusyTimeoutMilliseconds};";

    public static readonly SqliteConnectionPragmas Instance = new();

    // The settings belong to the native connection, which the pool keeps open across EF's opens: applying
    // them on every open parsed and ran three statements per query, and reset the file mapping.
    private static readonly ConditionalWeakTable<object, object> Configured = [];

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    // Microsoft.Data.Sqlite runs every command synchronously anyway.
    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    /// <summary>Applies the settings once per native connection (also for connections opened outside EF: bulk tools, benchmarks).</summary>
    public static void Apply(DbConnection connection)
    {
        object? native = (connection as SqliteConnection)?.Handle;
        if (native is not null && Configured.TryGetValue(native, out _))
        {
            return;
        }

        using (var command = connection.CreateCommand())
        {
            command.CommandText = Sql;
            command.ExecuteNonQuery();
        }

        if (native is not null)
        {
            Configured.TryAdd(native, native);
        }
    }
}
