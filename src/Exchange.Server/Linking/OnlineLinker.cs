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

        // Old keys and links of the changed records go; they are recomputed below. Nothing is tracked: the
        // rows are written at the end by the store's bulk path.
        var oldLinks = await db.RecordLinks.Where(l => EF.Parameter(changedIds).Contains(l.SourceRecordId)).ToListAsync(cancellationToken);
        var linkByRecord = oldLinks.ToDictionary(l => l.SourceRecordId);
        await db.BlockingKeys.Where(k => EF.Parameter(changedIds).Contains(k.SourceRecordId)).ExecuteDeleteAsync(cancellationToken);
        await db.ReviewItems.Where(r => EF.Parameter(changedIds).Contains(r.SourceRecordId) && r.Status == "open")
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, "obsolete"), cancellationToken);

        var removedLinks = new List<long>();
        foreach (var retracted in changed.Where(c => c.Retracted))
        {
            if (linkByRecord.Remove(retracted.Id, out var link))
            {
                affectedPersons.Add(link.PersonId);
                removedLinks.Add(link.SourceRecordId);
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
        var keyRows = await BlockingKeyLookup.SelectiveRowsAsync(db, allKeys, maxBlock, cancellationToken);
        var candidateIds = keyRows.Select(k => k.SourceRecordId).Distinct().ToList();
        var candidates = await (
                from record in db.SourceRecords
                join link in db.RecordLinks on record.Id equals link.SourceRecordId
                where EF.Parameter(candidateIds).Contains(record.Id) && !record.Retracted
                // Only the columns linkage compares: thousands of candidates per batch, read under the writer lock.
                select new
                {
                    Record = PersonRecords.From(
                        record.Id, record.Kind, record.NationalId, record.NameKey, record.NamePinyin, record.SurnamePinyin, record.Gender, record.BirthDate, record.Division,
                        record.ResidenceDivision),
                    link.PersonId,
                })
            .ToListAsync(cancellationToken);
        var candidateRecords = candidates.ToDictionary(c => c.Record.Id, c => c.Record);
        var candidatePerson = candidates.ToDictionary(c => c.Record.Id, c => c.PersonId);
        var index = new Dictionary<string, List<long>>(StringComparer.Ordinal);
        foreach (var row in keyRows)
        {
            if (candidateRecords.ContainsKey(row.SourceRecordId))
            {
                var key = allKeys[row.KeyIndex];
                (index.TryGetValue(key, out var list) ? list : index[key] = []).Add(row.SourceRecordId);
            }
        }

        var matcher = new PersonMatcher(
            Linker<PersonRecord>.WithModel(PersonLinkage.Spec, active.Model, await NameFrequenciesAsync(db, live, candidateRecords.Values, cancellationToken)),
            active.Thresholds);
        var rejected = (await db.ReviewItems.Where(r => EF.Parameter(changedIds).Contains(r.SourceRecordId) && r.Status == "rejected")
                .Select(r => new { r.SourceRecordId, r.CandidatePersonId }).ToListAsync(cancellationToken))
            .GroupBy(r => r.SourceRecordId)
            .ToDictionary(g => g.Key, g => (IReadOnlySet<long>)g.Select(r => r.CandidatePersonId).ToHashSet());
        var nextPersonId = (await db.Persons.MaxAsync(p => (long?)p.Id, cancellationToken) ?? 0) + 1;
        var lookupMs = watch.ElapsedMilliseconds;
        var changedById = changed.ToDictionary(c => c.Id);
        var newPersons = new Dictionary<long, Person>();
        var newLinks = new List<RecordLink>();
        var changedLinks = new List<RecordLink>();
        var events = new List<PersonEvent>();
        var reviews = new List<ReviewItem>();

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

            var compared = keysOf[record.Id]
                .SelectMany(k => index.TryGetValue(k, out var ids) && ids.Count <= maxBlock ? ids : [])
                .Distinct()
                .Where(id => id != record.Id && candidatePerson.ContainsKey(id))
                .Select(id => new Candidate(candidateRecords[id], candidatePerson[id]));
            var decision = matcher.Decide(record, compared, rejected.GetValueOrDefault(record.Id));
            var personId = decision.PersonId ?? nextPersonId++;
            if (decision.PersonId is null)
            {
                newPersons.Add(personId, new Person { Id = personId, CreatedAtUtc = now, UpdatedAtUtc = now });
            }

            if (link is null)
            {
                link = new RecordLink { SourceRecordId = record.Id };
                newLinks.Add(link);
                linkByRecord[record.Id] = link;
            }
            else
            {
                changedLinks.Add(link);
                if (link.PersonId != personId)
                {
                    affectedPersons.Add(link.PersonId);
                }
            }

            var moved = link.PersonId != personId;
            PersonRecords.Apply(link, decision, personId, string.Empty, active.Version, now);
            var source = changedById[record.Id];
            if (moved)
            {
                events.Add(Survivorship.Event(personId, PersonEventKinds.Linked, source.Division, $"{source.SourceSystem}/{source.RecordId} ({link.Method})", now));
            }
            affectedPersons.Add(personId);

            RaiseReviews(reviews.Add, events.Add, source, personId, decision, now);
            Index(index, candidateRecords, candidatePerson, record, keysOf[record.Id], personId);
        }

        var decideMs = watch.ElapsedMilliseconds - lookupMs;
        var (persons, asRead) = await RefreshPersonsAsync(db, affectedPersons, newPersons, changed, linkByRecord, events.Add, now, cancellationToken);
        var survivorshipMs = watch.ElapsedMilliseconds - lookupMs - decideMs;

        // Parents before children (links point at persons and records); ids drawn under the writer lock, in order.
        await StoreBulk.InsertAsync(db, newPersons.Values.OrderBy(p => p.Id).ToList(), cancellationToken);
        await StoreBulk.UpdateAsync(db, persons.Where(p => !newPersons.ContainsKey(p.Id)).ToList(), cancellationToken, asRead);
        if (removedLinks.Count > 0)
        {
            await db.RecordLinks.Where(l => EF.Parameter(removedLinks).Contains(l.SourceRecordId)).ExecuteDeleteAsync(cancellationToken);
        }

        await StoreBulk.UpdateAsync(db, changedLinks, cancellationToken);
        await StoreBulk.InsertAsync(db, newLinks, cancellationToken);
        await StoreBulk.AssignIdsAsync(db, events, (e, id) => e.Id = id, cancellationToken);
        await StoreBulk.InsertAsync(db, events, cancellationToken);
        await StoreBulk.AssignIdsAsync(db, reviews, (r, id) => r.Id = id, cancellationToken);
        await StoreBulk.InsertAsync(db, reviews, cancellationToken);
        await StoreBulk.InsertAsync(db, live.SelectMany(r => keysOf[r.Id].Select(k => new BlockingKey { Key = k, SourceRecordId = r.Id })).ToList(), cancellationToken);
        Log.BatchLinked(logger, live.Count, candidateRecords.Count, lookupMs, decideMs, watch.ElapsedMilliseconds - lookupMs - decideMs - survivorshipMs, survivorshipMs);
    }

    /// <summary>
    /// Survivorship for every person the batch touched, in memory: the stored records of each person, minus
    /// this batch's records (whose links are not written yet), plus this batch's records by their new links.
    /// </summary>
    private static async Task<(List<Person> Persons, StoreBulk.IndexedValues<Person> AsRead)> RefreshPersonsAsync(
        ExchangeDbContext db,
        HashSet<long> personIds,
        Dictionary<long, Person> newPersons,
        IReadOnlyList<SourceRecord> changed,
        Dictionary<long, RecordLink> linkByRecord,
        Action<PersonEvent> emit,
        DateTime now,
        CancellationToken cancellationToken)
    {
        var stored = personIds.Where(id => !newPersons.ContainsKey(id)).ToList();
        var persons = await db.Persons.Where(p => EF.Parameter(stored).Contains(p.Id)).ToListAsync(cancellationToken);
        var asRead = StoreBulk.SnapshotIndexed(db, persons);
        persons.AddRange(newPersons.Values);
        var changedIds = changed.Select(c => c.Id).ToHashSet();
        var records = new Dictionary<long, List<SourceRecord>>();
        foreach (var group in await Survivorship.CurrentRecordsAsync(db, stored, cancellationToken))
        {
            records[group.Key] = group.Where(r => !changedIds.Contains(r.Id)).ToList();
        }

        foreach (var record in changed.Where(c => !c.Retracted))
        {
            var personId = linkByRecord[record.Id].PersonId;
            (records.TryGetValue(personId, out var list) ? list : records[personId] = []).Add(record);
        }

        // In id order, so the events of one commit reach the change feed in the same order on every engine.
        persons.Sort((a, b) => a.Id.CompareTo(b.Id));
        foreach (var person in persons)
        {
            Survivorship.Refresh(person, records.GetValueOrDefault(person.Id) ?? [], emit, now);
        }

        return (persons, asRead);
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
    internal static void RaiseReviews(Action<ReviewItem> addReview, Action<PersonEvent> emit, SourceRecord source, long personId, MatchDecision decision, DateTime now)
    {
        if (decision.ReviewPersonId is { } uncertain)
        {
            addReview(Review(source, uncertain, "uncertain", decision, now));
        }

        foreach (var owner in decision.ConflictPersonIds)
        {
            addReview(Review(source, owner, "national-id-of-another-person", decision, now));
            emit(Survivorship.Event(personId, PersonEventKinds.ConflictRaised, source.Division, $"{source.SourceSystem}/{source.RecordId} carries the national ID of person {owner}", now));
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
        var counts = await db.NameCounts.Where(n => EF.Parameter(names).Contains(n.NameKey) && n.Count > 0)
            .Select(n => new { Name = n.NameKey, n.Count }).ToListAsync(cancellationToken);
        var frequencies = new Dictionary<string, double>?[PersonLinkage.Spec.Comparisons.Count];
        var nameComparison = PersonLinkage.Spec.Comparisons.ToList().FindIndex(c => c.Name == "name");
        frequencies[nameComparison] = counts.ToDictionary(c => c.Name, c => (double)c.Count / total, StringComparer.Ordinal);
        return frequencies;
    }
}
