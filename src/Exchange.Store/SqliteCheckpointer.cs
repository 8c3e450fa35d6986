using Microsoft.Data.Sqlite;

namespace Exchange.Store;

/// <summary>
/// Copies SQLite's write-ahead log back into the store file on a connection and thread of its own, right
/// after a writer commits, instead of inside the commit that crossed the log's size threshold.
/// </summary>
/// <remarks>
/// <para>SQLite checkpoints in the committing connection. A pushed batch writes thousands of pages, so
/// every batch's commit copied them into the store file and synced it before returning, and the next batch
/// waited for that. Here the copy runs while the next batch is being linked.</para>
/// <para>Durability is unchanged: a commit is durable once its log frames are synced (synchronous=FULL),
/// before this runs. Passive checkpoints block neither readers nor the writer; frames a reader still needs
/// wait for the next round. SQLite's own checkpoint stays on as a safety net with a higher threshold
/// (<see cref="SqliteConnectionPragmas.AutoCheckpointPages"/>), for when this one falls behind or a tool
/// writes without it.</para>
/// </remarks>
public sealed class SqliteCheckpointer : IDisposable
{
    // Commits that do not pulse (the audit log's, a few pages each, many per second under queries) are
    // copied back within this interval: one store-file sync a second rather than one per commit.
    private static readonly TimeSpan IdleInterval = TimeSpan.FromSeconds(1);

    private readonly string? _connectionString;
    private readonly Action<Exception>? _failed;
    private readonly AutoResetEvent _pulse = new(false);
    private readonly CancellationTokenSource _stop = new();
    private Thread? _thread;
    private int _started;
    private long _rounds;

    /// <param name="connectionString">The SQLite store's; null when the store is not SQLite (then this does nothing).</param>
    /// <param name="failed">Told when checkpoints start failing (once per run of failures, not every second).</param>
    public SqliteCheckpointer(string? connectionString, Action<Exception>? failed = null)
    {
        _connectionString = connectionString;
        _failed = failed;
    }

    /// <summary>One for the given store: active for SQLite, inert for server stores (they checkpoint themselves).</summary>
    public static SqliteCheckpointer For(StoreConnection store, Action<Exception>? failed = null) =>
        new(store.Provider == StoreProvider.Sqlite ? store.ConnectionString : null, failed);

    /// <summary>Whether this checkpoints at all (the store is SQLite).</summary>
    public bool Active => _connectionString is not null;

    /// <summary>Passive checkpoints run so far (for tests and diagnostics).</summary>
    public long Rounds => Interlocked.Read(ref _rounds);

    /// <summary>The last checkpoint's failure, if it failed (it is retried on the next pulse).</summary>
    public Exception? LastError { get; private set; }

    /// <summary>Starts the checkpoint thread (idempotent); from then on the log is copied back at least every second.</summary>
    public void Start()
    {
        if (_connectionString is null || _stop.IsCancellationRequested)
        {
            return;
        }

        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            _thread = new Thread(Run) { IsBackground = true, Name = "sqlite-checkpoint" };
            _thread.Start();
        }
    }

    /// <summary>Asks for a checkpoint now (after a large commit); pulses that arrive while one runs coalesce into one more.</summary>
    public void Pulse()
    {
        Start();
        if (_connectionString is not null && !_stop.IsCancellationRequested)
        {
            _pulse.Set();
        }
    }

    private void Run()
    {
        try
        {
            using var connection = new SqliteConnection(_connectionString);
            connection.Open();
            using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
            while (!_stop.IsCancellationRequested)
            {
                WaitHandle.WaitAny([_pulse, _stop.Token.WaitHandle], IdleInterval);
                if (_stop.IsCancellationRequested)
                {
                    break;
                }

                try
                {
                    // Returns (busy, log frames, frames checkpointed); busy only if another checkpoint runs.
                    checkpoint.ExecuteNonQuery();
                    LastError = null;
                }
                catch (SqliteException e)
                {
                    // The safety-net threshold keeps the log bounded meanwhile; the next pulse retries.
                    Fail(e);
                }

                Interlocked.Increment(ref _rounds);
            }
        }
        catch (Exception e)
        {
            // Never take the process down from a background thread: SQLite's own threshold takes over.
            Fail(e);
        }
    }

    private void Fail(Exception e)
    {
        var first = LastError is null;
        LastError = e;
        if (first)
        {
            _failed?.Invoke(e);
        }
    }

    public void Dispose()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        _stop.Cancel();
        _thread?.Join();
        _pulse.Dispose();
        _stop.Dispose();
    }
}
