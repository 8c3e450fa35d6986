using Microsoft.EntityFrameworkCore;

namespace Exchange.Store;

/// <summary>A validated record of a batch, ready to store.</summary>
public sealed record PendingRecord(
    int Index,
    string RecordId,
    long Version,
    bool Retracted,
    StoredRecordKind? Kind,
    string NationalId,
    string Division,
    IReadOnlyList<string> Flags,
    byte[] Payload,
    byte[] ContentHash,
    RecordFacts? Facts = null);

public enum WriteOutcome
{
    Stored,
    StoredAsHistory,
    UnchangedDuplicate,

    /// <summary>The same (record id, version) was stored before with different content.</summary>
    VersionConflict,

    /// <summary>A retraction of a record that was never stored.</summary>
    NotFound,
}

public sealed record WriteResult(int Index, WriteOutcome Outcome);

/// <summary>Thrown, with nothing written, when a record may not be written by the caller.</summary>
public sealed class RecordWriteDeniedException(int index, string reason) : Exception(reason)
{
    public int Index { get; } = index;
}

/// <summary>
/// Stores a batch of record versions in one transaction: either all of its accepted records are stored or
/// none is. Versions are append-only; the current view follows the highest version.
/// </summary>
/// <param name="checkpointer">Told after each commit, so that SQLite's log is copied back off the write path.</param>
/// <param name="statistics">Told how many versions each batch stored, so that PostgreSQL's planner statistics keep up with a fast-growing store.</param>
public sealed class RecordWriter(
    IDbContextFactory<ExchangeDbContext> contextFactory, TimeProvider clock, SqliteCheckpointer? checkpointer = null, PostgresStatistics? statistics = null)
{
    // SQLite has one writer at a time; serializing here keeps read-then-write decisions consistent too.
    // Across hub processes on one server database, StoreSetup.LockWritersAsync does the same.
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    /// <summary>
    /// Runs other store changes (human link decisions, a re-link) under the same single-writer lock and in
    /// one transaction, so they never interleave with a batch being linked.
    /// </summary>
    public async Task<T> RunExclusiveAsync<T>(Func<ExchangeDbContext, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await StoreSetup.LockWritersAsync(db, cancellationToken);
            var result = await work(db, cancellationToken);
            db.ChangeTracker.DetectChanges();
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            checkpointer?.Pulse();
            return result;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <param name="mayWrite">Decides, from a record's kind and division, whether the caller may write it
    /// (needed for retractions, whose kind and division are those already stored).</param>
    public async Task<IReadOnlyList<WriteResult>> WriteBatchAsync(
        string sourceSystem,
        string batchId,
        IReadOnlyList<PendingRecord> records,
        Func<StoredRecordKind, string, string?> mayWrite,
        CancellationToken cancellationToken,
        Func<ExchangeDbContext, IReadOnlyList<SourceRecord>, CancellationToken, Task>? afterWrite = null)
    {
        if (records.Count == 0)
        {
            return [];
        }

        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await StoreSetup.LockWritersAsync(db, cancellationToken);
            await StoreSetup.PreferIndexLookupsAsync(db, cancellationToken);

            var recordIds = records.Select(r => r.RecordId).Distinct().ToList();
            var current = await db.SourceRecords
                .Where(r => r.SourceSystem == sourceSystem && EF.Parameter(recordIds).Contains(r.RecordId))
                .ToDictionaryAsync(r => r.RecordId, StringComparer.Ordinal, cancellationToken);
            var knownVersions = await db.RecordVersions
                .Where(v => v.SourceSystem == sourceSystem && EF.Parameter(recordIds).Contains(v.RecordId))
                .Select(v => new { v.RecordId, v.Version, v.ContentHash })
                .ToDictionaryAsync(v => (v.RecordId, v.Version), v => v.ContentHash, cancellationToken);

            // Each stored view's name and state as read, for the name counts (a view may change twice in a batch).
            var asRead = current.Values.ToDictionary(v => v, v => (v.NameKey, v.Retracted));
            var now = clock.GetUtcNow().UtcDateTime;
            var results = new List<WriteResult>(records.Count);
            var pendingCurrent = new List<(SourceRecord Current, RecordVersion Version)>();
            var newVersions = new List<RecordVersion>();
            var newViews = new List<SourceRecord>();
            foreach (var record in records)
            {
                var key = (record.RecordId, record.Version);
                if (knownVersions.TryGetValue(key, out var storedHash))
                {
                    var same = storedHash.AsSpan().SequenceEqual(record.ContentHash);
                    results.Add(new WriteResult(record.Index, same ? WriteOutcome.UnchangedDuplicate : WriteOutcome.VersionConflict));
                    continue;
                }

                current.TryGetValue(record.RecordId, out var existing);
                if (record.Retracted && existing is null)
                {
                    results.Add(new WriteResult(record.Index, WriteOutcome.NotFound));
                    continue;
                }

                // A retraction keeps the kind and division of what it retracts.
                var kind = record.Kind ?? existing!.Kind;
                var division = record.Retracted ? existing!.Division : record.Division;
                var nationalId = record.Retracted ? existing!.NationalId : record.NationalId;
                if (mayWrite(kind, division) is { } denial)
                {
                    throw new RecordWriteDeniedException(record.Index, denial);
                }

                var version = new RecordVersion
                {
                    SourceSystem = sourceSystem,
                    RecordId = record.RecordId,
                    Version = record.Version,
                    Kind = kind,
                    NationalId = nationalId,
                    Division = division,
                    Retracted = record.Retracted,
                    ContentHash = record.ContentHash,
                    Payload = record.Payload,
                    Flags = string.Join(',', record.Flags),
                    BatchId = batchId,
                    StoredAtUtc = now,
                };
                newVersions.Add(version);
                knownVersions[key] = record.ContentHash;

                if (existing is not null && existing.Version > record.Version)
                {
                    results.Add(new WriteResult(record.Index, WriteOutcome.StoredAsHistory));
                    continue;
                }

                if (existing is null)
                {
                    existing = new SourceRecord { SourceSystem = sourceSystem, RecordId = record.RecordId };
                    newViews.Add(existing);
                    current[record.RecordId] = existing;
                }

                existing.Kind = kind;
                existing.Version = record.Version;
                existing.NationalId = nationalId;
                existing.Division = division;
                existing.Retracted = record.Retracted;
                if (record.Facts is not null)
                {
                    existing.Apply(record.Facts);
                }

                pendingCurrent.Add((existing, version));
                results.Add(new WriteResult(record.Index, WriteOutcome.Stored));
            }

            await WriteRowsAsync(db, newVersions, newViews, pendingCurrent, cancellationToken);
            await StoreBulk.AddNameCountsAsync(db, NameCountChanges(pendingCurrent.Select(p => p.Current).Distinct(), asRead), cancellationToken);

            // Work that must be in the same transaction as the records (linking them to persons), so an
            // ack means both are stored.
            if (afterWrite is not null)
            {
                var changed = pendingCurrent.Select(p => p.Current).Where(c => c.VersionRowId != 0).Distinct().ToList();
                await afterWrite(db, changed, cancellationToken);
                db.ChangeTracker.DetectChanges();
                await db.SaveChangesAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            checkpointer?.Pulse();
            _ = statistics?.Written(newVersions.Count);
            return results;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>
    /// Ids first (under the writer lock, so in commit order), then the new versions, the new current views
    /// and the changed ones, each table by the store's bulk path rather than EF's change tracker.
    /// </summary>
    private static async Task WriteRowsAsync(
        ExchangeDbContext db,
        List<RecordVersion> newVersions,
        List<SourceRecord> newViews,
        List<(SourceRecord Current, RecordVersion Version)> pendingCurrent,
        CancellationToken cancellationToken)
    {
        await StoreBulk.AssignIdsAsync(db, newVersions, (v, id) => v.Id = id, cancellationToken);
        await StoreBulk.AssignIdsAsync(db, newViews, (v, id) => v.Id = id, cancellationToken);

        PointViewsAtVersions(pendingCurrent);
        var isNew = newViews.ToHashSet();
        await StoreBulk.InsertAsync(db, newVersions, cancellationToken);
        await StoreBulk.InsertAsync(db, newViews, cancellationToken);
        await StoreBulk.UpdateAsync(db, pendingCurrent.Select(p => p.Current).Where(v => !isNew.Contains(v)).Distinct().ToList(), cancellationToken);
    }

    /// <summary>Current records gained (+1) and lost (-1) per name: a new view, a retraction, a renamed version.</summary>
    private static Dictionary<string, long> NameCountChanges(IEnumerable<SourceRecord> views, Dictionary<SourceRecord, (string NameKey, bool Retracted)> asRead)
    {
        var changes = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var view in views)
        {
            if (asRead.TryGetValue(view, out var before) && !before.Retracted && before.NameKey.Length > 0)
            {
                changes[before.NameKey] = changes.GetValueOrDefault(before.NameKey) - 1;
            }

            if (!view.Retracted && view.NameKey.Length > 0)
            {
                changes[view.NameKey] = changes.GetValueOrDefault(view.NameKey) + 1;
            }
        }

        return changes;
    }

    // Version row ids exist only once the versions have ids; point each current view at its row.
    private static void PointViewsAtVersions(List<(SourceRecord Current, RecordVersion Version)> pendingCurrent)
    {
        foreach (var (view, version) in pendingCurrent)
        {
            if (view.Version == version.Version)
            {
                view.VersionRowId = version.Id;
            }
        }
    }
}
