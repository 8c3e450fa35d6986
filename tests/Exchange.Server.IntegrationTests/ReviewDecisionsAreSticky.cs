using Exchange.Contracts.V1;
using Grpc.Core;

namespace Exchange.Server.IntegrationTests;

public abstract class ReviewDecisionsAreSticky(HubFixture hub)
{
    private PersonService.PersonServiceClient Persons(string client = "hr-gd") => new(hub.Channel(client));

    private Task<LinkExplanation> ExplainAsync(string source, string recordId) =>
        Persons().ExplainRecordAsync(new ExplainRecordRequest { Purpose = "benefit-verification", SourceSystem = source, RecordId = recordId }).ResponseAsync;

    // A register person, and an enrollment without ID whose name sounds the same (张伟 / 张玮), whose birth
    // date is one component off and whose bureau is elsewhere in the province: a plausible but uncertain match.
    private async Task<(LinkExplanation Register, LinkExplanation Enrollment)> PushUncertainPairAsync(
        string suffix, int sequence, string name = "张伟", string soundAlike = "张玮", int year = 1985)
    {
        var first17 = $"440106{year}0312{sequence:D3}";
        var register = new RecordEnvelope
        {
            RecordId = "REV-R-" + suffix, Version = 1,
            Register = new RegisterRecord
            {
                NationalId = first17 + TestRecords.NationalIdCheck(first17), Name = name, Gender = Gender.Male,
                BirthDate = new Date { Year = year, Month = 3, Day = 12 }, HukouDivision = "440106", ResidenceDivision = "440106", VitalStatus = VitalStatus.Alive,
            },
        };
        var enrollment = new RecordEnvelope
        {
            RecordId = "REV-E-" + suffix, Version = 1,
            Enrollment = new EnrollmentRecord
            {
                Name = soundAlike, Gender = Gender.Male, BirthDate = new Date { Year = year, Month = 3, Day = 21 }, InsuredDivision = "440305",
                Scheme = InsuranceScheme.ResidentEndowment, Status = EnrollmentStatus.Active, StartDate = new Date { Year = 2015, Month = 1, Day = 1 },
            },
        };
        await TestRecords.PushAsync(hub.Records("ps-gd"), TestRecords.Batch("r", [register]));
        await TestRecords.PushAsync(hub.Records("hr-gd"), TestRecords.Batch("e", [enrollment]));
        return (await ExplainAsync("ps-gd", register.RecordId), await ExplainAsync("hr-gd", enrollment.RecordId));
    }

    private async Task<List<Contracts.V1.ReviewItem>> OpenReviewsAsync()
    {
        using var call = Persons().ListReviewItems(new ListReviewItemsRequest { Purpose = "benefit-verification", MaxItems = 1_000 });
        var items = new List<Contracts.V1.ReviewItem>();
        await foreach (var item in call.ResponseStream.ReadAllAsync())
        {
            items.Add(item);
        }

        return items;
    }

    // Thresholds placed around the pair's own score, so the re-link sends it to review.
    private static RelinkRequest AroundScore(double probability, bool dryRun) =>
        new() { DryRun = dryRun, UpperThreshold = probability + ((1 - probability) / 2), LowerThreshold = probability / 2 };

