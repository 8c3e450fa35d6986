using Npgsql;

namespace Exchange.Store;

/// <summary>
/// Keeps PostgreSQL's planner statistics in step with a store that is growing fast: each time the record
/// versions written since the last analysis reach the number stored at that analysis (at least
/// <see cref="MinimumGrowth"/>), the tables a push grows are analyzed, on a connection of their own and off the
/// writer's path.
/// </summary>
/// <remarks>
/// A province's first load grows the tables from nothing to millions of rows in minutes. Autovacuum
/// re-analyzes a table once a tenth of it has changed, but looks only once a minute (autovacuum_naptime), a
/// server-wide setting the hub does not own. Meanwhile the planner plans a batch's lookups for the table it
/// last measured: on a 100k-record ingest the version and current-record lookups took 15 ms a batch instead
/// of 4. Doubling keeps it to a handful of analyses for any size (ANALYZE samples a bounded number of rows).
/// </remarks>
public sealed class PostgresStatistics : IAsyncDisposable, IDisposable
{
    /// <summary>The fewest record versions written between two analyses.</summary>
    public const long MinimumGrowth = 5_000;

    // Every table a pushed batch adds rows to, and whose lookups a batch plans.
    private const string AnalyzeSql = """ANALYZE "RecordVersions", "SourceRecords", "RecordLinks", "BlockingKeys", "Persons", "PersonEvents", "ReviewItems";""";

    // The store's size in what Written counts: stored versions.
    private const string SizeSql = """SELECT GREATEST(reltuples, 0)::bigint FROM pg_class WHERE oid = '"RecordVersions"'::regclass""";

    private readonly string? _connectionString;
    private readonly Action<Exception>? _failed;
    private readonly CancellationTokenSource _stop = new();
    private Task _analysis = Task.CompletedTask;
    private long _writtenSince;
    private long _sizeAtLastAnalysis;
    private long _rounds;
    private int _running;
    private bool _failing;

    /// <param name="connectionString">The PostgreSQL store's; null when the store is not PostgreSQL (then this does nothing).</param>
    /// <param name="failed">Told when an analysis fails (once per run of failures); autovacuum's own analyses go on regardless.</param>
    public PostgresStatistics(string? connectionString, Action<Exception>? failed = null)
    {
        _connectionString = connectionString;
        _failed = failed;
    }

    /// <summary>One for the given store: active for PostgreSQL, inert otherwise.</summary>
    public static PostgresStatistics For(StoreConnection store, Action<Exception>? failed = null) =>
        new(store.Provider == StoreProvider.Postgres ? store.ConnectionString : null, failed);

    /// <summary>Whether this analyzes at all (the store is PostgreSQL).</summary>
    public bool Active => _connectionString is not null;

    /// <summary>Analyses completed so far (for tests and diagnostics).</summary>
    public long Rounds => Interlocked.Read(ref _rounds);

    /// <summary>Told after a commit that stored <paramref name="records"/> record versions.</summary>
    /// <returns>The analysis this started, or null when none is due, one is already running, or the store is not PostgreSQL.</returns>
    public Task? Written(long records)
    {
        if (_connectionString is null || _stop.IsCancellationRequested)
        {
            return null;
        }

        var since = Interlocked.Add(ref _writtenSince, records);
        if (since < Math.Max(MinimumGrowth, Interlocked.Read(ref _sizeAtLastAnalysis)) || Interlocked.Exchange(ref _running, 1) == 1)
        {
            return null;
        }

        Interlocked.Exchange(ref _writtenSince, 0);
        return _analysis = Task.Run(() => AnalyzeAsync(_stop.Token));
    }

    /// <summary>Cancels an analysis still running (the hub is stopping) and waits for it to end.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        await _stop.CancelAsync();
        await _analysis;
    }

    /// <summary>As <see cref="DisposeAsync"/>, for a container disposed synchronously (the cancelled analysis ends at once).</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task AnalyzeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection(_connectionString);
            await connection.OpenAsync(cancellationToken);
            await using (var analyze = new NpgsqlCommand(AnalyzeSql, connection) { CommandTimeout = 0 })
            {
                await analyze.ExecuteNonQueryAsync(cancellationToken);
            }

            await using (var size = new NpgsqlCommand(SizeSql, connection))
            {
                Interlocked.Exchange(ref _sizeAtLastAnalysis, Convert.ToInt64(await size.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture));
            }

            _failing = false;
            Interlocked.Increment(ref _rounds);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The hub is stopping; the next start's pushes analyze again.
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            // Never fail a push over statistics: autovacuum analyzes too, only later.
            if (!_failing)
            {
                _failing = true;
                _failed?.Invoke(e);
            }
        }
        finally
        {
            Interlocked.Exchange(ref _running, 0);
        }
    }
}
