using Exchange.Client;
using Exchange.Contracts.V1;
using Exchange.Store;
using Exchange.Synthetic;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace Exchange.Server.IntegrationTests;

/// <summary>
/// The synthetic registry (20,000 people) pushed through the hub as ministries would push it, then every
/// coverage answer compared with the generator's truth labels.
/// </summary>
public abstract class CoverageAnswersMatchTheTruth(HubFixture hub, ITestOutputHelper output)
{
    private static readonly GeneratorOptions Options = new() { People = 20_000, Seed = 11 };
    private static readonly Date Reference = new() { Year = Options.ReferenceDate.Year, Month = Options.ReferenceDate.Month, Day = Options.ReferenceDate.Day };

    [SkippableFact]
    public async Task Gaps_deaths_double_enrollments_wrong_ids_and_unknown_persons_reach_precision_and_recall_of_0_99()
    {
        var folder = Path.Combine(Path.GetTempPath(), "exchange-tests", "coverage-" + Guid.NewGuid().ToString("N"));
        var registry = RegistryGenerator.Generate(Options);
        registry.WriteFiles(folder);
        await PushFileAsync("ps-national", Path.Combine(folder, "register.csv"));
        await PushFileAsync("hr-national", Path.Combine(folder, "enrollment.csv"));

        var truePersonOfRecord = registry.RegisterRows().Select(r => (r.RecordId, r.PersonId))
            .Concat(registry.EnrollmentRows().Select(e => (e.RecordId, e.PersonId)))
            .DistinctBy(r => r.RecordId)
            .ToDictionary(r => r.RecordId, r => r.PersonId);
        var hubToTrue = await TruePersonOfHubPersonsAsync(truePersonOfRecord);
        var truth = registry.Persons().ToList();
        var faults = registry.EnrollmentRows().Where(e => e.Faults.HasFlag(RecordFaults.SomeoneElsesId)).Select(e => e.RecordId).ToHashSet();

        var client = new CoverageService.CoverageServiceClient(hub.Channel("hr-national"));
        Check("coverage gaps", Persons(await ListAsync(client.ListCoverageGaps)), truth.Where(p => p.Gap), hubToTrue);
        Check("deceased with active pension", Persons(await ListAsync(client.ListDeceasedWithActiveEnrollment)), truth.Where(p => p.DeceasedWithActiveEndowment), hubToTrue);
        Check("enrolled in two regions", Persons(await ListAsync(client.ListMultiRegionEnrollments)), truth.Where(p => p.MultiRegion), hubToTrue);
        Check("unknown to register", Persons(await ListAsync(client.ListUnknownToRegister)), truth.Where(p => !p.InRegister), hubToTrue);
        var wrongIds = (await ListAsync(client.ListWrongPersonIds)).SelectMany(f => f.Enrollments.Select(e => e.RecordId)).ToHashSet();
        Score("someone else's ID", wrongIds, faults);

        // Incremental answers equal a full recompute of every person from its linked records.
        var gapsBefore = Persons(await ListAsync(client.ListCoverageGaps)).ToHashSet();
        var deceasedBefore = Persons(await ListAsync(client.ListDeceasedWithActiveEnrollment)).ToHashSet();
        var summaryBefore = await client.GetCoverageSummaryAsync(new CoverageQuery { Purpose = "statistics", ReferenceDate = Reference });
        await using (var db = await hub.Store.CreateDbContextAsync())
        {
            var everyone = await db.Persons.Select(p => p.Id).ToListAsync();
            await Exchange.Server.Linking.Survivorship.RefreshAsync(db, everyone, DateTime.UtcNow, CancellationToken.None);
        }

        Assert.Equal(gapsBefore, Persons(await ListAsync(client.ListCoverageGaps)).ToHashSet());
        Assert.Equal(deceasedBefore, Persons(await ListAsync(client.ListDeceasedWithActiveEnrollment)).ToHashSet());

        var summary = await client.GetCoverageSummaryAsync(new CoverageQuery { Purpose = "statistics", ReferenceDate = Reference });
        Assert.Equal(summaryBefore, summary);
        var eligible = truth.Count(p => p.Eligible);
        output.WriteLine($"summary: eligible {summary.Overall.Total.Eligible} (truth {eligible}), gaps {summary.Overall.Total.Gaps} (truth {truth.Count(p => p.Gap)}), coverage {summary.Overall.Total.CoverageRate:P1}");
        Assert.InRange(summary.Overall.Total.Eligible, eligible * 0.99, eligible * 1.01);
        Assert.Equal(summary.Overall.Total.Eligible, summary.Regions.Sum(r => r.Total.Eligible));
        Assert.Equal(summary.Overall.Total.Gaps, summary.Overall.Migrants.Gaps + summary.Overall.Locals.Gaps);
        Assert.Equal(summary.Overall.Total.Eligible, summary.Overall.AgeBands.Values.Sum(b => b.Eligible));
    }

