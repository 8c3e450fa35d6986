using Exchange.Contracts.V1;
using Exchange.Reconciliation;
using Exchange.Reconciliation.Persons;
using Exchange.Store;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Server.Linking;

/// <summary>
/// Re-links the whole store: trains the model by EM on all current records, then assigns every record
/// with the online rule, keeping what humans decided (sticky links, rejected candidates) and person ids
/// where the person survives. A dry run reports the changes and writes nothing.
/// </summary>
public sealed class Relinker(RecordWriter writer, LinkageModelProvider models, TimeProvider clock)
{
    private const int SampleChanges = 100;

    // EM needs enough pairs to separate matches from non-matches; below this the active model is kept.
    private const int MinimumRecordsToTrain = 2_000;

    public async Task<RelinkResponse> RunAsync(bool dryRun, double upper, double lower, CancellationToken cancellationToken)
    {
        var response = await writer.RunExclusiveAsync((db, token) => RelinkAsync(db, dryRun, upper, lower, token), cancellationToken);
        if (!dryRun)
        {
            models.Invalidate();
        }

        return response;
    }

    private async Task<RelinkResponse> RelinkAsync(ExchangeDbContext db, bool dryRun, double upper, double lower, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var sources = await db.SourceRecords.Where(r => !r.Retracted).OrderBy(r => r.Id).ToListAsync(cancellationToken);
        var records = sources.Select(PersonRecords.From).ToList();
        var links = await db.RecordLinks.AsTracking().ToDictionaryAsync(l => l.SourceRecordId, cancellationToken);
        var rejected = (await db.ReviewItems.Where(r => r.Status == "rejected").Select(r => new { r.SourceRecordId, r.CandidatePersonId }).ToListAsync(cancellationToken))
            .GroupBy(r => r.SourceRecordId)
            .ToDictionary(g => g.Key, g => (IReadOnlySet<long>)g.Select(r => r.CandidatePersonId).ToHashSet());
        var active = await models.GetAsync(db, cancellationToken);
        var thresholds = new Thresholds(upper > 0 ? upper : active.Thresholds.Upper, lower > 0 ? lower : active.Thresholds.Lower);
        if (thresholds.Lower >= thresholds.Upper || thresholds.Upper >= 1)
        {
            throw new ArgumentException("Thresholds must satisfy 0 < lower < upper < 1.");
        }

        var (pairs, _) = Blocking.Dedupe(records, PersonLinkage.Spec);
        var linker = records.Count >= MinimumRecordsToTrain ? Linker<PersonRecord>.Train(PersonLinkage.Spec, records, null, pairs) : null;
        var model = linker?.Model ?? active.Model;
        var matcher = new PersonMatcher(linker ?? Linker<PersonRecord>.WithModel(PersonLinkage.Spec, model, records), thresholds);
        var existingPersons = (await db.Persons.Select(p => p.Id).ToListAsync(cancellationToken)).ToHashSet();
        var nextId = existingPersons.Count == 0 ? 1 : existingPersons.Max() + 1;
        var assignment = PersonClustering.Assign(records, matcher, new AssignmentConstraints(
            i => links.TryGetValue(sources[i].Id, out var link) && link.Sticky ? link.PersonId : null,
            i => rejected.GetValueOrDefault(sources[i].Id),
            i => links.TryGetValue(sources[i].Id, out var link) ? link.PersonId : null,
            () => nextId++));

        var response = new RelinkResponse
        {
            DryRun = dryRun,
            Records = records.Count,
            CandidatePairs = assignment.Blocking.CandidatePairs,
            ReductionRatio = assignment.Blocking.ReductionRatio,
            EmIterations = linker?.Training.Iterations ?? 0,
        };
        var newPersons = new HashSet<long>();
        for (var i = 0; i < records.Count; i++)
        {
            var person = assignment.PersonOf[i];
            links.TryGetValue(sources[i].Id, out var link);
            if (link is { Sticky: true })
            {
                response.StickyKept++;
                continue;
            }

            if (!existingPersons.Contains(person))
            {
                newPersons.Add(person);
            }

            if (link?.PersonId == person)
            {
                response.Unchanged++;
            }
            else
            {
                response.Changed++;
                if (response.SampleChanges.Count < SampleChanges)
                {
                    response.SampleChanges.Add(new RelinkChange
                    {
                        SourceSystem = sources[i].SourceSystem,
                        RecordId = sources[i].RecordId,
                        FromPersonId = link?.PersonId ?? 0,
                        ToPersonId = person,
                        Method = "relink-" + PersonRecords.MethodOf(assignment.Decisions[i].Outcome),
                    });
                }
            }
        }

        response.NewPersons = newPersons.Count;
        response.ReviewItems = assignment.Decisions.Count(d => d is not null && (d.ReviewPersonId is not null || d.ConflictPersonIds.Count > 0));
        if (dryRun)
        {
            return response;
        }

        var version = (await db.LinkageModels.MaxAsync(m => (int?)m.Version, cancellationToken) ?? 0) + 1;
        db.LinkageModels.Add(new LinkageModelVersion
        {
            Version = version,
            RuleVersion = PersonLinkage.RuleVersion,
            Parameters = ModelSerializer.ToJson(model),
            UpperThreshold = thresholds.Upper,
            LowerThreshold = thresholds.Lower,
            TrainedAtUtc = now,
            TrainedOnRecords = records.Count,
        });
        response.ModelVersion = version;

        foreach (var person in newPersons)
        {
            db.Persons.Add(new Store.Person { Id = person, CreatedAtUtc = now, UpdatedAtUtc = now });
        }

        // Review items are raised afresh from this assignment; decided ones stay as the record of the decision.
        await db.ReviewItems.Where(r => r.Status == "open").ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, "obsolete"), cancellationToken);
        var byId = sources.ToDictionary(s => s.Id);
        for (var i = 0; i < records.Count; i++)
        {
            var decision = assignment.Decisions[i];
            if (decision is null)
            {
                continue; // sticky
            }

            if (!links.TryGetValue(sources[i].Id, out var link))
            {
                link = new RecordLink { SourceRecordId = sources[i].Id };
                db.RecordLinks.Add(link);
            }

            if (link.PersonId != assignment.PersonOf[i])
            {
                Survivorship.Emit(db, assignment.PersonOf[i], PersonEventKinds.Linked, sources[i].Division, $"{sources[i].SourceSystem}/{sources[i].RecordId} (relink)", now);
            }

            PersonRecords.Apply(link, decision, assignment.PersonOf[i], "relink-", version, now);
            OnlineLinker.RaiseReviews(r => db.ReviewItems.Add(r), e => db.PersonEvents.Add(e), byId[sources[i].Id], assignment.PersonOf[i], decision, now);
        }

        db.ChangeTracker.DetectChanges();
        await db.SaveChangesAsync(cancellationToken);
        var everyone = await db.Persons.Select(p => p.Id).ToListAsync(cancellationToken);
        await Survivorship.RefreshAsync(db, everyone, now, cancellationToken);
        return response;
    }
}