    [SkippableFact]
    public async Task A_confirmed_or_rejected_review_survives_re_links()
    {
        var (register, enrollment) = await PushUncertainPairAsync("A", 301);
        var (register2, _) = await PushUncertainPairAsync("B", 303, "刘军", "刘君", 1979);
        Assert.Equal("REV-R-A", enrollment.MatchedRecordId);
        var probability = enrollment.MatchProbability;
        Assert.InRange(probability, 0.0001, 0.9999);

        // A dry run with thresholds around the score reports, and changes nothing.
        var before = await ExplainAsync("hr-gd", "REV-E-A");
        var dryRun = await Persons("admin").RelinkAsync(AroundScore(probability, dryRun: true));
        Assert.True(dryRun.DryRun);
        Assert.Equal(0, dryRun.ModelVersion);
        Assert.Equal(before.LinkedAt, (await ExplainAsync("hr-gd", "REV-E-A")).LinkedAt);

        var relink = await Persons("admin").RelinkAsync(AroundScore(probability, dryRun: false));
        Assert.Equal(1, relink.ModelVersion);
        var reviews = await OpenReviewsAsync();
        var first = Assert.Single(reviews, r => r.RecordId == "REV-E-A");
        var second = Assert.Single(reviews, r => r.RecordId == "REV-E-B");
        Assert.Equal(ReviewReason.Uncertain, first.Reason);
        Assert.Equal(register.PersonId, first.CandidatePersonId);
        Assert.Contains(first.Fields, f => f.Field == "name" && f.Level == "same pinyin");

        var confirmed = await Persons().DecideReviewAsync(new DecideReviewRequest { ReviewId = first.ReviewId, Decision = ReviewDecision.Confirm });
        var rejected = await Persons().DecideReviewAsync(new DecideReviewRequest { ReviewId = second.ReviewId, Decision = ReviewDecision.Reject });
        Assert.Equal(register.PersonId, confirmed.PersonId);
        Assert.True(confirmed.Sticky);
        Assert.Equal("confirmed", confirmed.Method);
        Assert.NotEqual(register2.PersonId, rejected.PersonId);
        Assert.True(rejected.Sticky);

        // Deciding twice is refused; nothing changes.
        var again = await Assert.ThrowsAsync<RpcException>(() => Persons().DecideReviewAsync(new DecideReviewRequest { ReviewId = first.ReviewId, Decision = ReviewDecision.Reject }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, again.StatusCode);

        // Even thresholds that would now link everything leave human decisions alone.
        var permissive = await Persons("admin").RelinkAsync(new RelinkRequest { UpperThreshold = 0.000001, LowerThreshold = 0.0000001 });
        Assert.True(permissive.StickyKept >= 2);
        Assert.Equal(register.PersonId, (await ExplainAsync("hr-gd", "REV-E-A")).PersonId);
        Assert.Equal(rejected.PersonId, (await ExplainAsync("hr-gd", "REV-E-B")).PersonId);
        Assert.DoesNotContain(await OpenReviewsAsync(), r => r.RecordId is "REV-E-A" or "REV-E-B");
    }

    [SkippableFact]
    public async Task Bad_decisions_get_clear_errors()
    {
        var unknown = await Assert.ThrowsAsync<RpcException>(() => Persons().DecideReviewAsync(new DecideReviewRequest { ReviewId = 999_999, Decision = ReviewDecision.Confirm }).ResponseAsync);
        var unset = await Assert.ThrowsAsync<RpcException>(() => Persons().DecideReviewAsync(new DecideReviewRequest { ReviewId = 1 }).ResponseAsync);
        var self = await Assert.ThrowsAsync<RpcException>(() => Persons().MergePersonsAsync(new MergePersonsRequest { FromPersonId = 424_242, IntoPersonId = 424_242 }).ResponseAsync);
        var thresholds = await Assert.ThrowsAsync<RpcException>(() => Persons("admin").RelinkAsync(new RelinkRequest { DryRun = true, UpperThreshold = 0.4, LowerThreshold = 0.6 }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, unset.StatusCode);
        Assert.Equal(StatusCode.NotFound, self.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, thresholds.StatusCode);
    }
}

public abstract class RelinkAgreesWithOnlineLinking(HubFixture hub)
{
    [SkippableFact]
    public async Task A_full_re_link_of_what_was_linked_on_push_changes_nothing()
    {
        var register = Enumerable.Range(0, 300).Select(i => TestRecords.Register($"AGREE-R-{i}", 700_000 + i)).ToList();
        var enrollments = Enumerable.Range(0, 300).Select(i => TestRecords.Enrollment($"AGREE-E-{i}", 700_000 + i)).ToList();
        // Every third enrollment lost its ID at the bureau.
        for (var i = 0; i < enrollments.Count; i += 3)
        {
            enrollments[i].Enrollment.NationalId = "";
        }

        await TestRecords.PushAsync(hub.Records("ps-gd"), TestRecords.Batch("r", register));
        await TestRecords.PushAsync(hub.Records("hr-gd"), TestRecords.Batch("e", enrollments));

        var dryRun = await new PersonService.PersonServiceClient(hub.Channel("admin")).RelinkAsync(new RelinkRequest { DryRun = true });

        Assert.Equal(600, dryRun.Records);
        Assert.Equal(0, dryRun.Changed);
        Assert.Equal(600, dryRun.Unchanged);
        Assert.Equal(0, dryRun.NewPersons);
        var persons = new PersonService.PersonServiceClient(hub.Channel("hr-gd"));
        foreach (var i in new[] { 0, 1, 150, 299 })
        {
            var a = await persons.ExplainRecordAsync(new ExplainRecordRequest { Purpose = "benefit-verification", SourceSystem = "ps-gd", RecordId = $"AGREE-R-{i}" });
            var b = await persons.ExplainRecordAsync(new ExplainRecordRequest { Purpose = "benefit-verification", SourceSystem = "hr-gd", RecordId = $"AGREE-E-{i}" });
            Assert.Equal(a.PersonId, b.PersonId);
        }
    }
}
