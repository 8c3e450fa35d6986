using System.Data.Common;
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
/// </remarks>
public sealed class SqliteConnectionPragmas : DbConnectionInterceptor
{
    // 4 GiB is an upper bound: SQLite maps no more than the file and clamps it to its compiled-in maximum.
    private const string Sql = "PRAGMA mmap_size=4294967296; PRAGMA cache_size=-65536;";

    public static readonly SqliteConnectionPragmas Instance = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>For connections opened outside EF (bulk tools, benchmarks).</summary>
    public static void Apply(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Sql;
        command.ExecuteNonQuery();
    }
}
