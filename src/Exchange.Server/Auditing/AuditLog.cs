using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Exchange.Audit;
using Exchange.Store;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Exchange.Server.Auditing;

/// <summary>Thrown to a caller whose audit entry could not be made durable: its call must fail.</summary>
public sealed class AuditUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The audit log: an append-only sequence of entries, the leaves of an RFC 6962 Merkle tree.
/// Appends are a group commit: callers queue entries and await durability; one loop writes whatever is
/// pending in one transaction, so many concurrent calls share one commit. Checkpoints are signed
/// periodically and on demand. Leaf hashes are cached per process to answer proofs.
/// </summary>
public sealed class AuditLog : BackgroundService
{
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim _treeLock = new(1, 1);

    // The group commit and the checkpoint signer write the same store: they take turns here, where a waiter
    // wakes the moment the other commits, instead of meeting in SQLite's busy handler, which sleeps in steps
    // of up to 100 ms and held up every call waiting on its audit entry by that much.
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly MerkleTree _tree = new();
    private readonly IDbContextFactory<ExchangeDbContext> _contextFactory;
    private readonly AuditSigner _signer;
    private readonly AuditOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<AuditLog> _logger;
    private readonly Meter _meter = new("Exchange.Hub");
    private readonly Counter<long> _entriesCounter;
    private readonly Histogram<double> _commitMilliseconds;
    private long _entriesWritten;
    private long _commits;
    private long _commitTicks;

    public AuditLog(IDbContextFactory<ExchangeDbContext> contextFactory, AuditSigner signer, IOptions<AuditOptions> options, TimeProvider clock, ILogger<AuditLog> logger)
    {
        _contextFactory = contextFactory;
        _signer = signer;
        _options = options.Value;
        _clock = clock;
        _logger = logger;
        _entriesCounter = _meter.CreateCounter<long>("exchange.audit.entries", description: "Audit entries written");
        _commitMilliseconds = _meter.CreateHistogram<double>("exchange.audit.commit_duration", "ms", "Time of one audit group commit");
    }

    /// <summary>Entries written by this process (for the ingest benchmark).</summary>
    public long EntriesWritten => Interlocked.Read(ref _entriesWritten);

    /// <summary>Group commits by this process: EntriesWritten / Commits is the mean group size.</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>Total time spent in audit commits by this process.</summary>
    public TimeSpan CommitTime => TimeSpan.FromTicks(Interlocked.Read(ref _commitTicks));

