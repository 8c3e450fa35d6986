using Exchange.Contracts.V1;
using Grpc.Core;

namespace Exchange.Server.IntegrationTests;

public abstract class PersonsAreReconciled(HubFixture hub)
{
    private static readonly Date Born = new() { Year = 1985, Month = 3, Day = 12 };

    private static string Id(int sequence, string division = "440106", string birth = "19850312")
    {
        var first17 = $"{division}{birth}{sequence:D3}";
        return first17 + TestRecords.NationalIdCheck(first17);
    }

    private static RecordEnvelope Register(string recordId, string nationalId, string name, Gender gender = Gender.Male, Date? born = null, string division = "440106") => new()
    {
        RecordId = recordId,
        Version = 1,
        Register = new RegisterRecord
        {
            NationalId = nationalId, Name = name, Gender = gender, BirthDate = born ?? Born,
            HukouDivision = division, ResidenceDivision = division, VitalStatus = VitalStatus.Alive,
        },
    };

    private static RecordEnvelope Enrollment(string recordId, string nationalId, string name, Gender gender = Gender.Male, Date? born = null, string division = "440106") => new()
    {
        RecordId = recordId,
        Version = 1,
        Enrollment = new EnrollmentRecord
        {
            NationalId = nationalId, Name = name, Gender = gender, BirthDate = born ?? Born, InsuredDivision = division,
            Scheme = InsuranceScheme.EmployeeEndowment, Status = EnrollmentStatus.Active, StartDate = new Date { Year = 2010, Month = 7, Day = 1 },
        },
    };

    private async Task PushAsync(string client, params RecordEnvelope[] records) =>
        await TestRecords.PushAsync(hub.Records(client), TestRecords.Batch("b", records));

    private Task<LinkExplanation> ExplainAsync(string source, string recordId, string client = "hr-gd") =>
        new PersonService.PersonServiceClient(hub.Channel(client)).ExplainRecordAsync(new ExplainRecordRequest { Purpose = "benefit-verification", SourceSystem = source, RecordId = recordId }).ResponseAsync;

    private PersonService.PersonServiceClient Persons(string client = "hr-gd") => new(hub.Channel(client));

    [SkippableFact]
    public async Task An_enrollment_with_a_typo_in_its_id_links_to_the_register_person_and_says_why()
    {
        var id = Id(101);
        // One wrong digit in the sequence part: the ID still parses, its check character no longer fits.
        var typo = id[..15] + (id[15] == '9' ? '8' : (char)(id[15] + 1)) + id[16..];
        await PushAsync("ps-gd", Register("LINK-R-101", id, "张伟"));
        await PushAsync("hr-gd", Enrollment("LINK-E-101", typo, "张伟"));

        var register = await ExplainAsync("ps-gd", "LINK-R-101");
        var enrollment = await ExplainAsync("hr-gd", "LINK-E-101");

        Assert.Equal(register.PersonId, enrollment.PersonId);
        Assert.Equal("auto", enrollment.Method);
        Assert.Equal("LINK-R-101", enrollment.MatchedRecordId);
        Assert.Equal("one edit or transposition", enrollment.Fields.Single(f => f.Field == "national_id").Level);
        Assert.True(enrollment.MatchProbability >= 0.99);
        Assert.Equal("person-linkage/1", enrollment.RuleVersion);
        Assert.False(enrollment.Sticky);
    }

    [SkippableFact]
    public async Task Enrollments_without_an_id_link_through_traditional_and_homophone_names()
    {
        await PushAsync("ps-gd", Register("LINK-R-102", Id(102), "黄志强"), Register("LINK-R-103", Id(104, birth: "19850312"), "李丽", Gender.Female));
        await PushAsync("hr-gd", Enrollment("LINK-E-102", "", "黃志強"), Enrollment("LINK-E-103", "", "李莉", Gender.Female));

        var traditional = await ExplainAsync("hr-gd", "LINK-E-102");
        var homophone = await ExplainAsync("hr-gd", "LINK-E-103");

        Assert.Equal((await ExplainAsync("ps-gd", "LINK-R-102")).PersonId, traditional.PersonId);
        Assert.Equal("exact", traditional.Fields.Single(f => f.Field == "name").Level);
        Assert.Equal((await ExplainAsync("ps-gd", "LINK-R-103")).PersonId, homophone.PersonId);
        Assert.Equal("same pinyin", homophone.Fields.Single(f => f.Field == "name").Level);
        Assert.Equal("missing", homophone.Fields.Single(f => f.Field == "national_id").Level);
    }