    [SkippableFact]
    public async Task A_read_without_a_registered_purpose_is_refused()
    {
        var client = new CoverageService.CoverageServiceClient(hub.Channel("hr-gd"));

        var missing = await Assert.ThrowsAsync<RpcException>(() => client.GetCoverageSummaryAsync(new CoverageQuery()).ResponseAsync);
        var unknown = await Assert.ThrowsAsync<RpcException>(() => client.GetCoverageSummaryAsync(new CoverageQuery { Purpose = "curiosity" }).ResponseAsync);
        var region = await Assert.ThrowsAsync<RpcException>(() => client.GetCoverageSummaryAsync(new CoverageQuery { Purpose = "statistics", DivisionPrefix = "11" }).ResponseAsync);
        var auditor = await Assert.ThrowsAsync<RpcException>(() =>
            new CoverageService.CoverageServiceClient(hub.Channel("auditor")).GetCoverageSummaryAsync(new CoverageQuery { Purpose = "statistics" }).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, missing.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, unknown.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, region.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, auditor.StatusCode);
    }

    private async Task PushFileAsync(string client, string path)
    {
        using var reader = new StreamReader(path);
        var summary = new PushSummary();
        await RecordPusher.PushAsync(hub.Records(client), RecordCsv.ReadAsync(reader, e => summary.AddLocalRejection(e.RecordId, e.Field, e.Description)), new PushOptions(BatchSize: 2_000), summary);
        Assert.Equal(0, summary.Rejected);
    }

    private async Task<Dictionary<long, string>> TruePersonOfHubPersonsAsync(Dictionary<string, string> truePersonOfRecord)
    {
        await using var db = await hub.Store.CreateDbContextAsync();
        var links = await (from link in db.RecordLinks join record in db.SourceRecords on link.SourceRecordId equals record.Id select new { link.PersonId, record.RecordId, record.Kind })
            .ToListAsync();
        // A hub person is the true person of its register record, else of most of its records.
        return links.GroupBy(l => l.PersonId).ToDictionary(
            g => g.Key,
            g => g.FirstOrDefault(l => l.Kind == StoredRecordKind.Register) is { } register
                ? truePersonOfRecord[register.RecordId]
                : g.GroupBy(l => truePersonOfRecord[l.RecordId]).MaxBy(t => t.Count())!.Key);
    }

    private static async Task<List<PersonFact>> ListAsync(Func<CoverageQuery, Metadata?, DateTime?, CancellationToken, AsyncServerStreamingCall<PersonFact>> list)
    {
        using var call = list(new CoverageQuery { Purpose = "enrollment-drive", ReferenceDate = Reference }, null, null, CancellationToken.None);
        var facts = new List<PersonFact>();
        await foreach (var fact in call.ResponseStream.ReadAllAsync())
        {
            facts.Add(fact);
        }

        return facts;
    }

    private static IEnumerable<long> Persons(List<PersonFact> facts) => facts.Select(f => f.PersonId);

    private void Check(string answer, IEnumerable<long> hubPersons, IEnumerable<PersonTruth> truePersons, Dictionary<long, string> hubToTrue) =>
        Score(answer, hubPersons.Select(p => hubToTrue[p]).ToHashSet(), truePersons.Select(p => p.PersonId).ToHashSet());

    private void Score(string answer, IReadOnlySet<string> found, IReadOnlySet<string> expected)
    {
        var hits = found.Count(expected.Contains);
        var precision = found.Count == 0 ? 1 : (double)hits / found.Count;
        var recall = expected.Count == 0 ? 1 : (double)hits / expected.Count;
        output.WriteLine($"{answer}: found {found.Count}, true {expected.Count}, precision {precision:F4}, recall {recall:F4}");
        Assert.True(precision >= 0.99 && recall >= 0.99, $"{answer}: precision {precision:F4}, recall {recall:F4}");
    }
}
