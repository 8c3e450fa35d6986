using Exchange.Client;
using Exchange.Contracts.V1;
using Exchange.Store;
using Exchange.Synthetic;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Server.IntegrationTests;

/// <summary>
/// Hub processes hold no state but the store: two `exchange serve` processes on one PostgreSQL database,
/// each sent the same data at the same time, end with exactly the records, persons, links, review items
/// and change feed that one hub has after the data was sent to it once; and what one node changes (a
/// re-linked model) the other uses at once.
/// </summary>
public sealed class SeveralHubsShareOneDatabase
{
    private static readonly GeneratorOptions Options = new() { People = 1_500, Seed = 23 };

    [SkippableFact]
    public async Task Two_hub_processes_pushed_the_same_data_concurrently_store_exactly_what_one_hub_stores()
    {
        Skip.If(TestStores.PostgresAdmin() is null, $"No PostgreSQL for tests: set {TestStores.PostgresVariable}.");
        var folder = Directory.CreateTempSubdirectory("exchange-nodes-").FullName;
        RegistryGenerator.Generate(Options).WriteFiles(folder);
        var register = Path.Combine(folder, "register.csv");
        var enrollment = Path.Combine(folder, "enrollment.csv");

        var single = new PostgresHub();
        var shared = new PostgresHub();
        try
        {
            await single.InitializeAsync();
            await shared.InitializeAsync();

            // One hub, each file once.
            await PushAsync(single, single.Address, "ps-national", register);
            await PushAsync(single, single.Address, "hr-national", enrollment);

            var beforeShared = await AuditKit.SignAsync(shared);

            // Two more hub processes on the shared database; each file to both at once. Every batch is
            // committed by one of them, the other finds it already stored (idempotent pushes), so the
            // store sees each batch once, in the file's order, whichever node wins it.
            await using var first = await HubProcess.StartAsync(shared.CertificateDirectory, shared.StoreSettings);
            await using var second = await HubProcess.StartAsync(shared.CertificateDirectory, shared.StoreSettings);
            foreach (var (client, file) in new[] { ("ps-national", register), ("hr-national", enrollment) })
            {
                var summaries = await Task.WhenAll(PushAsync(shared, first.Address, client, file), PushAsync(shared, second.Address, client, file));
                // Each record stored by exactly one node and found already stored by the other.
                Assert.Equal(summaries[0].Sent, summaries.Sum(s => s.Stored + s.StoredAsHistory));
                Assert.Equal(summaries[0].Sent, summaries.Sum(s => s.Duplicates));
            }

            // One audit tree for every node: a checkpoint signed before the shared pushes, then the whole log
            // (entries written by both processes and by this one, interleaved) verifies as a single tree.
            var expected = await SnapshotAsync(single);
            var actual = await SnapshotAsync(shared);
            Assert.True(expected.Persons.Count > Options.People / 2, "the data makes persons");
            Assert.Equal(expected.Versions, actual.Versions);
            Assert.Equal(expected.Records, actual.Records);
            Assert.Equal(expected.Persons, actual.Persons);
            Assert.Equal(expected.Links, actual.Links);
            Assert.Equal(expected.Reviews, actual.Reviews);
            Assert.Equal(expected.Events, actual.Events);
            Assert.Equal(expected.BlockingKeys, actual.BlockingKeys);
            var audit = await AuditKit.ExportAndVerifyAsync(shared, beforeShared);
            Assert.True(audit.Valid, string.Join("; ", audit.Problems));
            Assert.True(audit.Entries > beforeShared.TreeSize, "both nodes' calls are in the one tree");

            // The change feed as subscribers read it through either node: the same events, in the same order.
            Assert.Equal(actual.EventIds.Take(200), await FeedAsync(shared, first.Address, 200));
            Assert.Equal(actual.EventIds.Take(200), await FeedAsync(shared, second.Address, 200));

            // A re-link on one node trains a new model; the other node links its next push with that model.
            using var admin = HubChannel.Create(first.Address, shared.Certificate("admin"), shared.Authority.Certificate);
            var relink = await new PersonService.PersonServiceClient(admin).RelinkAsync(new RelinkRequest());
            using var ps = HubChannel.Create(second.Address, shared.Certificate("ps-national"), shared.Authority.Certificate);
            await TestRecords.PushAsync(new RecordService.RecordServiceClient(ps), TestRecords.Batch("after-relink", [TestRecords.Register("AFTER-RELINK-1", 9_001)]));
            var explanation = await new PersonService.PersonServiceClient(ps).ExplainRecordAsync(new ExplainRecordRequest { Purpose = "benefit-verification", SourceSystem = "ps-national", RecordId = "AFTER-RELINK-1" });
            Assert.True(relink.ModelVersion > 0);
            Assert.Equal(relink.ModelVersion, explanation.ModelVersion);
        }
        finally
        {
            await single.DisposeAsync();
            await shared.DisposeAsync();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<PushSummary> PushAsync(HubFixture hub, Uri address, string client, string path)
    {
        using var channel = HubChannel.Create(address, hub.Certificate(client), hub.Authority.Certificate, maxMessageBytes: 8 * HubFixture.MaxMessageBytes);
        using var reader = new StreamReader(path);
        var summary = new PushSummary();
        await RecordPusher.PushAsync(new RecordService.RecordServiceClient(channel), RecordCsv.ReadAsync(reader, e => summary.AddLocalRejection(e.RecordId, e.Field, e.Description)), new PushOptions(BatchSize: 500), summary);
        Assert.Equal(0, summary.Rejected);
        return summary;
    }

    private static async Task<List<long>> FeedAsync(HubFixture hub, Uri address, int count)
    {
        using var channel = HubChannel.Create(address, hub.Certificate("hr-national"), hub.Authority.Certificate);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        using var call = new ChangeFeedService.ChangeFeedServiceClient(channel).Subscribe(new SubscribeRequest { Purpose = "statistics" }, cancellationToken: cancel.Token);
        var cursors = new List<long>();
        while (cursors.Count < count && await call.ResponseStream.MoveNext(cancel.Token))
        {
            cursors.Add(call.ResponseStream.Current.Cursor);
        }

        return cursors;
    }

    private sealed record Snapshot(
        List<string> Versions, List<string> Records, List<string> Persons, List<string> Links, List<string> Reviews, List<string> Events, List<long> EventIds, int BlockingKeys);

    /// <summary>Everything but times and batch ids (which name the push, not the data), ordered by id.</summary>
    private static async Task<Snapshot> SnapshotAsync(HubFixture hub)
    {
        await using var db = await hub.Store.CreateDbContextAsync();
        var versions = (await db.RecordVersions.OrderBy(v => v.Id).ToListAsync())
            .Select(v => $"{v.Id} {v.SourceSystem}/{v.RecordId} v{v.Version} {Convert.ToHexString(v.ContentHash)} {v.Flags}").ToList();
        var records = (await db.SourceRecords.OrderBy(r => r.Id).ToListAsync())
            .Select(r => $"{r.Id} {r.SourceSystem}/{r.RecordId} v{r.Version} row {r.VersionRowId} {r.NationalId} {r.NameKey}").ToList();
        var persons = (await db.Persons.OrderBy(p => p.Id).ToListAsync())
            .Select(p => $"{p.Id} {p.NationalId} {p.Name} {p.BirthDate} {p.Division} {p.InRegister} {p.Deceased} {p.RecordCount} {p.ActiveEndowmentCount} {p.MergedIntoId}").ToList();
        var links = (await db.RecordLinks.OrderBy(l => l.SourceRecordId).ToListAsync())
            .Select(l => $"{l.SourceRecordId} -> {l.PersonId} {l.Method} {l.Weight:R} {l.Levels} {l.MatchedSourceRecordId} m{l.ModelVersion}").ToList();
        var reviews = (await db.ReviewItems.OrderBy(r => r.Id).ToListAsync())
            .Select(r => $"{r.Id} {r.SourceRecordId} {r.CandidatePersonId} {r.Reason} {r.Status} {r.Weight:R}").ToList();
        var events = await db.PersonEvents.OrderBy(e => e.Id).ToListAsync();
        return new Snapshot(
            versions, records, persons, links, reviews,
            events.Select(e => $"{e.Id} {e.PersonId} {e.Kind} {e.Division} {e.Detail}").ToList(),
            events.Select(e => e.Id).ToList(),
            await db.BlockingKeys.CountAsync());
    }
}
