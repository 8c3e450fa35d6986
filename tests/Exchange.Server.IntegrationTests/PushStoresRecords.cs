using Exchange.Client;
using Exchange.Contracts.V1;
using Exchange.Validation;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Server.IntegrationTests;

public abstract class PushStoresRecords(HubFixture hub)
{
    private static async IAsyncEnumerable<RecordEnvelope> Generate(string prefix, int count, int offset)
    {
        for (var i = 0; i < count; i++)
        {
            yield return TestRecords.Register($"{prefix}{i:D6}", offset + i);
        }

        await Task.CompletedTask;
    }

    [SkippableFact]
    public async Task Ten_thousand_records_in_batches_are_all_acknowledged_and_queryable()
    {
        var summary = await RecordPusher.PushAsync(hub.Records("ps-gd"), Generate("BULK-", 10_000, 100_000), new PushOptions(BatchSize: 500));

        Assert.Equal(10_000, summary.Sent);
        Assert.Equal(10_000, summary.Acknowledged);
        Assert.Equal(10_000, summary.Stored);
        Assert.Equal(0, summary.Rejected);
        Assert.Equal(10_000, await hub.CountVersionsAsync("ps-gd", "BULK-"));

        foreach (var i in new[] { 0, 4_999, 9_999 })
        {
            var found = await hub.Records("hr-gd").GetRecordsAsync(new GetRecordsRequest { Purpose = "benefit-verification", NationalId = TestRecords.NationalId(100_000 + i) });
            var record = Assert.Single(found.Records);
            Assert.Equal($"BULK-{i:D6}", record.Envelope.RecordId);
            Assert.Equal("ps-gd", record.SourceSystem);
            Assert.True(record.Current);
        }

        var changes = await RolesAndRegionsAreEnforced.ReadChangesAsync(hub.Records("hr-gd"), new ListChangesRequest { Purpose = "benefit-verification", SourceSystem = "ps-gd", MaxChanges = 100_000 });
        var bulk = changes.Where(c => c.Record.Envelope.RecordId.StartsWith("BULK-", StringComparison.Ordinal)).ToList();
        Assert.Equal(10_000, bulk.Count);
        Assert.Equal(bulk.Select(c => c.Cursor).Order(), bulk.Select(c => c.Cursor));
    }

    [SkippableFact]
    public async Task Re_pushing_acknowledged_records_changes_nothing()
    {
        var first = await RecordPusher.PushAsync(hub.Records("ps-gd"), Generate("REPUSH-", 1_000, 200_000), new PushOptions(BatchSize: 250));
        var second = await RecordPusher.PushAsync(hub.Records("ps-gd"), Generate("REPUSH-", 1_000, 200_000), new PushOptions(BatchSize: 300));

        Assert.Equal(1_000, first.Stored);
        Assert.Equal(0, second.Stored);
        Assert.Equal(1_000, second.Duplicates);
        Assert.Equal(1_000, await hub.CountVersionsAsync("ps-gd", "REPUSH-"));
    }

    [SkippableFact]
    public async Task A_newer_version_becomes_current_and_older_versions_are_kept()
    {
        var client = hub.Records("ps-gd");
        var v1 = TestRecords.Register("VERSIONED-1", 300, version: 1, name: "张伟");
        var v3 = TestRecords.Register("VERSIONED-1", 300, version: 3, name: "章伟");
        var v2 = TestRecords.Register("VERSIONED-1", 300, version: 2, name: "张玮");

        var acks = await TestRecords.PushAsync(client, TestRecords.Batch("1", [v1]), TestRecords.Batch("2", [v3]), TestRecords.Batch("3", [v2]));

        Assert.Equal(RecordOutcome.Stored, acks[0].Results[0].Outcome);
        Assert.Equal(RecordOutcome.Stored, acks[1].Results[0].Outcome);
        Assert.Equal(RecordOutcome.StoredAsHistory, acks[2].Results[0].Outcome);
        var current = Assert.Single((await client.GetRecordsAsync(new GetRecordsRequest { Purpose = "benefit-verification", NationalId = TestRecords.NationalId(300) })).Records);
        Assert.Equal(3, current.Envelope.Version);
        Assert.Equal("章伟", current.Envelope.Register.Name);

        var history = (await RolesAndRegionsAreEnforced.ReadChangesAsync(client, new ListChangesRequest { Purpose = "benefit-verification", SourceSystem = "ps-gd", MaxChanges = 100_000 }))
            .Where(c => c.Record.Envelope.RecordId == "VERSIONED-1")
            .ToList();
        Assert.Equal([1L, 3L, 2L], history.Select(c => c.Record.Envelope.Version).ToArray());
        Assert.Equal([false, true, false], history.Select(c => c.Record.Current).ToArray());
    }

