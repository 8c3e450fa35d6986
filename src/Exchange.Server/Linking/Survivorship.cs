using Exchange.Store;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Server.Linking;

/// <summary>
/// Survivorship rules, applied whenever a person's records change:
/// 1. identity (national ID, name, sex, birth date, hukou, residence, vital status) comes from the person's
///    register record; with several, the most recently stored one;
/// 2. a person without a register record takes identity from its most recently stored enrollment and is
///    "unknown to register"; its region is that enrollment's insuring division;
/// 3. a person left with no records keeps its id (links and reviews may point at it) with RecordCount 0.
/// </summary>
public static class Survivorship
{
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
    }
}
