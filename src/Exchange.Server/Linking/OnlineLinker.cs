using Exchange.Reconciliation;
using Exchange.Reconciliation.Persons;
using Exchange.Store;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Server.Linking;

/// <summary>
/// Links the records of a pushed batch to persons inside the batch's transaction, so that the ack means
/// "stored and linked". Candidates come from the store through blocking keys; the decision is
/// <see cref="PersonMatcher"/>'s, the same as the batch re-link's.
/// </summary>
public sealed class OnlineLinker(LinkageModelProvider models, TimeProvider clock, Microsoft.Extensions.Logging.ILogger<OnlineLinker> logger)
{
    private const int QueryChunk = 500;

    public async Task LinkAsync(ExchangeDbContext db, IReadOnlyList<SourceRecord> changed, CancellationToken cancellationToken)
    {
        if (changed.Count == 0)
        {
            return;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var active = await models.GetAsync(db, cancellationToken);
        var changedIds = changed.Select(c => c.Id).ToList();
        var affectedPersons = new HashSet<long>();

        // Old keys and links of the changed records go; they are recomputed below.
        var oldLinks = await ChunkedAsync(changedIds, ids => db.RecordLinks.AsTracking().Where(l => ids.Contains(l.SourceRecordId)).ToListAsync(cancellationToken));
        var linkByRecord = oldLinks.ToDictionary(l => l.SourceRecordId);
        await ChunkedAsync(changedIds, ids => db.BlockingKeys.Where(k => ids.Contains(k.SourceRecordId)).ExecuteDeleteAsync(cancellationToken));
        await ChunkedAsync(changedIds, ids => db.ReviewItems.Where(r => ids.Contains(r.SourceRecordId) && r.Status == "open")
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, "obsolete"), cancellationToken));

        foreach (var retracted in changed.Where(c => c.Retracted))
        {
            if (linkByRecord.Remove(retracted.Id, out var link))
            {
                affectedPersons.Add(link.PersonId);
                db.RecordLinks.Remove(link);
            }
        }

        var live = changed.Where(c => !c.Retracted)
            .OrderBy(c => c.Kind == StoredRecordKind.Register ? 0 : c.NationalId.Length > 0 ? 1 : 2)
            .ThenBy(c => c.Id)
            .Select(PersonRecords.From)
            .ToList();
        var keysOf = live.ToDictionary(r => r.Id, r => PersonLinkage.BlockingKeys(r).OfType<string>().ToArray());

        // Candidates: every other current record sharing a key, with the person it is linked to.
        // As in the batch re-link, a key shared by more records than MaxBlockSize is not selective enough
        // to compare against (say "zhang wei|1985" nationally); the record's other keys still apply.
        var allKeys = keysOf.Values.SelectMany(k => k).Distinct().ToList();
        var maxBlock = PersonLinkage.Spec.MaxBlockSize;
        var selectiveKeys = (await ChunkedAsync(allKeys, keys => db.BlockingKeys.Where(k => keys.Contains(k.Key))
                .GroupBy(k => k.Key).Select(g => new { Key = g.Key, Count = g.Count() }).ToListAsync(cancellationToken)))
            .Where(k => k.Count <= maxBlock)
            .Select(k => k.Key)
            .ToList();
        var keyRows = await ChunkedAsync(selectiveKeys, keys => db.BlockingKeys.Where(k => keys.Contains(k.Key)).Select(k => new { k.Key, k.SourceRecordId }).ToListAsync(cancellationToken));
        var candidateIds = keyRows.Select(k => k.SourceRecordId).Distinct().ToList();
        var candidateRecords = (await ChunkedAsync(candidateIds, ids => db.SourceRecords.Where(r => ids.Contains(r.Id) && !r.Retracted).ToListAsync(cancellationToken)))
            .ToDictionary(r => r.Id, PersonRecords.From);
        var candidatePerson = (await ChunkedAsync(candidateIds, ids => db.RecordLinks.Where(l => ids.Contains(l.SourceRecordId)).Select(l => new { l.SourceRecordId, l.PersonId }).ToListAsync(cancellationToken)))
            .ToDictionary(l => l.SourceRecordId, l => l.PersonId);
        var index = new Dictionary<string, List<long>>(StringComparer.Ordinal);
        foreach (var row in keyRows)
        {
            if (candidateRecords.ContainsKey(row.SourceRecordId))
            {
                (index.TryGetValue(row.Key, out var list) ? list : index[row.Key] = []).Add(row.SourceRecordId);
            }
        }