    [SkippableFact]
    public async Task The_same_version_with_different_content_is_rejected_as_a_conflict()
    {
        var client = hub.Records("ps-gd");
        await TestRecords.PushAsync(client, TestRecords.Batch("1", [TestRecords.Register("CONFLICT-1", 310, name: "张伟")]));

        var acks = await TestRecords.PushAsync(client, TestRecords.Batch("2", [TestRecords.Register("CONFLICT-1", 310, name: "李伟")]));

        var result = Assert.Single(acks[0].Results);
        Assert.Equal(RecordOutcome.Rejected, result.Outcome);
        Assert.Equal("VERSION_CONFLICT", Assert.Single(result.Errors).Code);
        var stored = Assert.Single((await client.GetRecordsAsync(new GetRecordsRequest { Purpose = "benefit-verification", NationalId = TestRecords.NationalId(310) })).Records);
        Assert.Equal("张伟", stored.Envelope.Register.Name);
    }

    [SkippableFact]
    public async Task A_retracted_record_leaves_the_current_view_and_keeps_its_history()
    {
        var client = hub.Records("ps-gd");
        await TestRecords.PushAsync(client, TestRecords.Batch("1", [TestRecords.Register("RETRACT-1", 320)]));

        var acks = await TestRecords.PushAsync(client, TestRecords.Batch("2",
        [
            new RecordEnvelope { RecordId = "RETRACT-1", Version = 2, Retracted = true },
            new RecordEnvelope { RecordId = "RETRACT-NEVER-STORED", Version = 2, Retracted = true },
        ]));

        Assert.Equal(RecordOutcome.Stored, acks[0].Results[0].Outcome);
        Assert.Equal("NOT_FOUND", Assert.Single(acks[0].Results[1].Errors).Code);
        Assert.Empty((await client.GetRecordsAsync(new GetRecordsRequest { Purpose = "benefit-verification", NationalId = TestRecords.NationalId(320) })).Records);
        Assert.Equal(2, await hub.CountVersionsAsync("ps-gd", "RETRACT-1"));
    }

    [SkippableFact]
    public async Task A_retraction_of_another_regions_record_is_refused()
    {
        await TestRecords.PushAsync(hub.Records("ps-bj"), TestRecords.Batch("1", [TestRecords.Register("RETRACT-BJ", 330, division: "110105")]));

        // Record ids are per source system: ps-gd has no record of that id, so there is nothing of its own to retract.
        var acks = await TestRecords.PushAsync(hub.Records("ps-gd"), TestRecords.Batch("2", [new RecordEnvelope { RecordId = "RETRACT-BJ", Version = 2, Retracted = true }]));

        Assert.Equal("NOT_FOUND", Assert.Single(acks[0].Results[0].Errors).Code);
        Assert.Single((await hub.Records("hr-bj").GetRecordsAsync(new GetRecordsRequest { Purpose = "benefit-verification", NationalId = TestRecords.NationalId(330, "110105") })).Records);
    }

    [SkippableFact]
    public async Task Bad_records_are_rejected_alone_with_field_errors_and_the_rest_is_stored()
    {
        var good = Enumerable.Range(0, 5).Select(i => TestRecords.Register($"MIXED-GOOD-{i}", 400 + i)).ToList();
        var futureBirth = TestRecords.Register("MIXED-BAD-1", 410);
        futureBirth.Register.BirthDate = new Date { Year = 2999, Month = 1, Day = 1 };
        var badDivision = TestRecords.Register("MIXED-BAD-2", 411);
        badDivision.Register.HukouDivision = "4401";
        var noName = TestRecords.Register("MIXED-BAD-3", 412);
        noName.Register.Name = " ";
        var typo = TestRecords.Register("MIXED-TYPO", 413);
        var id = typo.Register.NationalId;
        typo.Register.NationalId = id[..17] + (id[17] == '0' ? '1' : '0');

        var acks = await TestRecords.PushAsync(hub.Records("ps-gd"), TestRecords.Batch("mixed", [good[0], futureBirth, good[1], badDivision, good[2], noName, good[3], good[4], typo]));

        var ack = acks[0];
        Assert.Equal("mixed", ack.BatchId);
        Assert.Equal(6, ack.Stored);
        Assert.Equal(3, ack.Rejected);
        Assert.Equal(("register.birth_date", "IN_FUTURE"), Single(ack.Results[1]));
        Assert.Equal(("register.hukou_division", "UNKNOWN_DIVISION"), Single(ack.Results[3]));
        Assert.Equal(("register.name", "REQUIRED"), Single(ack.Results[5]));
        Assert.Contains(RecordFlags.CheckCharacterMismatch, ack.Results[8].Flags);
        Assert.Equal(5, await hub.CountVersionsAsync("ps-gd", "MIXED-GOOD-"));
        Assert.Equal(0, await hub.CountVersionsAsync("ps-gd", "MIXED-BAD-"));
        Assert.Equal(1, await hub.CountVersionsAsync("ps-gd", "MIXED-TYPO"));
    }