    [SkippableFact]
    public async Task Someone_elses_valid_id_is_flagged_as_a_conflict_and_never_linked_to_its_owner()
    {
        var ownerId = Id(105, birth: "19620208");
        await PushAsync("ps-gd", Register("LINK-R-105", ownerId, "王秀兰", Gender.Female, new Date { Year = 1962, Month = 2, Day = 8 }));
        await PushAsync("hr-gd", Enrollment("LINK-E-105", ownerId, "刘建军", Gender.Male, new Date { Year = 1990, Month = 11, Day = 30 }));

        var owner = await ExplainAsync("ps-gd", "LINK-R-105");
        var enrollment = await ExplainAsync("hr-gd", "LINK-E-105");
        var reviews = await ReviewItemsAsync();

        Assert.NotEqual(owner.PersonId, enrollment.PersonId);
        var conflict = Assert.Single(reviews, r => r.RecordId == "LINK-E-105");
        Assert.Equal(ReviewReason.NationalIdOfAnotherPerson, conflict.Reason);
        Assert.Equal(owner.PersonId, conflict.CandidatePersonId);
    }

    [SkippableFact]
    public async Task An_enrollment_unknown_to_the_register_founds_a_person_that_the_register_record_later_joins()
    {
        var id = Id(106, birth: "19920708");
        var born = new Date { Year = 1992, Month = 7, Day = 8 };
        await PushAsync("hr-gd", Enrollment("LINK-E-106", id, "陈晓燕", Gender.Female, born));
        var before = await Persons().GetPersonAsync(new GetPersonRequest { Purpose = "benefit-verification", PersonId = (await ExplainAsync("hr-gd", "LINK-E-106")).PersonId });

        await PushAsync("ps-gd", Register("LINK-R-106", id, "陈晓燕", Gender.Female, born));
        var after = await Persons().GetPersonAsync(new GetPersonRequest { Purpose = "benefit-verification", PersonId = before.Person.PersonId });

        Assert.False(before.Person.InRegister);
        Assert.Equal(1, before.Person.RecordCount);
        Assert.True(after.Person.InRegister);
        Assert.Equal(2, after.Person.RecordCount);
        Assert.Equal(id, after.Person.NationalId);
        Assert.Equal(2, after.Records.Count);
    }

    [SkippableFact]
    public async Task Two_pushes_of_the_same_person_at_the_same_time_never_create_two_persons()
    {
        for (var round = 0; round < 5; round++)
        {
            var id = Id(200 + round, birth: "19880101");
            var born = new Date { Year = 1988, Month = 1, Day = 1 };
            var first = $"RACE-HR-{round}";
            var second = $"RACE-NAT-{round}";

            await Task.WhenAll(
                PushAsync("hr-gd", Enrollment(first, id, "周婷", Gender.Female, born)),
                PushAsync("hr-national", Enrollment(second, id, "周婷", Gender.Female, born)));

            Assert.Equal((await ExplainAsync("hr-gd", first)).PersonId, (await ExplainAsync("hr-national", second, "hr-national")).PersonId);
        }
    }

