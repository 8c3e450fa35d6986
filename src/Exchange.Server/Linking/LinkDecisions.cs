using Exchange.Store;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Server.Linking;

/// <summary>Thrown when a decision names something that does not exist (NOT_FOUND) or cannot apply (FAILED_PRECONDITION).</summary>
public sealed class LinkDecisionException(bool notFound, string message) : Exception(message)
{
    public bool NotFound { get; } = notFound;
}

/// <summary>
/// Human decisions on links. Each is sticky (re-linking keeps it) and runs under the store's
/// single-writer lock so it never interleaves with a push being linked.
/// </summary>
public sealed class LinkDecisions(RecordWriter writer, TimeProvider clock)
{
    /// <summary>Confirm: link the record to the candidate. Reject: keep it apart, and never link it there.</summary>
    public Task<long> DecideReviewAsync(long reviewId, bool confirm, string decidedBy, Func<ReviewItem, bool> inScope, CancellationToken cancellationToken) =>
        writer.RunExclusiveAsync(async (db, token) =>
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var item = await db.ReviewItems.AsTracking().SingleOrDefaultAsync(r => r.Id == reviewId, token)
                ?? throw new LinkDecisionException(true, $"No review item {reviewId}.");
            if (!inScope(item))
            {
                throw new UnauthorizedAccessException($"Review item {reviewId} is outside the caller's region scope.");
            }

            if (item.Status != "open")
            {
                throw new LinkDecisionException(false, $"Review item {reviewId} is {item.Status}, not open.");
            }

            var link = await db.RecordLinks.AsTracking().SingleAsync(l => l.SourceRecordId == item.SourceRecordId, token);
            var before = link.PersonId;
            item.Status = confirm ? "confirmed" : "rejected";
            item.DecidedAtUtc = now;
            item.DecidedBy = decidedBy;
            if (confirm)
            {
                link.PersonId = await SurvivorOfAsync(db, item.CandidatePersonId, token);
            }

            Decide(link, confirm ? "confirmed" : "rejected", decidedBy, now);
            if (item.Reason == "national-id-of-another-person")
            {
                Survivorship.Emit(db, link.PersonId, PersonEventKinds.ConflictResolved, item.Division, $"review {item.Id} {item.Status} by {decidedBy}", now);
            }

            await db.SaveChangesAsync(token);
            await Survivorship.RefreshAsync(db, [before, link.PersonId], now, token);
            return item.SourceRecordId;
        }, cancellationToken);

    /// <summary>The record becomes a person of its own.</summary>
    public Task<long> SplitAsync(long sourceRecordId, string decidedBy, CancellationToken cancellationToken) =>
        writer.RunExclusiveAsync(async (db, token) =>
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var link = await db.RecordLinks.AsTracking().SingleOrDefaultAsync(l => l.SourceRecordId == sourceRecordId, token)
                ?? throw new LinkDecisionException(true, "The record is not linked (retracted or unknown).");
            var before = link.PersonId;
            var others = await db.RecordLinks.CountAsync(l => l.PersonId == before && l.SourceRecordId != sourceRecordId, token);
            if (others > 0)
            {
                var id = (await db.Persons.MaxAsync(p => (long?)p.Id, token) ?? 0) + 1;
                db.Persons.Add(new Person { Id = id, CreatedAtUtc = now, UpdatedAtUtc = now });
                link.PersonId = id;
            }

            Decide(link, "split", decidedBy, now);
            var division = await db.SourceRecords.Where(r => r.Id == sourceRecordId).Select(r => r.Division).SingleAsync(token);
            Survivorship.Emit(db, link.PersonId, PersonEventKinds.Split, division, $"record split from person {before} by {decidedBy}", now);
            await db.SaveChangesAsync(token);
            await Survivorship.RefreshAsync(db, [before, link.PersonId], now, token);
            return link.PersonId;
        }, cancellationToken);

    /// <summary>Moves every record of <paramref name="from"/> to <paramref name="into"/>.</summary>
    public Task<int> MergeAsync(long from, long into, string decidedBy, CancellationToken cancellationToken) =>
        writer.RunExclusiveAsync(async (db, token) =>
        {
            if (from == into)
            {
                throw new LinkDecisionException(false, "A person cannot be merged into itself.");
            }

            var now = clock.GetUtcNow().UtcDateTime;
            var source = await db.Persons.AsTracking().SingleOrDefaultAsync(p => p.Id == from, token)
                ?? throw new LinkDecisionException(true, $"No person {from}.");
            var target = await SurvivorOfAsync(db, into, token);
            if (target == from)
            {
                throw new LinkDecisionException(false, $"Person {into} was merged into {from}: merge the other way.");
            }

            var links = await db.RecordLinks.AsTracking().Where(l => l.PersonId == from).ToListAsync(token);
            foreach (var link in links)
            {
                link.PersonId = target;
                Decide(link, "merged", decidedBy, now);
            }

            source.MergedIntoId = target;
            Survivorship.Emit(db, target, PersonEventKinds.Merged, source.Division, $"person {from} merged in by {decidedBy}", now);
            await db.SaveChangesAsync(token);
            await Survivorship.RefreshAsync(db, [from, target], now, token);
            return links.Count;
        }, cancellationToken);

    private static void Decide(RecordLink link, string method, string decidedBy, DateTime now)
    {
        link.Method = method;
        link.Sticky = true;
        link.DecidedBy = decidedBy;
        link.LinkedAtUtc = now;
    }

    // A merged person's id still answers: it resolves to the person it was merged into.
    private static async Task<long> SurvivorOfAsync(ExchangeDbContext db, long personId, CancellationToken cancellationToken)
    {
        var current = personId;
        for (var hops = 0; hops < 32; hops++)
        {
            var person = await db.Persons.SingleOrDefaultAsync(p => p.Id == current, cancellationToken)
                ?? throw new LinkDecisionException(true, $"No person {personId}.");
            if (person.MergedIntoId is not { } next)
            {
                return current;
            }

            current = next;
        }

        throw new LinkDecisionException(false, $"Person {personId} has a merge chain too long to follow.");
    }
}
