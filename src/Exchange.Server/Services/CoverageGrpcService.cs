using Exchange.Contracts.V1;
using Exchange.Server.Security;
using Exchange.Store;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Exchange.Server.Services;

/// <summary>
/// Coverage answers, read from the persons that survivorship keeps up to date on every push: a query,
/// never a rebuild. See coverage_service.proto for the definitions.
/// </summary>
[Authorize(Policy = HubPolicies.ReadCoverage)]
public sealed class CoverageGrpcService(
    IDbContextFactory<ExchangeDbContext> contextFactory,
    TimeProvider clock) : CoverageService.CoverageServiceBase
{
    /// <summary>Eligibility for endowment insurance starts at this age.</summary>
    public const int EligibleAge = 16;
    private const int PageSize = 500;
    private const int ActiveStatus = 1;
    private static readonly string[] AgeBands = ["16-29", "30-44", "45-59", "60+"];

    public override Task ListCoverageGaps(CoverageQuery request, IServerStreamWriter<PersonFact> responseStream, ServerCallContext context) =>
        StreamAsync(request, context, responseStream, (persons, today) =>
            persons.Where(p => p.InRegister && !p.Deceased && p.BirthDate <= today.AddYears(-EligibleAge) && p.ActiveEndowmentCount == 0));

    public override Task ListDeceasedWithActiveEnrollment(CoverageQuery request, IServerStreamWriter<PersonFact> responseStream, ServerCallContext context) =>
        StreamAsync(request, context, responseStream, (persons, _) => persons.Where(p => p.Deceased && p.ActiveEndowmentCount > 0));

    public override Task ListMultiRegionEnrollments(CoverageQuery request, IServerStreamWriter<PersonFact> responseStream, ServerCallContext context) =>
        StreamAsync(request, context, responseStream, (persons, _) => persons.Where(p => p.ActiveEndowmentProvinces > 1));

    public override Task ListUnknownToRegister(CoverageQuery request, IServerStreamWriter<PersonFact> responseStream, ServerCallContext context) =>
        StreamAsync(request, context, responseStream, (persons, _) => persons.Where(p => !p.InRegister));

    public override async Task ListWrongPersonIds(CoverageQuery request, IServerStreamWriter<PersonFact> responseStream, ServerCallContext context)
    {
        var (scope, today) = Prepare(request, context);
        await using var db = await contextFactory.CreateDbContextAsync(context.CancellationToken);
        var conflicts = await (
                from item in db.ReviewItems
                join link in db.RecordLinks on item.SourceRecordId equals link.SourceRecordId
                join record in db.SourceRecords on item.SourceRecordId equals record.Id
                where item.Reason == "national-id-of-another-person" && item.Status == "open" && record.Division.StartsWith(scope)
                orderby item.Id
                select new { link.PersonId, Owner = item.CandidatePersonId, Record = record })
            .ToListAsync(context.CancellationToken);
        var sent = 0;
        foreach (var page in conflicts.Chunk(PageSize))
        {
            var ids = page.Select(c => c.PersonId).Distinct().ToList();
            var persons = await Filter(db.Persons.Where(p => ids.Contains(p.Id)), request, today).ToDictionaryAsync(p => p.Id, context.CancellationToken);
            foreach (var conflict in page)
            {
                if (!persons.TryGetValue(conflict.PersonId, out var person))
                {
                    continue;
                }

                var fact = ToFact(person, today);
                fact.IdOwnerPersonId = conflict.Owner;
                fact.Enrollments.Add(ToEnrollment(conflict.Record));
                await responseStream.WriteAsync(fact, context.CancellationToken);
                if (++sent == request.MaxResults)
                {
                    return;
                }
            }
        }
    }

    public override async Task<CoverageSummary> GetCoverageSummary(CoverageQuery request, ServerCallContext context)
    {
        var (scope, today) = Prepare(request, context);
        var digits = request.GroupDigits == 0 ? 2 : request.GroupDigits;
        if (digits is not (2 or 4 or 6))
        {
            throw RpcErrors.InvalidArgument("group_digits", "Regions group by 2, 4 or 6 digits.");
        }

        await using var db = await contextFactory.CreateDbContextAsync(context.CancellationToken);
        var regions = new SortedDictionary<string, RegionCoverage>(StringComparer.Ordinal);
        var overall = NewRegion("all");
        var adult = today.AddYears(-EligibleAge);
        // Streamed, not loaded: memory stays flat whatever the population.
        var rows = Filter(Persons(db, scope), request, today)
            .Where(p => p.InRegister && !p.Deceased)
            .Select(p => new { p.Division, p.BirthDate, p.Migrant, p.ActiveEndowmentCount })
            .AsAsyncEnumerable();
        await foreach (var row in rows.WithCancellation(context.CancellationToken))
        {
            var key = row.Division.Length >= digits ? row.Division[..digits] : row.Division;
            if (!regions.TryGetValue(key, out var region))
            {
                regions[key] = region = NewRegion(key);
            }

            var eligible = row.BirthDate is { } birth && birth <= adult;
            var covered = eligible && row.ActiveEndowmentCount > 0;
            var band = eligible ? AgeBand(Age(row.BirthDate!.Value, today)) : null;
            foreach (var target in new[] { region, overall })
            {
                Count(target.Total, eligible, covered);
                Count(row.Migrant ? target.Migrants : target.Locals, eligible, covered);
                if (band is not null)
                {
                    Count(target.AgeBands[band], eligible, covered);
                }
            }
        }

        var summary = new CoverageSummary { ReferenceDate = ProtoDates.ToProto(today), Overall = Finish(overall) };
        summary.Regions.AddRange(regions.Values.Select(Finish));
        return summary;
    }

    private async Task StreamAsync(
        CoverageQuery request, ServerCallContext context, IServerStreamWriter<PersonFact> responseStream, Func<IQueryable<Store.Person>, DateOnly, IQueryable<Store.Person>> select)
    {
        var (scope, today) = Prepare(request, context);
        await using var db = await contextFactory.CreateDbContextAsync(context.CancellationToken);
        var query = select(Filter(Persons(db, scope), request, today), today).OrderBy(p => p.Id);
        long after = 0;
        var sent = 0;
        while (true)
        {
            var cursor = after;
            var page = await query.Where(p => p.Id > cursor).Take(PageSize).ToListAsync(context.CancellationToken);
            if (page.Count == 0)
            {
                return;
            }

            var ids = page.Select(p => p.Id).ToList();
            var enrollments = (await (
                    from link in db.RecordLinks
                    join record in db.SourceRecords on link.SourceRecordId equals record.Id
                    where ids.Contains(link.PersonId) && record.Kind == StoredRecordKind.Enrollment && record.EnrollmentStatus == ActiveStatus && !record.Retracted
                    orderby record.SourceSystem, record.RecordId
                    select new { link.PersonId, Record = record })
                .ToListAsync(context.CancellationToken))
                .ToLookup(e => e.PersonId, e => e.Record);
            foreach (var person in page)
            {
                var fact = ToFact(person, today);
                fact.Enrollments.AddRange(enrollments[person.Id].Select(ToEnrollment));
                await responseStream.WriteAsync(fact, context.CancellationToken);
                if (++sent == request.MaxResults)
                {
                    return;
                }
            }

            after = page[^1].Id;
        }
    }

    private (string Scope, DateOnly Today) Prepare(CoverageQuery request, ServerCallContext context)
    {
        var caller = CallerIdentity.From(context);
        Purposes.Require(caller, request.Purpose);

        var scope = RegionScopes.Resolve(caller, request.DivisionPrefix, "division_prefix");
        if (request.MinAge < 0 || request.MaxAge < 0 || (request.MaxAge > 0 && request.MaxAge < request.MinAge))
        {
            throw RpcErrors.InvalidArgument("max_age", "Ages are 0 or more, and max_age (when set) is at least min_age.");
        }

        if (request.MaxResults < 0)
        {
            throw RpcErrors.InvalidArgument("max_results", "max_results is 0 (no limit) or more.");
        }

        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        if (request.ReferenceDate is { } date)
        {
            if (date.Year is < 1900 or > 9999 || date.Month is < 1 or > 12 || date.Day < 1 || date.Day > DateTime.DaysInMonth(date.Year, date.Month))
            {
                throw RpcErrors.InvalidArgument("reference_date", "Not a valid date.");
            }

            today = new DateOnly(date.Year, date.Month, date.Day);
        }

        return (scope, today);
    }

    private static IQueryable<Store.Person> Persons(ExchangeDbContext db, string scope) =>
        db.Persons.Where(p => p.MergedIntoId == null && p.RecordCount > 0 && p.Division.StartsWith(scope));

    private static IQueryable<Store.Person> Filter(IQueryable<Store.Person> persons, CoverageQuery request, DateOnly today)
    {
        if (request.Sex is Gender.Male or Gender.Female)
        {
            var sex = (int)request.Sex;
            persons = persons.Where(p => p.Gender == sex);
        }

        persons = request.Migrant switch
        {
            MigrantFilter.Migrants => persons.Where(p => p.Migrant),
            MigrantFilter.Locals => persons.Where(p => !p.Migrant),
            _ => persons,
        };
        if (request.MinAge > 0)
        {
            var bornBy = today.AddYears(-request.MinAge);
            persons = persons.Where(p => p.BirthDate <= bornBy);
        }

        if (request.MaxAge > 0)
        {
            var bornAfter = today.AddYears(-(request.MaxAge + 1));
            persons = persons.Where(p => p.BirthDate > bornAfter);
        }

        return persons;
    }

    private static PersonFact ToFact(Store.Person person, DateOnly today) => new()
    {
        PersonId = person.Id,
        NationalId = person.NationalId,
        Name = person.Name,
        Gender = (Gender)person.Gender,
        BirthDate = ProtoDates.ToProto(person.BirthDate),
        Age = person.BirthDate is { } born ? Age(born, today) : 0,
        HukouDivision = person.HukouDivision,
        ResidenceDivision = person.ResidenceDivision,
        Division = person.Division,
        Migrant = person.Migrant,
        InRegister = person.InRegister,
        DeathDate = ProtoDates.ToProto(person.DeathDate),
    };

    private static EnrollmentFact ToEnrollment(SourceRecord record) => new()
    {
        SourceSystem = record.SourceSystem,
        RecordId = record.RecordId,
        InsuredDivision = record.Division,
        Scheme = (InsuranceScheme)record.Scheme,
        Status = (EnrollmentStatus)record.EnrollmentStatus,
        StartDate = ProtoDates.ToProto(record.StartDate),
        NationalId = record.NationalId,
        Name = record.NameKey,
    };

    internal static int Age(DateOnly birth, DateOnly today)
    {
        var age = today.Year - birth.Year;
        return birth > today.AddYears(-age) ? age - 1 : age;
    }

    private static string AgeBand(int age) => age switch { < 30 => AgeBands[0], < 45 => AgeBands[1], < 60 => AgeBands[2], _ => AgeBands[3] };

    private static RegionCoverage NewRegion(string key)
    {
        var region = new RegionCoverage { Region = key, Total = new CoverageCounts(), Migrants = new CoverageCounts(), Locals = new CoverageCounts() };
        foreach (var band in AgeBands)
        {
            region.AgeBands[band] = new CoverageCounts();
        }

        return region;
    }

    private static void Count(CoverageCounts counts, bool eligible, bool covered)
    {
        counts.Population++;
        if (eligible)
        {
            counts.Eligible++;
            if (covered)
            {
                counts.Covered++;
            }
            else
            {
                counts.Gaps++;
            }
        }
    }

    private static RegionCoverage Finish(RegionCoverage region)
    {
        foreach (var counts in new[] { region.Total, region.Migrants, region.Locals }.Concat(region.AgeBands.Values))
        {
            counts.CoverageRate = counts.Eligible == 0 ? 0 : (double)counts.Covered / counts.Eligible;
        }

        return region;
    }
}