    [SkippableFact]
    public async Task A_split_is_sticky_and_a_merge_moves_every_record()
    {
        // Another county than the other tests' IDs: with 440106, this ID is one edit from LINK-E-101's
        // mistyped one, and the register record then links to that person when that test ran first.
        var id = Id(110, division: "440305");
        await PushAsync("ps-gd", Register("LINK-R-110", id, "赵国平"));
        await PushAsync("hr-gd", Enrollment("LINK-E-110", id, "赵国平"));
        var person = (await ExplainAsync("ps-gd", "LINK-R-110")).PersonId;

        var split = await Persons().SplitRecordAsync(new SplitRecordRequest { SourceSystem = "hr-gd", RecordId = "LINK-E-110" });
        Assert.NotEqual(person, split.PersonId);
        Assert.True(split.Sticky);
        Assert.Equal("split", split.Method);
        Assert.Equal("hr-gd", split.DecidedBy);

        // A new version of the record is linked again, but a human's decision stands.
        var v2 = Enrollment("LINK-E-110", id, "赵国平");
        v2.Version = 2;
        await PushAsync("hr-gd", v2);
        Assert.Equal(split.PersonId, (await ExplainAsync("hr-gd", "LINK-E-110")).PersonId);

        var merged = await Persons().MergePersonsAsync(new MergePersonsRequest { FromPersonId = split.PersonId, IntoPersonId = person });
        Assert.Equal(1, merged.RecordsMoved);
        Assert.Equal(2, merged.Person.RecordCount);
        Assert.Equal(person, (await ExplainAsync("hr-gd", "LINK-E-110")).PersonId);
        var absorbed = await Persons().GetPersonAsync(new GetPersonRequest { Purpose = "benefit-verification", PersonId = split.PersonId });
        Assert.Equal(person, absorbed.Person.MergedIntoPersonId);
    }

    [SkippableFact]
    public async Task Reads_and_decisions_stay_inside_the_region_and_relinking_needs_an_admin()
    {
        await PushAsync("ps-gd", Register("LINK-R-120", Id(120), "孙丽"));

        var explain = await Assert.ThrowsAsync<RpcException>(() => ExplainAsync("ps-gd", "LINK-R-120", "hr-bj"));
        var review = await Assert.ThrowsAsync<RpcException>(() => Persons("hr-bj").ListReviewItems(new ListReviewItemsRequest { Purpose = "benefit-verification", DivisionPrefix = "44" }).ResponseStream.MoveNext());
        var relink = await Assert.ThrowsAsync<RpcException>(() => Persons("hr-gd").RelinkAsync(new RelinkRequest { DryRun = true }).ResponseAsync);
        var auditor = await Assert.ThrowsAsync<RpcException>(() => ExplainAsync("ps-gd", "LINK-R-120", "auditor"));
        var missing = await Assert.ThrowsAsync<RpcException>(() => ExplainAsync("ps-gd", "NO-SUCH-RECORD"));

        Assert.Equal(StatusCode.PermissionDenied, explain.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, review.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, relink.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, auditor.StatusCode);
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
    }

    [SkippableFact]
    public async Task An_explanation_names_a_match_in_another_region_only_as_such()
    {
        // Registered in Beijing, living and insured in Guangdong.
        var id = Id(130, division: "110105", birth: "19900615");
        var born = new Date { Year = 1990, Month = 6, Day = 15 };
        var register = Register("LINK-R-130", id, "马超", born: born, division: "110105");
        register.Register.ResidenceDivision = "440106";
        await PushAsync("ps-bj", register);
        await PushAsync("hr-gd", Enrollment("LINK-E-130", id, "马超", born: born, division: "440106"));

        var regional = await ExplainAsync("hr-gd", "LINK-E-130");
        var national = await ExplainAsync("hr-gd", "LINK-E-130", "hr-national");

        Assert.Equal("auto", regional.Method);
        Assert.Equal("(outside your region)", regional.MatchedRecordId);
        Assert.Equal("LINK-R-130", national.MatchedRecordId);
        Assert.Equal(regional.PersonId, national.PersonId);
    }

    private async Task<List<Contracts.V1.ReviewItem>> ReviewItemsAsync()
    {
        using var call = Persons().ListReviewItems(new ListReviewItemsRequest { Purpose = "benefit-verification", MaxItems = 1_000 });
        var items = new List<Contracts.V1.ReviewItem>();
        await foreach (var item in call.ResponseStream.ReadAllAsync())
        {
            items.Add(item);
        }

        return items;
    }
}
