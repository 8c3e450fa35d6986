using Exchange.Contracts.V1;
using Google.Rpc;
using Grpc.Core;

namespace Exchange.Server.IntegrationTests;

public abstract class FindPersonsRanksByNameAndBirthDate(HubFixture hub) : IAsyncLifetime
{
    private static readonly Date Born1972 = new() { Year = 1972, Month = 5, Day = 9 };
    private static readonly Date Born1990 = new() { Year = 1990, Month = 11, Day = 23 };

    private static string Id(int sequence, string birth, string division = "440106")
    {
        var first17 = $"{division}{birth}{sequence:D3}";
        return first17 + TestRecords.NationalIdCheck(first17);
    }

    private static RecordEnvelope Register(string recordId, string nationalId, string name, Gender gender, Date born) => new()
    {
        RecordId = recordId,
        Version = 1,
        Register = new RegisterRecord
        {
            NationalId = nationalId, Name = name, Gender = gender, BirthDate = born,
            HukouDivision = "440106", ResidenceDivision = "440106", VitalStatus = VitalStatus.Alive,
        },
    };

    private PersonService.PersonServiceClient Persons(string client = "hr-gd") => new(hub.Channel(client));

    private async Task<long> PersonOfAsync(string recordId) =>
        (await Persons().ExplainRecordAsync(new ExplainRecordRequest { Purpose = "benefit-verification", SourceSystem = "ps-gd", RecordId = recordId })).PersonId;

    public async Task InitializeAsync()
    {
        if (!hub.IsAvailable)
        {
            return; // each test reports itself skipped
        }

        await TestRecords.PushAsync(hub.Records("ps-gd"), TestRecords.Batch("find", [
            Register("FIND-R-1", Id(201, "19720509"), "黄志强", Gender.Male, Born1972),
            Register("FIND-R-2", Id(203, "19720509"), "黄志明", Gender.Male, Born1972),
            Register("FIND-R-3", Id(202, "19901123"), "陈静", Gender.Female, Born1990),
        ]));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [SkippableFact]
    public async Task A_traditional_name_finds_its_person_first_and_says_why()
    {
        var response = await Persons().FindPersonsAsync(new FindPersonsRequest { Purpose = "benefit-verification", Name = "黃 志強", BirthDate = Born1972 });

        Assert.True(response.Candidates.Count >= 2);
        var first = response.Candidates[0];
        Assert.Equal(await PersonOfAsync("FIND-R-1"), first.Person.PersonId);
        Assert.Equal("黄志强", first.Person.Name);
        Assert.Equal("FIND-R-1", first.MatchedRecordId);
        Assert.Equal("exact", first.Fields.Single(f => f.Field == "name").Level);
        Assert.Equal("exact", first.Fields.Single(f => f.Field == "birth_date").Level);
        Assert.Equal("missing", first.Fields.Single(f => f.Field == "national_id").Level);
        // The namesake born the same day is a candidate too, ranked below.
        var second = response.Candidates.Single(c => c.MatchedRecordId == "FIND-R-2");
        Assert.Equal(await PersonOfAsync("FIND-R-2"), second.Person.PersonId);
        Assert.True(first.MatchWeight > second.MatchWeight);
        Assert.True(first.MatchProbability > second.MatchProbability);
        Assert.True(response.RecordsCompared >= 2);
    }

    [SkippableFact]
    public async Task A_mistyped_birth_year_still_finds_the_person()
    {
        var response = await Persons().FindPersonsAsync(new FindPersonsRequest
        {
            Purpose = "benefit-verification", Name = "陈静", BirthDate = new Date { Year = 1991, Month = 11, Day = 23 }, Gender = Gender.Female,
        });

        var first = response.Candidates.First();
        Assert.Equal(await PersonOfAsync("FIND-R-3"), first.Person.PersonId);
        Assert.Equal("one component off", first.Fields.Single(f => f.Field == "birth_date").Level);
    }

    [SkippableFact]
    public async Task Min_probability_and_max_results_limit_the_answer()
    {
        var one = await Persons().FindPersonsAsync(new FindPersonsRequest { Purpose = "benefit-verification", Name = "黄志强", BirthDate = Born1972, MaxResults = 1 });
        var sure = await Persons().FindPersonsAsync(new FindPersonsRequest { Purpose = "benefit-verification", Name = "黄志强", BirthDate = Born1972, MinProbability = 0.5 });

        Assert.Single(one.Candidates);
        Assert.All(sure.Candidates, c => Assert.True(c.MatchProbability >= 0.5));
        Assert.Contains(sure.Candidates, c => c.MatchedRecordId == "FIND-R-1");
        Assert.DoesNotContain(sure.Candidates, c => c.MatchedRecordId == "FIND-R-2");
    }

    [SkippableFact]
    public async Task Another_region_sees_nothing_and_may_not_ask_for_it()
    {
        var beijing = await Persons("hr-bj").FindPersonsAsync(new FindPersonsRequest { Purpose = "benefit-verification", Name = "黄志强", BirthDate = Born1972 });
        var asked = await Assert.ThrowsAsync<RpcException>(() => Persons("hr-bj").FindPersonsAsync(
            new FindPersonsRequest { Purpose = "benefit-verification", Name = "黄志强", BirthDate = Born1972, DivisionPrefix = "44" }).ResponseAsync);

        Assert.Empty(beijing.Candidates);
        Assert.Equal(StatusCode.PermissionDenied, asked.StatusCode);
    }

    [SkippableFact]
    public async Task A_search_states_a_purpose_and_gives_a_name_and_a_birth_date()
    {
        var noPurpose = await Assert.ThrowsAsync<RpcException>(() => Persons().FindPersonsAsync(new FindPersonsRequest { Name = "黄志强", BirthDate = Born1972 }).ResponseAsync);
        var noName = await Assert.ThrowsAsync<RpcException>(() => Persons().FindPersonsAsync(new FindPersonsRequest { Purpose = "statistics", BirthDate = Born1972 }).ResponseAsync);
        var badDate = await Assert.ThrowsAsync<RpcException>(() => Persons().FindPersonsAsync(
            new FindPersonsRequest { Purpose = "statistics", Name = "黄志强", BirthDate = new Date { Year = 1972, Month = 2, Day = 30 } }).ResponseAsync);
        var tooMany = await Assert.ThrowsAsync<RpcException>(() => Persons().FindPersonsAsync(
            new FindPersonsRequest { Purpose = "statistics", Name = "黄志强", BirthDate = Born1972, MaxResults = 101 }).ResponseAsync);
        var admin = await Assert.ThrowsAsync<RpcException>(() => Persons("admin").FindPersonsAsync(
            new FindPersonsRequest { Purpose = "statistics", Name = "黄志强", BirthDate = Born1972 }).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, noPurpose.StatusCode);
        Assert.Equal("name", noName.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations.Single().Field);
        Assert.Equal("birth_date", badDate.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations.Single().Field);
        Assert.Equal("max_results", tooMany.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations.Single().Field);
        Assert.Equal(StatusCode.PermissionDenied, admin.StatusCode);
    }
}