        var matcher = new PersonMatcher(
            Linker<PersonRecord>.WithModel(PersonLinkage.Spec, active.Model, await NameFrequenciesAsync(db, live, candidateRecords.Values, cancellationToken)),
            active.Thresholds);
        var rejected = (await ChunkedAsync(changedIds, ids => db.ReviewItems.Where(r => ids.Contains(r.SourceRecordId) && r.Status == "rejected")
                .Select(r => new { r.SourceRecordId, r.CandidatePersonId }).ToListAsync(cancellationToken)))
            .GroupBy(r => r.SourceRecordId)
            .ToDictionary(g => g.Key, g => (IReadOnlySet<long>)g.Select(r => r.CandidatePersonId).ToHashSet());
        var nextPersonId = (await db.Persons.MaxAsync(p => (long?)p.Id, cancellationToken) ?? 0) + 1;
        var lookupMs = watch.ElapsedMilliseconds;
        var changedById = changed.ToDictionary(c => c.Id);

        foreach (var record in live)
        {
            linkByRecord.TryGetValue(record.Id, out var link);
            if (link is { Sticky: true })
            {
                // A human decided: keep it, and let later records of this batch meet it.
                Index(index, candidateRecords, candidatePerson, record, keysOf[record.Id], link.PersonId);
                affectedPersons.Add(link.PersonId);
                continue;
            }

            var candidates = keysOf[record.Id]
                .SelectMany(k => index.TryGetValue(k, out var ids) && ids.Count <= maxBlock ? ids : [])
                .Distinct()
                .Where(id => id != record.Id && candidatePerson.ContainsKey(id))
                .Select(id => new Candidate(candidateRecords[id], candidatePerson[id]));
            var decision = matcher.Decide(record, candidates, rejected.GetValueOrDefault(record.Id));
            var personId = decision.PersonId ?? nextPersonId++;
            if (decision.PersonId is null)
            {
                db.Persons.Add(new Person { Id = personId, CreatedAtUtc = now, UpdatedAtUtc = now });
            }

            if (link is null)
            {
                link = new RecordLink { SourceRecordId = record.Id };
                db.RecordLinks.Add(link);
                linkByRecord[record.Id] = link;
            }
            else if (link.PersonId != personId)
            {
                affectedPersons.Add(link.PersonId);
            }

            var moved = link.PersonId != personId;
            PersonRecords.Apply(link, decision, personId, string.Empty, active.Version, now);
            var source = changedById[record.Id];
            if (moved)
            {
                Survivorship.Emit(db, personId, PersonEventKinds.Linked, source.Division, $"{source.SourceSystem}/{source.RecordId} ({link.Method})", now);
            }
            affectedPersons.Add(personId);

            RaiseReviews(db, source, personId, decision, now);
            Index(index, candidateRecords, candidatePerson, record, keysOf[record.Id], personId);
        }