    [SkippableFact]
    public async Task A_15_digit_id_is_found_by_its_18_digit_form_and_the_other_way_round()
    {
        var legacy = TestRecords.Register("LEGACY-1", 0);
        legacy.Register.NationalId = "440106850312123";
        legacy.Register.BirthDate = new Date { Year = 1985, Month = 3, Day = 12 };
        await TestRecords.PushAsync(hub.Records("ps-gd"), TestRecords.Batch("b", [legacy]));

        var by18 = await hub.Records("hr-gd").GetRecordsAsync(new GetRecordsRequest { Purpose = "benefit-verification", NationalId = "440106198503121237" });
        var by15 = await hub.Records("hr-gd").GetRecordsAsync(new GetRecordsRequest { Purpose = "benefit-verification", NationalId = "440106850312123" });

        Assert.Equal("440106198503121237", Assert.Single(by18.Records).NormalizedNationalId);
        Assert.Contains(RecordFlags.Legacy15Digit, Assert.Single(by15.Records).Flags);
    }

    [SkippableFact]
    public async Task Name_counts_follow_new_renamed_retracted_and_older_versions()
    {
        var client = hub.Records("ps-gd");
        await TestRecords.PushAsync(client, TestRecords.Batch("1",
        [
            TestRecords.Register("NAMES-1", 340, name: "欧阳娜"),
            TestRecords.Register("NAMES-2", 341, name: "欧阳娜"),
            TestRecords.Register("NAMES-3", 342, name: "司马芳"),
        ]));
        await TestRecords.PushAsync(client, TestRecords.Batch("2",
        [
            TestRecords.Register("NAMES-1", 340, version: 3, name: "司马芳"),
            new RecordEnvelope { RecordId = "NAMES-2", Version = 2, Retracted = true },
            // Two versions of a new record in one batch: only the later one is current.
            TestRecords.Register("NAMES-4", 343, version: 1, name: "诸葛亮"),
            TestRecords.Register("NAMES-4", 343, version: 2, name: "诸葛明"),
        ]));
        // An older version arriving late changes nothing current.
        await TestRecords.PushAsync(client, TestRecords.Batch("3", [TestRecords.Register("NAMES-1", 340, version: 2, name: "诸葛亮")]));

        await using var db = await hub.Store.CreateDbContextAsync();
        var kept = await db.NameCounts.Where(n => n.Count != 0).ToDictionaryAsync(n => n.NameKey, n => n.Count);
        var counted = await db.SourceRecords.Where(r => !r.Retracted && r.NameKey != "").GroupBy(r => r.NameKey)
            .Select(g => new { Name = g.Key, Count = (long)g.Count() }).ToDictionaryAsync(g => g.Name, g => g.Count);
        Assert.Equal(counted.OrderBy(c => c.Key, StringComparer.Ordinal), kept.OrderBy(c => c.Key, StringComparer.Ordinal));
        Assert.False(kept.ContainsKey("欧阳娜"));
        Assert.False(kept.ContainsKey("诸葛亮"));
        Assert.Equal(2, kept["司马芳"]);
        Assert.Equal(1, kept["诸葛明"]);
    }

    private static (string Field, string Code) Single(RecordResult result)
    {
        Assert.Equal(RecordOutcome.Rejected, result.Outcome);
        var error = Assert.Single(result.Errors);
        return (error.Field, error.Code);
    }
}
