using Exchange.Contracts.V1;
using Grpc.Core;

namespace Exchange.Server.IntegrationTests;

public abstract class RolesAndRegionsAreEnforced(HubFixture hub)
{
    [SkippableFact]
    public async Task An_HR_client_cannot_push_register_records()
    {
        var exception = await Assert.ThrowsAsync<RpcException>(() =>
            TestRecords.PushAsync(hub.Records("hr-gd"), TestRecords.Batch("b", [TestRecords.Register("ROLE-HR-1", 10)])));

        Assert.Equal(StatusCode.PermissionDenied, exception.StatusCode);
        Assert.Equal(0, await hub.CountVersionsAsync("hr-gd", "ROLE-HR-"));
    }

    [SkippableFact]
    public async Task A_PS_client_cannot_push_enrollments()
    {
        var exception = await Assert.ThrowsAsync<RpcException>(() =>
            TestRecords.PushAsync(hub.Records("ps-gd"), TestRecords.Batch("b", [TestRecords.Enrollment("ROLE-PS-1", 11)])));

        Assert.Equal(StatusCode.PermissionDenied, exception.StatusCode);
        Assert.Equal(0, await hub.CountVersionsAsync("ps-gd", "ROLE-PS-"));
    }

    [SkippableTheory]
    [InlineData("auditor")]
    [InlineData("admin")]
    public async Task Auditors_and_admins_cannot_push_or_read_records(string clientId)
    {
        var push = await Assert.ThrowsAsync<RpcException>(() =>
            TestRecords.PushAsync(hub.Records(clientId), TestRecords.Batch("b", [TestRecords.Register("ROLE-" + clientId, 12)])));
        var read = await Assert.ThrowsAsync<RpcException>(() =>
            hub.Records(clientId).GetRecordsAsync(new GetRecordsRequest { Purpose = "benefit-verification", NationalId = TestRecords.NationalId(12) }).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, push.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, read.StatusCode);
        Assert.Equal(0, await hub.CountVersionsAsync(clientId, "ROLE-"));
    }

    [SkippableFact]
    public async Task A_client_scoped_to_44_cannot_push_a_record_of_11_and_its_batch_is_not_stored_but_earlier_batches_are()
    {
        using var call = hub.Records("ps-gd").Push();
        await call.RequestStream.WriteAsync(TestRecords.Batch("1", [TestRecords.Register("REGION-1", 20), TestRecords.Register("REGION-2", 21)]));
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(2, call.ResponseStream.Current.Stored);

        await call.RequestStream.WriteAsync(TestRecords.Batch("2", [TestRecords.Register("REGION-3", 22), TestRecords.Register("REGION-4", 23, division: "110105")]));
        var exception = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None));

        Assert.Equal(StatusCode.PermissionDenied, exception.StatusCode);
        Assert.Contains("records[1]", exception.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(2, await hub.CountVersionsAsync("ps-gd", "REGION-"));
    }

    [SkippableFact]
    public async Task A_client_scoped_to_11_cannot_read_records_of_44()
    {
        await TestRecords.PushAsync(hub.Records("ps-gd"), TestRecords.Batch("b", [TestRecords.Register("READ-GD-1", 30)]));
        var nationalId = TestRecords.NationalId(30);

        var explicitRequest = await Assert.ThrowsAsync<RpcException>(() =>
            hub.Records("hr-bj").GetRecordsAsync(new GetRecordsRequest { Purpose = "benefit-verification", NationalId = nationalId, DivisionPrefix = "44" }).ResponseAsync);
        var withinOwnScope = await hub.Records("hr-bj").GetRecordsAsync(new GetRecordsRequest { Purpose = "benefit-verification", NationalId = nationalId });
        var byGuangdong = await hub.Records("hr-gd").GetRecordsAsync(new GetRecordsRequest { Purpose = "benefit-verification", NationalId = nationalId });
        var byNational = await hub.Records("hr-national").GetRecordsAsync(new GetRecordsRequest { Purpose = "benefit-verification", NationalId = nationalId, DivisionPrefix = "4401" });

        Assert.Equal(StatusCode.PermissionDenied, explicitRequest.StatusCode);
        Assert.Empty(withinOwnScope.Records);
        Assert.Single(byGuangdong.Records);
        Assert.Single(byNational.Records);
    }

    [SkippableFact]
    public async Task The_change_stream_is_limited_to_the_callers_region()
    {
        await TestRecords.PushAsync(hub.Records("ps-gd"), TestRecords.Batch("b", [TestRecords.Register("FEED-GD-1", 40)]));
        await TestRecords.PushAsync(hub.Records("ps-bj"), TestRecords.Batch("b", [TestRecords.Register("FEED-BJ-1", 41, division: "110105")]));

        var beijing = await ReadChangesAsync(hub.Records("hr-bj"), new ListChangesRequest { Purpose = "benefit-verification" });
        var denied = await Assert.ThrowsAsync<RpcException>(() => ReadChangesAsync(hub.Records("hr-bj"), new ListChangesRequest { Purpose = "benefit-verification", DivisionPrefix = "44" }));

        Assert.Contains(beijing, c => c.Record.Envelope.RecordId == "FEED-BJ-1");
        Assert.DoesNotContain(beijing, c => c.Record.Envelope.RecordId.StartsWith("FEED-GD", StringComparison.Ordinal));
        Assert.All(beijing, c => Assert.StartsWith("11", c.Record.Envelope.Register.HukouDivision, StringComparison.Ordinal));
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
    }

    internal static async Task<List<RecordChange>> ReadChangesAsync(RecordService.RecordServiceClient client, ListChangesRequest request)
    {
        using var call = client.ListChanges(request);
        var changes = new List<RecordChange>();
        await foreach (var change in call.ResponseStream.ReadAllAsync())
        {
            changes.Add(change);
        }

        return changes;
    }
}
