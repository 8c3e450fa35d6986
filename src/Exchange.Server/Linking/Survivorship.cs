using Exchange.Store;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Server.Linking;

/// <summary>
/// Survivorship rules, applied whenever a person's records change:
/// 1. identity (national ID, name, sex, birth date, hukou, residence, vital status) comes from the person's
///    register record; with several, the most recently stored one;
/// 2. a person without a register record takes identity from its most recently stored enrollment and is
///    "unknown to register"; its region is that enrollment's insuring division;
/// 3. a person left with no records keeps its id (links and reviews may point at it) with RecordCount 0;
/// 4. coverage facts are counted over the person's current enrollments: an enrollment is active when its
///    status is ACTIVE (the bureau's word, not inferred from dates); endowment = employee or resident
///    endowment; a migrant's register residence differs from the hukou division.
/// </summary>
public static class Survivorship
{
    // exchange.v1 enum values, as stored.
    private const int ActiveStatus = 1;
    private const int EmployeeEndowment = 1;
    private const int ResidentEndowment = 2;

    /// <summary>Refreshes tracked persons through EF (human decisions and the re-link: few rows, or rare).</summary>
    public static async Task RefreshAsync(ExchangeDbContext db, IReadOnlyCollection<long> personIds, DateTime now, CancellationToken cancellationToken)
    {
        // In id order, so the events of one commit reach the change feed in the same order on every engine
        // and every run (a server database returns unordered rows in whatever order its plan yields).
        var ids = personIds.ToList();
        var persons = await db.Persons.AsTracking().Where(p => EF.Parameter(ids).Contains(p.Id)).OrderBy(p => p.Id).ToListAsync(cancellationToken);
        var byPerson = await CurrentRecordsAsync(db, ids, cancellationToken);
        foreach (var person in persons)
        {
            Refresh(person, byPerson[person.Id].ToList(), e => db.PersonEvents.Add(e), now);
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The current (not retracted) records linked to each of the persons, as stored.</summary>
    public static async Task<ILookup<long, SourceRecord>> CurrentRecordsAsync(ExchangeDbContext db, List<long> personIds, CancellationToken cancellationToken)
    {
        var records = await (
                from link in db.RecordLinks
                join record in db.SourceRecords on link.SourceRecordId equals record.Id
                where EF.Parameter(personIds).Contains(link.PersonId) && !record.Retracted
                select new { link.PersonId, Record = record })
            .ToListAsync(cancellationToken);
        return records.ToLookup(r => r.PersonId, r => r.Record);
    }

    /// <summary>Derives a person's fields from its current records and emits the feed events the change calls for.</summary>
    public static void Refresh(Person person, List<SourceRecord> records, Action<PersonEvent> emit, DateTime now)
    {
        var today = DateOnly.FromDateTime(now);
        var before = State.Of(person, today);
        Apply(person, records);
        person.UpdatedAtUtc = now;
        RecordEvents(emit, person, before, State.Of(person, today), now);
    }

    /// <summary>Appends a person event to the change feed (same transaction as the change itself).</summary>
    public static void Emit(ExchangeDbContext db, long personId, string kind, string division, string detail, DateTime now) =>
        db.PersonEvents.Add(Event(personId, kind, division, detail, now));

    public static PersonEvent Event(long personId, string kind, string division, string detail, DateTime now) =>
        new() { PersonId = personId, Kind = kind, Division = division, Detail = detail, CreatedAtUtc = now };

    private readonly record struct State(bool Exists, bool Deceased, bool DeceasedWithActive, bool Gap)
    {
        public static State Of(Person person, DateOnly today) => new(
            person.RecordCount > 0,
            person.Deceased,
            person.Deceased && person.ActiveEndowmentCount > 0,
            person.InRegister && !person.Deceased && person.BirthDate is { } birth && birth <= today.AddYears(-Services.CoverageGrpcService.EligibleAge) && person.ActiveEndowmentCount == 0);
    }

    // The feed reports what changed for the person as a whole, so a subscriber need not re-derive it.
    private static void RecordEvents(Action<PersonEvent> emit, Person person, State before, State after, DateTime now)
    {
        if (!before.Exists && after.Exists && person.MergedIntoId is null)
        {
            emit(Event(person.Id, PersonEventKinds.Created, person.Division, person.InRegister ? "in register" : "unknown to register", now));
        }

        if (!before.Deceased && after.Deceased)
        {
            emit(Event(person.Id, PersonEventKinds.Died, person.Division, $"died {person.DeathDate:yyyy-MM-dd}", now));
        }

        if (!before.DeceasedWithActive && after.DeceasedWithActive)
        {
            emit(Event(person.Id, PersonEventKinds.DeceasedWithActiveEnrollment, person.Division,
                $"died {person.DeathDate:yyyy-MM-dd}, {person.ActiveEndowmentCount} active endowment enrollment(s)", now));
        }

        if (before.Gap != after.Gap && (after.Exists || before.Exists))
        {
            emit(Event(person.Id, after.Gap ? PersonEventKinds.GapOpened : PersonEventKinds.GapClosed, person.Division, string.Empty, now));
        }
    }

    private static void Apply(Person person, List<SourceRecord> records)
    {
        person.RecordCount = records.Count;
        var active = records.Where(r => r.Kind == StoredRecordKind.Enrollment && r.EnrollmentStatus == ActiveStatus).ToList();
        var endowment = active.Where(r => r.Scheme is EmployeeEndowment or ResidentEndowment).ToList();
        person.ActiveEnrollmentCount = active.Count;
        person.ActiveEndowmentCount = endowment.Count;
        person.ActiveEndowmentProvinces = endowment.Select(r => r.Division.Length >= 2 ? r.Division[..2] : r.Division).Distinct().Count();
        var register = records.Where(r => r.Kind == StoredRecordKind.Register).OrderByDescending(r => r.VersionRowId).FirstOrDefault();
        var source = register ?? records.OrderByDescending(r => r.VersionRowId).FirstOrDefault();
        person.InRegister = register is not null;
        if (source is null)
        {
            return;
        }

        person.NationalId = register?.NationalId is { Length: > 0 } id ? id
            : records.Where(r => r.NationalId.Length > 0).OrderByDescending(r => r.VersionRowId).Select(r => r.NationalId).FirstOrDefault() ?? string.Empty;
        person.Name = source.NameKey;
        person.Gender = source.Gender;
        person.BirthDate = source.BirthDate;
        person.HukouDivision = register?.Division ?? string.Empty;
        person.ResidenceDivision = register?.ResidenceDivision ?? string.Empty;
        person.Division = source.Division;
        person.Deceased = register?.Deceased ?? false;
        person.DeathDate = register?.DeathDate;
        person.Migrant = register is { ResidenceDivision.Length: > 0 } && register.ResidenceDivision != register.Division;
    }
}