    /// <summary>Appends an entry (its Index is assigned here) and completes once it is durable.</summary>
    /// <returns>The entry's leaf index.</returns>
    /// <exception cref="AuditUnavailableException">When the entry could not be written.</exception>
    public Task<long> AppendAsync(AuditRecord draft)
    {
        var pending = new Pending(draft, new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously));
        return _queue.Writer.TryWrite(pending)
            ? pending.Done.Task
            : Task.FromException<long>(new AuditUnavailableException("The audit log is shut down."));
    }

    /// <summary>Signs a checkpoint over every entry so far, unless the latest one already covers them all.</summary>
    public async Task<Checkpoint?> SignCheckpointAsync(CancellationToken cancellationToken)
    {
        await _treeLock.WaitAsync(cancellationToken);
        try
        {
            await SyncTreeAsync(cancellationToken);
            var latest = await LatestCheckpointAsync(cancellationToken);
            if (_tree.Size == 0 || latest?.TreeSize == _tree.Size)
            {
                return latest;
            }

            var checkpoint = _signer.Sign(_tree.Size, _tree.Root(_tree.Size), _clock.GetUtcNow().ToUnixTimeSeconds());
            await using var db = await _contextFactory.CreateDbContextAsync(cancellationToken);
            db.AuditCheckpoints.Add(new AuditCheckpoint
            {
                TreeSize = checkpoint.TreeSize,
                RootHash = checkpoint.RootHash,
                TimeUnixSeconds = checkpoint.TimeUnixSeconds,
                KeyId = checkpoint.KeyId,
                Signature = checkpoint.Signature,
            });
            await _writeGate.WaitAsync(cancellationToken);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            finally
            {
                _writeGate.Release();
            }

            return checkpoint;
        }
        finally
        {
            _treeLock.Release();
        }
    }

    public async Task<Checkpoint?> LatestCheckpointAsync(CancellationToken cancellationToken)
    {
        await using var db = await _contextFactory.CreateDbContextAsync(cancellationToken);
        var row = await db.AuditCheckpoints.OrderByDescending(c => c.TreeSize).ThenByDescending(c => c.Id).FirstOrDefaultAsync(cancellationToken);
        return row is null ? null : AuditEntryMapping.ToCheckpoint(row);
    }

    /// <summary>Runs a computation over the tree of every committed entry (proofs, roots).</summary>
    public async Task<T> WithTreeAsync<T>(Func<MerkleTree, T> work, CancellationToken cancellationToken)
    {
        await _treeLock.WaitAsync(cancellationToken);
        try
        {
            await SyncTreeAsync(cancellationToken);
            return work(_tree);
        }
        finally
        {
            _treeLock.Release();
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Entries already queued are still written; later appends fail (and so do their calls).
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
        Log.AuditSummary(_logger, EntriesWritten, Commits, (long)CommitTime.TotalMilliseconds);
    }

    public override void Dispose()
    {
        _meter.Dispose();
        _treeLock.Dispose();
        _writeGate.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var checkpoints = SignPeriodicallyAsync(stoppingToken);
        var group = new List<Pending>();
        while (await _queue.Reader.WaitToReadAsync(CancellationToken.None))
        {
            while (group.Count < _options.MaxGroupEntries && _queue.Reader.TryRead(out var pending))
            {
                group.Add(pending);
            }

            try
            {
                var first = await WriteGroupAsync(group);
                for (var i = 0; i < group.Count; i++)
                {
                    group[i].Done.TrySetResult(first + i);
                }
            }
            catch (Exception exception)
            {
                Log.AuditWriteFailed(_logger, group.Count, exception.GetType().Name + ": " + exception.Message);
                foreach (var pending in group)
                {
                    pending.Done.TrySetException(new AuditUnavailableException("The audit entry could not be written.", exception));
                }
            }

            group.Clear();
        }

        await checkpoints;
    }

    /// <returns>The index of the group's first entry.</returns>
    private async Task<long> WriteGroupAsync(List<Pending> group)
    {
        await _writeGate.WaitAsync();
        try
        {
            return await WriteGroupUngatedAsync(group);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private async Task<long> WriteGroupUngatedAsync(List<Pending> group)
    {
        var started = Stopwatch.GetTimestamp();
        await using var db = await _contextFactory.CreateDbContextAsync();
        // The group is one transaction that fails as a whole: savepoints around SaveChanges would only add statements.
        db.Database.AutoSavepointsEnabled = false;
        await using var transaction = await db.Database.BeginTransactionAsync();
        // Bumping the head row first takes its lock (PostgreSQL) or the write lock (SQLite): concurrent
        // appenders, in this process or another, get consecutive, non-overlapping index ranges. RETURNING (both
        // stores) reads the new size in the same statement: this loop is serial, every waiting call pays for it.
        // SQL Server spells RETURNING as OUTPUT.
        var bump = db.Database.IsSqlServer()
            ? db.Database.SqlQuery<long>($"UPDATE \"AuditHead\" SET \"TreeSize\" = \"TreeSize\" + {group.Count} OUTPUT inserted.\"TreeSize\" AS \"Value\" WHERE \"Id\" = 1")
            : db.Database.SqlQuery<long>($"UPDATE \"AuditHead\" SET \"TreeSize\" = \"TreeSize\" + {group.Count} WHERE \"Id\" = 1 RETURNING \"TreeSize\" AS \"Value\"");
        var end = (await bump.ToListAsync()).Single();
        var first = end - group.Count;
        var rows = new List<AuditLogEntry>(group.Count);
        for (var i = 0; i < group.Count; i++)
        {
            rows.Add(AuditEntryMapping.ToRow(group[i].Draft with { Index = first + i }));
        }

        if (db.Database.IsNpgsql())
        {
            // One batched INSERT, one round trip: a COPY's two would cost more than it saves for a few rows.
            // Only new rows are tracked: nothing for SaveChanges to detect, and detecting it scanned every entry.
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            db.AuditEntries.AddRange(rows);
            await db.SaveChangesAsync();
        }
        else
        {
            // Every read waits for this commit: one prepared INSERT reused per row, instead of EF's tracking and
            // a statement per row that Microsoft.Data.Sqlite parses anew on every commit.
            await StoreBulk.InsertAsync(db, rows, CancellationToken.None);
        }

        await transaction.CommitAsync();

        var elapsed = Stopwatch.GetElapsedTime(started);
        Interlocked.Add(ref _entriesWritten, group.Count);
        Interlocked.Increment(ref _commits);
        Interlocked.Add(ref _commitTicks, elapsed.Ticks);
        _entriesCounter.Add(group.Count);
        _commitMilliseconds.Record(elapsed.TotalMilliseconds);
        return first;
    }

    private async Task SignPeriodicallyAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(_options.CheckpointSeconds), _clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await SignCheckpointAsync(stoppingToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    Log.AuditCheckpointFailed(_logger, exception.GetType().Name + ": " + exception.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The hub is stopping.
        }
    }

    /// <summary>Loads leaf hashes committed since the cache was last filled (by any process), in index order.</summary>
    private async Task SyncTreeAsync(CancellationToken cancellationToken)
    {
        await using var db = await _contextFactory.CreateDbContextAsync(cancellationToken);
        while (true)
        {
            var from = _tree.Size;
            var page = await db.AuditEntries.Where(e => e.Index >= from).OrderBy(e => e.Index).Take(10_000)
                .Select(e => new { e.Index, e.LeafHash }).ToListAsync(cancellationToken);
            foreach (var leaf in page)
            {
                if (leaf.Index != _tree.Size)
                {
                    // Committed entries always form a prefix; a gap means rows were removed behind the hub's back.
                    throw new InvalidOperationException($"The audit log has no entry {_tree.Size}: it was altered outside the hub.");
                }

                _tree.Append(leaf.LeafHash);
            }

            if (page.Count < 10_000)
            {
                return;
            }
        }
    }

    private sealed record Pending(AuditRecord Draft, TaskCompletionSource<long> Done);
}
