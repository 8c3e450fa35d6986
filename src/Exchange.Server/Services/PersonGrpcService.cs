using Exchange.Contracts.V1;
using Exchange.Reconciliation;
using Exchange.Reconciliation.Persons;
using Exchange.Server.Linking;
using Exchange.Server.Security;
using Exchange.Store;
using Exchange.Validation;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Server.Services;

public sealed class PersonGrpcService(
    IDbContextFactory<ExchangeDbContext> contextFactory,
    LinkageModelProvider models,
    LinkDecisions decisions,
    Relinker relinker,
    PersonEventSignal feed,
    PersonSearch search) : PersonService.PersonServiceBase
{
    private const int DefaultReviewItems = 100;
    private const int MaxReviewItems = 10_000;
    private const int DefaultFindResults = 10;
    private const int MaxFindResults = 100;

    // GetPerson is the hot read: compiled once, so a call skips LINQ translation and the query-cache lookup.
    // A compiled query keeps the first store's translation, so there is one set per provider (tests and the
    // bench run SQLite and PostgreSQL hubs in one process).
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, CompiledReads> Reads = new(StringComparer.Ordinal);

    private static CompiledReads ReadsFor(ExchangeDbContext db) => Reads.GetOrAdd(db.Database.ProviderName ?? "", _ => new CompiledReads());

    private sealed class CompiledReads
    {
        // The person, each of its links with the record's and version's columns GetPerson returns, and the
        // matched record the link names (for ExplainAsync): one statement, where there were 2 + one per matched
        // link. SQLite prepares every statement anew (Microsoft.Data.Sqlite has no statement cache): preparing
        // costs about as much as running, and grows with the columns. Left joins keep a person without
        // (visible) links; a link whose record is retracted comes back with Retracted set and is skipped.
        public readonly Func<ExchangeDbContext, long, IAsyncEnumerable<PersonRow>> PersonWithRecords =
            EF.CompileAsyncQuery((ExchangeDbContext db, long personId) =>
                from person in db.Persons
                where person.Id == personId
                join l in db.RecordLinks on person.Id equals l.PersonId into links
                from link in links.DefaultIfEmpty()
                join r in db.SourceRecords on link!.SourceRecordId equals r.Id into records
                from record in records.DefaultIfEmpty()
                join v in db.RecordVersions on record!.VersionRowId equals v.Id into versions
                from version in versions.DefaultIfEmpty()
                join m in db.SourceRecords on link!.MatchedSourceRecordId equals (long?)m.Id into matches
                from matched in matches.DefaultIfEmpty()
                orderby record!.Kind, record!.SourceSystem, record!.RecordId
                select new PersonRow(
                    person,
                    link,
                    (bool?)record!.Retracted,
                    record!.SourceSystem,
                    record!.RecordId,
                    record!.Division,
                    (long?)version!.Id,
                    version!.SourceSystem,
                    version!.Payload,
                    (StoredRecordKind?)version!.Kind,
                    version!.NationalId,
                    (DateTime?)version!.StoredAtUtc,
                    version!.Flags,
                    matched!.SourceSystem,
                    matched!.RecordId,
                    matched!.Division));

        public readonly Func<ExchangeDbContext, long, CancellationToken, Task<MatchedRecord?>> MatchedById =
            EF.CompileAsyncQuery((ExchangeDbContext db, long id, CancellationToken cancellationToken) =>
                db.SourceRecords.Where(r => r.Id == id).Select(r => new MatchedRecord(r.SourceSystem, r.RecordId, r.Division)).SingleOrDefault());
    }

    /// <summary>One row of <see cref="CompiledReads.PersonWithRecords"/>; everything after Person is null without a link.</summary>
    private sealed record PersonRow(
        Store.Person Person,
        RecordLink? Link,
        bool? Retracted,
        string? SourceSystem,
        string? RecordId,
        string? Division,
        long? VersionId,
        string? VersionSourceSystem,
        byte[]? Payload,
        StoredRecordKind? Kind,
        string? NationalId,
        DateTime? StoredAtUtc,
        string? Flags,
        string? MatchedSourceSystem,
        string? MatchedRecordId,
        string? MatchedDivision);

    private sealed record MatchedRecord(string SourceSystem, string RecordId, string Division);

    [Authorize(Policy = HubPolicies.ReviewLinks)]
    public override async Task<GetPersonResponse> GetPerson(GetPersonRequest request, ServerCallContext context)
    {
        var caller = CallerIdentity.From(context);
        Purposes.Require(caller, request.Purpose);
        await using var db = await contextFactory.CreateDbContextAsync(context.CancellationToken);
        // One connection for the call's queries (the model lookup may add one) instead of one pool round trip each.
        await db.Database.OpenConnectionAsync(context.CancellationToken);
        Store.Person? person = null;
        var rows = new List<PersonRow>();
        await foreach (var row in ReadsFor(db).PersonWithRecords(db, request.PersonId).WithCancellation(context.CancellationToken))
        {
            person ??= row.Person;
            // As the inner joins did: a link counts only with its record (not retracted) and that record's version.
            if (row.Link is not null && row.Retracted == false && row.VersionId is not null)
            {
                rows.Add(row);
            }
        }

        if (person is null)
        {
            throw NotFound($"No person {request.PersonId}.");
        }

        var visible = rows.Where(r => DivisionCode.IsWithin(r.Division!, caller.RegionScope)).ToList();
        if (visible.Count == 0 && !DivisionCode.IsWithin(person.Division, caller.RegionScope))
        {
            throw RpcErrors.PermissionDenied($"Person {person.Id} is outside the client's region scope '{caller.RegionScope}'.");
        }

        var response = new GetPersonResponse { Person = ToMessage(person) };
        foreach (var row in visible)
        {
            var matched = row.MatchedSourceSystem is null ? null : new MatchedRecord(row.MatchedSourceSystem, row.MatchedRecordId!, row.MatchedDivision!);
            response.Records.Add(new LinkedRecord
            {
                Record = RecordGrpcService.ToStoredRecord(row.VersionSourceSystem!, row.Payload!, row.Kind!.Value, row.NationalId!, row.StoredAtUtc!.Value, row.Flags!, current: true),
                Link = await ExplainAsync(db, row.Link!, row.SourceSystem!, row.RecordId!, caller.RegionScope, matched, context.CancellationToken),
            });
        }

        return response;
    }

    [Authorize(Policy = HubPolicies.ReviewLinks)]
    public override async Task<LinkExplanation> ExplainRecord(ExplainRecordRequest request, ServerCallContext context)
    {
        var caller = CallerIdentity.From(context);
        Purposes.Require(caller, request.Purpose);
        await using var db = await contextFactory.CreateDbContextAsync(context.CancellationToken);
        var record = await FindRecordAsync(db, caller, request.SourceSystem, request.RecordId, context.CancellationToken);
        var link = await db.RecordLinks.SingleOrDefaultAsync(l => l.SourceRecordId == record.Id, context.CancellationToken)
            ?? throw NotFound("The record is not linked (it is retracted).");
        return await ExplainAsync(db, link, record, caller.RegionScope, context.CancellationToken);
    }

    [Authorize(Policy = HubPolicies.ReviewLinks)]
    public override async Task ListReviewItems(ListReviewItemsRequest request, IServerStreamWriter<Contracts.V1.ReviewItem> responseStream, ServerCallContext context)
    {
        var caller = CallerIdentity.From(context);
        Purposes.Require(caller, request.Purpose);
        var scope = RegionScopes.Resolve(caller, request.DivisionPrefix, "division_prefix");
        if (request.MaxItems is < 0 or > MaxReviewItems)
        {
            throw RpcErrors.InvalidArgument("max_items", $"At most {MaxReviewItems} items per call.");
        }

        await using var db = await contextFactory.CreateDbContextAsync(context.CancellationToken);
        var items = await (
                from item in db.ReviewItems
                join record in db.SourceRecords on item.SourceRecordId equals record.Id
                join link in db.RecordLinks on record.Id equals link.SourceRecordId
                where item.Status == "open" && item.Division.StartsWith(scope)
                orderby item.Impact descending, item.Id
                select new { item, record.SourceSystem, record.RecordId, link.PersonId })
            .Take(request.MaxItems == 0 ? DefaultReviewItems : request.MaxItems)
            .ToListAsync(context.CancellationToken);
        var active = await models.GetAsync(db, context.CancellationToken);
        foreach (var row in items)
        {
            var message = new Contracts.V1.ReviewItem
            {
                ReviewId = row.item.Id,
                Reason = row.item.Reason == "uncertain" ? ReviewReason.Uncertain : ReviewReason.NationalIdOfAnotherPerson,
                SourceSystem = row.SourceSystem,
                RecordId = row.RecordId,
                CurrentPersonId = row.PersonId,
                CandidatePersonId = row.item.CandidatePersonId,
                MatchWeight = row.item.Weight,
                MatchProbability = FellegiSunterModel.Probability(row.item.Weight),
                Impact = row.item.Impact,
                CreatedAt = Timestamp.FromDateTime(DateTime.SpecifyKind(row.item.CreatedAtUtc, DateTimeKind.Utc)),
            };
            message.Fields.AddRange(Fields(row.item.Levels, active.Model));
            await responseStream.WriteAsync(message, context.CancellationToken);
        }
    }

    [Authorize(Policy = HubPolicies.ReviewLinks)]
    public override async Task<LinkExplanation> DecideReview(DecideReviewRequest request, ServerCallContext context)
    {
        var caller = CallerIdentity.From(context);
        if (request.Decision is not (ReviewDecision.Confirm or ReviewDecision.Reject))
        {
            throw RpcErrors.InvalidArgument("decision", "The decision must be CONFIRM or REJECT.");
        }

        var recordId = await RunDecisionAsync(() => decisions.DecideReviewAsync(
            request.ReviewId, request.Decision == ReviewDecision.Confirm, caller.ClientId, item => DivisionCode.IsWithin(item.Division, caller.RegionScope), context.CancellationToken));
        return await ExplainByIdAsync(recordId, caller.RegionScope, context.CancellationToken);
    }

    [Authorize(Policy = HubPolicies.ReviewLinks)]
    public override async Task<LinkExplanation> SplitRecord(SplitRecordRequest request, ServerCallContext context)
    {
        var caller = CallerIdentity.From(context);
        long recordId;
        await using (var db = await contextFactory.CreateDbContextAsync(context.CancellationToken))
        {
            recordId = (await FindRecordAsync(db, caller, request.SourceSystem, request.RecordId, context.CancellationToken)).Id;
        }

        await RunDecisionAsync(() => decisions.SplitAsync(recordId, caller.ClientId, context.CancellationToken));
        return await ExplainByIdAsync(recordId, caller.RegionScope, context.CancellationToken);
    }

    [Authorize(Policy = HubPolicies.ReviewLinks)]
    public override async Task<MergePersonsResponse> MergePersons(MergePersonsRequest request, ServerCallContext context)
    {
        var caller = CallerIdentity.From(context);
        await using var db = await contextFactory.CreateDbContextAsync(context.CancellationToken);
        foreach (var id in new[] { request.FromPersonId, request.IntoPersonId })
        {
            var person = await db.Persons.SingleOrDefaultAsync(p => p.Id == id, context.CancellationToken) ?? throw NotFound($"No person {id}.");
            if (!DivisionCode.IsWithin(person.Division, caller.RegionScope))
            {
                throw RpcErrors.PermissionDenied($"Person {id} is outside the client's region scope '{caller.RegionScope}'.");
            }
        }

        var moved = await RunDecisionAsync(() => decisions.MergeAsync(request.FromPersonId, request.IntoPersonId, caller.ClientId, context.CancellationToken));
        await using var after = await contextFactory.CreateDbContextAsync(context.CancellationToken);
        var survivor = await after.Persons.SingleAsync(p => p.Id == request.IntoPersonId, context.CancellationToken);
        return new MergePersonsResponse { Person = ToMessage(survivor), RecordsMoved = moved };
    }

    [Authorize(Policy = HubPolicies.Relink)]
    public override async Task<RelinkResponse> Relink(RelinkRequest request, ServerCallContext context)
    {
        if (request.UpperThreshold is < 0 or >= 1 || request.LowerThreshold is < 0 or >= 1)
        {
            throw RpcErrors.InvalidArgument("upper_threshold", "Thresholds are probabilities between 0 and 1 (0 keeps the current one).");
        }

        try
        {
            var response = await relinker.RunAsync(request.DryRun, request.UpperThreshold, request.LowerThreshold, context.CancellationToken);
            feed.Pulse();
            return response;
        }
        catch (ArgumentException exception)
        {
            throw RpcErrors.InvalidArgument("lower_threshold", exception.Message);
        }
    }

    [Authorize(Policy = HubPolicies.ReviewLinks)]
    public override async Task<FindPersonsResponse> FindPersons(FindPersonsRequest request, ServerCallContext context)
    {
        var caller = CallerIdentity.From(context);
        Purposes.Require(caller, request.Purpose);
        var scope = RegionScopes.Resolve(caller, request.DivisionPrefix, "division_prefix");
        if (string.IsNullOrWhiteSpace(request.Name))
        {
            throw RpcErrors.InvalidArgument("name", "A name is required.");
        }

        if (request.BirthDate is not { } birth || !IsDate(birth))
        {
            throw RpcErrors.InvalidArgument("birth_date", "A valid date of birth is required.");
        }

        if (request.Gender is not (Gender.Unspecified or Gender.Male or Gender.Female))
        {
            throw RpcErrors.InvalidArgument("gender", "Unknown gender value.");
        }

        if (request.MaxResults is < 0 or > MaxFindResults)
        {
            throw RpcErrors.InvalidArgument("max_results", $"From 0 (meaning {DefaultFindResults}) to {MaxFindResults}.");
        }

        if (request.MinProbability is < 0 or >= 1 || double.IsNaN(request.MinProbability))
        {
            throw RpcErrors.InvalidArgument("min_probability", "A probability from 0 to below 1.");
        }

        await using var db = await contextFactory.CreateDbContextAsync(context.CancellationToken);
        await db.Database.OpenConnectionAsync(context.CancellationToken);
        var query = new PersonQuery(request.Name, new DateOnly(birth.Year, birth.Month, birth.Day), (int)request.Gender, scope,
            request.MaxResults == 0 ? DefaultFindResults : request.MaxResults, request.MinProbability);
        var (hits, compared) = await search.FindAsync(db, query, context.CancellationToken);
        var response = new FindPersonsResponse { RecordsCompared = compared };
        // The model the fields are weighed by: looked up once per call, not once per candidate.
        var active = hits.Count == 0 ? null : (await models.GetAsync(db, context.CancellationToken)).Model;
        foreach (var hit in hits)
        {
            var candidate = new PersonCandidate
            {
                Person = ToMessage(hit.Person),
                MatchWeight = hit.Weight,
                MatchProbability = FellegiSunterModel.Probability(hit.Weight),
                // The person is within the caller's scope; its record may not be (a migrant's enrollment).
                MatchedSourceSystem = DivisionCode.IsWithin(hit.MatchedRecord.Division, caller.RegionScope) ? hit.MatchedRecord.SourceSystem : "(outside your region)",
                MatchedRecordId = DivisionCode.IsWithin(hit.MatchedRecord.Division, caller.RegionScope) ? hit.MatchedRecord.RecordId : "(outside your region)",
            };
            candidate.Fields.AddRange(Fields(PersonRecords.DescribeLevels(hit.Levels), active!));
            response.Candidates.Add(candidate);
        }

        return response;
    }

    private static bool IsDate(Date date) =>
        date.Year is >= 1 and <= 9999 && date.Month is >= 1 and <= 12 && date.Day >= 1 && date.Day <= DateTime.DaysInMonth(date.Year, date.Month);

    private async Task<T> RunDecisionAsync<T>(Func<Task<T>> decision)
    {
        try
        {
            var result = await decision();
            feed.Pulse();
            return result;
        }
        catch (LinkDecisionException exception)
        {
            throw exception.NotFound ? NotFound(exception.Message) : new RpcException(new Grpc.Core.Status(StatusCode.FailedPrecondition, exception.Message));
        }
        catch (UnauthorizedAccessException exception)
        {
            throw RpcErrors.PermissionDenied(exception.Message);
        }
    }

    private async Task<LinkExplanation> ExplainByIdAsync(long sourceRecordId, string scope, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var record = await db.SourceRecords.SingleAsync(r => r.Id == sourceRecordId, cancellationToken);
        var link = await db.RecordLinks.SingleAsync(l => l.SourceRecordId == sourceRecordId, cancellationToken);
        return await ExplainAsync(db, link, record, scope, cancellationToken);
    }

    private static async Task<SourceRecord> FindRecordAsync(ExchangeDbContext db, CallerIdentity caller, string sourceSystem, string recordId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(sourceSystem) || string.IsNullOrEmpty(recordId))
        {
            throw RpcErrors.InvalidArgument(string.IsNullOrEmpty(sourceSystem) ? "source_system" : "record_id", "Both source_system and record_id are required.");
        }

        var record = await db.SourceRecords.SingleOrDefaultAsync(r => r.SourceSystem == sourceSystem && r.RecordId == recordId, cancellationToken)
            ?? throw NotFound($"No record {sourceSystem}/{recordId}.");
        return DivisionCode.IsWithin(record.Division, caller.RegionScope)
            ? record
            : throw RpcErrors.PermissionDenied($"Record {sourceSystem}/{recordId} is outside the client's region scope '{caller.RegionScope}'.");
    }

    private Task<LinkExplanation> ExplainAsync(ExchangeDbContext db, RecordLink link, SourceRecord record, string scope, CancellationToken cancellationToken) =>
        ExplainAsync(db, link, record.SourceSystem, record.RecordId, scope, matched: null, cancellationToken);

    /// <param name="matched">The link's matched record when the caller has already read it (GetPerson); else it is looked up here.</param>
    private async Task<LinkExplanation> ExplainAsync(
        ExchangeDbContext db, RecordLink link, string sourceSystem, string recordId, string scope, MatchedRecord? matched, CancellationToken cancellationToken)
    {
        var model = await models.GetVersionAsync(db, link.ModelVersion, cancellationToken);
        var explanation = new LinkExplanation
        {
            SourceSystem = sourceSystem,
            RecordId = recordId,
            PersonId = link.PersonId,
            Method = link.Method,
            MatchWeight = link.Weight,
            MatchProbability = link.MatchedSourceRecordId is null ? 0 : FellegiSunterModel.Probability(link.Weight),
            RuleVersion = link.RuleVersion,
            ModelVersion = link.ModelVersion,
            LinkedAt = Timestamp.FromDateTime(DateTime.SpecifyKind(link.LinkedAtUtc, DateTimeKind.Utc)),
            Sticky = link.Sticky,
            DecidedBy = link.DecidedBy ?? string.Empty,
        };
        explanation.Fields.AddRange(Fields(link.Levels, model));
        if (link.MatchedSourceRecordId is { } matchedId
            && (matched ?? await ReadsFor(db).MatchedById(db, matchedId, cancellationToken)) is { } found)
        {
            // Least privilege: a match in another region is named only as such.
            var visible = DivisionCode.IsWithin(found.Division, scope);
            explanation.MatchedSourceSystem = visible ? found.SourceSystem : "(outside your region)";
            explanation.MatchedRecordId = visible ? found.RecordId : "(outside your region)";
        }

        return explanation;
    }

    private static IEnumerable<FieldAgreement> Fields(string levels, FellegiSunterModel model)
    {
        if (levels.Length == 0)
        {
            yield break;
        }

        var comparisons = PersonLinkage.Spec.Comparisons;
        foreach (var part in levels.Split(';'))
        {
            var (field, level) = (part[..part.IndexOf('=')], part[(part.IndexOf('=') + 1)..]);
            var c = comparisons.ToList().FindIndex(x => x.Name == field);
            var index = c < 0 ? -1 : comparisons[c].Levels.ToList().IndexOf(level);
            yield return new FieldAgreement { Field = field, Level = level, Weight = c >= 0 && index >= 0 && c < model.Weights.Length ? model.Weights[c][index] : 0 };
        }
    }

    private static Contracts.V1.Person ToMessage(Store.Person person)
    {
        return new Contracts.V1.Person
        {
            PersonId = person.Id,
            NationalId = person.NationalId,
            Name = person.Name,
            Gender = (Gender)person.Gender,
            BirthDate = ProtoDates.ToProto(person.BirthDate),
            HukouDivision = person.HukouDivision,
            ResidenceDivision = person.ResidenceDivision,
            Division = person.Division,
            InRegister = person.InRegister,
            Deceased = person.Deceased,
            DeathDate = ProtoDates.ToProto(person.DeathDate),
            RecordCount = person.RecordCount,
            MergedIntoPersonId = person.MergedIntoId ?? 0,
        };
    }

    private static RpcException NotFound(string message) => new(new Grpc.Core.Status(StatusCode.NotFound, message));
}
