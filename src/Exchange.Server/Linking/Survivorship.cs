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

    public static async Task RefreshAsync(ExchangeDbContext db, IReadOnlyCollection<long> personIds, DateTime now, CancellationToken cancellationToken)
    {
        foreach (var chunk in personIds.Chunk(500))
        {
            var ids = chunk.ToList();
            var persons = await db.Persons.AsTracking().Where(p => ids.Contains(p.Id)).ToListAsync(cancellationToken);
            var records = await (
                    from link in db.RecordLinks
                    join record in db.SourceRecords on link.SourceRecordId equals record.Id
                    where ids.Contains(link.PersonId) && !record.Retracted
                    select new { link.PersonId, Record = record })
                .ToListAsync(cancellationToken);
            var byPerson = records.ToLookup(r => r.PersonId, r => r.Record);
            foreach (var person in persons)
            {
                Apply(person, byPerson[person.Id].ToList());
                person.UpdatedAtUtc = now;
            }
        }

        await db.SaveChangesAsync(cancellationToken);
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