        var decideMs = watch.ElapsedMilliseconds - lookupMs;
        db.ChangeTracker.DetectChanges();
        await db.SaveChangesAsync(cancellationToken);
        await BulkInserts.InsertBlockingKeysAsync(db, live.SelectMany(r => keysOf[r.Id].Select(k => (k, r.Id))).ToList(), cancellationToken);
        var writeMs = watch.ElapsedMilliseconds - lookupMs - decideMs;
        await Survivorship.RefreshAsync(db, affectedPersons, now, cancellationToken);
        Log.BatchLinked(logger, live.Count, candidateRecords.Count, lookupMs, decideMs, writeMs, watch.ElapsedMilliseconds - lookupMs - decideMs - writeMs);
    }

    private static void Index(Dictionary<string, List<long>> index, Dictionary<long, PersonRecord> records, Dictionary<long, long> personOf, PersonRecord record, string[] keys, long personId)
    {
        records[record.Id] = record;
        personOf[record.Id] = personId;
        foreach (var key in keys)
        {
            var list = index.TryGetValue(key, out var existing) ? existing : index[key] = [];
            if (!list.Contains(record.Id))
            {
                list.Add(record.Id);
            }
        }
    }

    /// <summary>Opens the review items a decision calls for: an uncertain candidate, someone else's ID.</summary>
    internal static void RaiseReviews(ExchangeDbContext db, SourceRecord source, long personId, MatchDecision decision, DateTime now)
    {
        if (decision.ReviewPersonId is { } uncertain)
        {
            db.ReviewItems.Add(Review(source, uncertain, "uncertain", decision, now));
        }

        foreach (var owner in decision.ConflictPersonIds)
        {
            db.ReviewItems.Add(Review(source, owner, "national-id-of-another-person", decision, now));
            Survivorship.Emit(db, personId, PersonEventKinds.ConflictRaised, source.Division, $"{source.SourceSystem}/{source.RecordId} carries the national ID of person {owner}", now);
        }
    }

    private static ReviewItem Review(SourceRecord source, long candidatePerson, string reason, MatchDecision decision, DateTime now)
    {
        var activePension = source.Kind == StoredRecordKind.Enrollment && source.EnrollmentStatus == 1 && source.Scheme is 1 or 2;
        var probability = double.IsNaN(decision.Weight) ? 0 : FellegiSunterModel.Probability(decision.Weight);
        return new ReviewItem
        {
            SourceRecordId = source.Id,
            CandidatePersonId = candidatePerson,
            Reason = reason,
            Weight = double.IsNaN(decision.Weight) ? 0 : decision.Weight,
            Levels = PersonRecords.DescribeLevels(decision.Levels),
            // Pension money at stake and conflicts first; among uncertain links, the closest calls.
            Impact = (activePension ? 2 : 0) + (reason == "uncertain" ? 1 - Math.Abs(probability - 0.75) : 1.5),
            Division = source.Division,
            CreatedAtUtc = now,
        };
    }

    private static async Task<Dictionary<string, double>?[]> NameFrequenciesAsync(
        ExchangeDbContext db, IEnumerable<PersonRecord> batch, IEnumerable<PersonRecord> candidates, CancellationToken cancellationToken)
    {
        var names = batch.Concat(candidates).Select(r => r.Name).Where(n => n.Length > 0).Distinct().ToList();
        // The highest record id approximates the population size without counting it on every batch.
        var total = Math.Max(1, await db.SourceRecords.MaxAsync(r => (long?)r.Id, cancellationToken) ?? 1);
        var counts = await ChunkedAsync(names, chunk => db.SourceRecords.Where(r => !r.Retracted && chunk.Contains(r.NameKey))
            .GroupBy(r => r.NameKey).Select(g => new { Name = g.Key, Count = g.Count() }).ToListAsync(cancellationToken));
        var frequencies = new Dictionary<string, double>?[PersonLinkage.Spec.Comparisons.Count];
        var nameComparison = PersonLinkage.Spec.Comparisons.ToList().FindIndex(c => c.Name == "name");
        frequencies[nameComparison] = counts.ToDictionary(c => c.Name, c => (double)c.Count / total, StringComparer.Ordinal);
        return frequencies;
    }

    private static async Task<List<TResult>> ChunkedAsync<TKey, TResult>(List<TKey> keys, Func<List<TKey>, Task<List<TResult>>> query)
    {
        var results = new List<TResult>();
        foreach (var chunk in keys.Chunk(QueryChunk))
        {
            results.AddRange(await query([.. chunk]));
        }

        return results;
    }

    private static async Task ChunkedAsync<TKey>(List<TKey> keys, Func<List<TKey>, Task<int>> command)
    {
        foreach (var chunk in keys.Chunk(QueryChunk))
        {
            await command([.. chunk]);
        }
    }
}
