using Exchange.Audit;
using Exchange.Client;
using Exchange.Contracts.V1;
using Exchange.Pki;
using Exchange.Store;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Exchange.Server.IntegrationTests;

public abstract class AuditLogRecordsEveryCall(HubFixture hub)
{
    [SkippableFact]
    public async Task Refused_calls_appear_in_the_log_with_who_tried()
    {
        // Without a token: a revoked certificate gets no token at all (that refusal is logged too, as /connect/token).
        using var revokedChannel = hub.Channel(hub.Certificate("ps-revoked"), new Exchange.Client.HubChannelOptions { UseAccessTokens = false });
        var revoked = await Assert.ThrowsAsync<RpcException>(() =>
            new RecordService.RecordServiceClient(revokedChannel).GetRecordsAsync(new GetRecordsRequest { Purpose = "benefit-verification", NationalId = TestRecords.NationalId(1) }).ResponseAsync);
        var wrongRole = await Assert.ThrowsAsync<RpcException>(() =>
            AuditKit.Auditor(hub, "hr-gd").GetCheckpointAsync(new GetCheckpointRequest()).ResponseAsync);
        var wrongRegion = await Assert.ThrowsAsync<RpcException>(() =>
            hub.Records("hr-bj").GetRecordsAsync(new GetRecordsRequest { Purpose = "benefit-verification", NationalId = TestRecords.NationalId(1), DivisionPrefix = "44" }).ResponseAsync);
        using (var tokens = new Exchange.Client.AccessTokens(
            Exchange.Client.HubChannel.CreateHandler(hub.Certificate("ps-revoked"), hub.Authority.Certificate), hub.Address, hub.Certificate("ps-revoked")))
        {
            var noToken = await Assert.ThrowsAsync<RpcException>(() => tokens.GetAsync(CancellationToken.None).AsTask());
            Assert.Equal(StatusCode.Unauthenticated, noToken.StatusCode);
        }

        Assert.Equal(StatusCode.Unauthenticated, revoked.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, wrongRole.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, wrongRegion.StatusCode);

        var refused = await QueryAsync(new AuditQuery { Outcome = AuditOutcome.Refused, MaxEntries = 10_000 });

        var revokedThumbprint = CertificateAuthority.Thumbprint(hub.Certificate("ps-revoked"));
        Assert.Contains(refused, e => e.CertificateThumbprint == revokedThumbprint && e.ClientId == "" && e.Status == "UNAUTHENTICATED"
            && e.Method == "/exchange.v1.RecordService/GetRecords");
        Assert.Contains(refused, e => e.CertificateThumbprint == revokedThumbprint && e.Status == "UNAUTHENTICATED" && e.Method == "/connect/token");
        Assert.Contains(refused, e => e.ClientId == "hr-gd" && e.Role == "hr" && e.Status == "PERMISSION_DENIED" && e.Method == "/exchange.v1.AuditService/GetCheckpoint");
        Assert.Contains(refused, e => e.ClientId == "hr-bj" && e.Status == "PERMISSION_DENIED" && e.Method == "/exchange.v1.RecordService/GetRecords"
            && e.StatusDetail.Contains("may not read '44'", StringComparison.Ordinal) && e.Regions.Contains("44"));
        Assert.All(refused, e => Assert.Contains(e.Status, new[] { "UNAUTHENTICATED", "PERMISSION_DENIED" }));
    }

    [SkippableFact]
    public async Task A_push_batch_and_a_read_are_recorded_with_records_persons_and_counts()
    {
        var acks = await TestRecords.PushAsync(hub.Records("ps-gd"), TestRecords.Batch("AUDIT-B1", [TestRecords.Register("AUDIT-P-1", 501), TestRecords.Register("AUDIT-P-2", 502)]));
        var read = await hub.Records("hr-gd").GetRecordsAsync(new GetRecordsRequest { Purpose = "benefit-verification", NationalId = TestRecords.NationalId(501) });
        Assert.Equal(2, acks[0].Stored);
        Assert.Single(read.Records);

        var pushes = await QueryAsync(new AuditQuery { ClientId = "ps-gd", Method = "Push", MaxEntries = 10_000 });
        var batch = Assert.Single(pushes, e => e.Event == "push.batch" && e.Parameters.Contains("AUDIT-B1", StringComparison.Ordinal));
        Assert.Equal(["ps-gd/AUDIT-P-1", "ps-gd/AUDIT-P-2"], batch.RecordIds);
        Assert.Equal(2, batch.Count);
        Assert.Contains("44", batch.Regions);
        Assert.Equal("ps", batch.Role);
        Assert.Equal(CertificateAuthority.Thumbprint(hub.Certificate("ps-gd")), batch.CertificateThumbprint);

        var reads = await QueryAsync(new AuditQuery { ClientId = "hr-gd", Method = "/exchange.v1.RecordService/GetRecords", Outcome = AuditOutcome.Ok, MaxEntries = 10_000 });
        var entry = Assert.Single(reads, e => e.Parameters.Contains(TestRecords.NationalId(501), StringComparison.Ordinal));
        Assert.Equal(["ps-gd/AUDIT-P-1"], entry.RecordIds);
        Assert.Equal(1, entry.Count);
        Assert.Equal("OK", entry.Status);
    }

    [SkippableFact]
    public async Task A_stream_is_recorded_before_its_first_message_and_at_its_end()
    {
        await TestRecords.PushAsync(hub.Records("ps-gd"), TestRecords.Batch("STREAM-B1", [TestRecords.Register("AUDIT-S-1", 801), TestRecords.Register("AUDIT-S-2", 802)]));

        using var call = hub.Records("hr-gd").ListChanges(new ListChangesRequest { Purpose = "benefit-verification", SourceSystem = "ps-gd", MaxChanges = 100_000 });
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var whileStreaming = await QueryAsync(new AuditQuery { ClientId = "hr-gd", Method = "ListChanges", MaxEntries = 10_000 });
        var received = 1 + (await call.ResponseStream.ReadAllAsync().ToListAsync()).Count;
        var after = await QueryAsync(new AuditQuery { ClientId = "hr-gd", Method = "ListChanges", MaxEntries = 10_000 });

        // The begin entry was durable before the first message reached the client (the end may be too, by now).
        var begin = Assert.Single(whileStreaming, e => e.Event == "stream.begin");
        Assert.Contains("\"sourceSystem\": \"ps-gd\"", begin.Parameters, StringComparison.Ordinal);
        var end = Assert.Single(after, e => e.Event == "stream.end");
        Assert.True(begin.Index < end.Index);
        Assert.Equal(received, end.Count);
        Assert.Contains("ps-gd/AUDIT-S-1", end.RecordIds);
        Assert.Contains("ps-gd/AUDIT-S-2", end.RecordIds);
        Assert.Contains("44", end.Regions);
    }

    [SkippableFact]
    public async Task Who_accessed_a_person_names_the_pushes_and_the_reads_with_their_purpose()
    {
        await TestRecords.PushAsync(hub.Records("ps-gd"), TestRecords.Batch("WHO-B1", [TestRecords.Register("WHO-P-1", 601)]));
        await hub.Records("hr-gd").GetRecordsAsync(new GetRecordsRequest { Purpose = "benefit-verification", NationalId = TestRecords.NationalId(601) });
        // An enrollment of someone the register does not know: the "unknown to register" list names that person.
        await TestRecords.PushAsync(hub.Records("hr-gd"), TestRecords.Batch("WHO-B2", [TestRecords.Enrollment("WHO-E-1", 611)]));
        using (var unknown = new CoverageService.CoverageServiceClient(hub.Channel("hr-gd")).ListUnknownToRegister(new CoverageQuery { Purpose = "enrollment-drive" }))
        {
            await unknown.ResponseStream.ReadAllAsync().ToListAsync();
        }

        var registered = await PersonOfAsync("WHO-P-1");
        var unregistered = await PersonOfAsync("WHO-E-1");
        var first = await WhoAccessedAsync(registered);
        var second = await WhoAccessedAsync(unregistered);

        Assert.Contains(first, e => e.ClientId == "ps-gd" && e.Event == "push.batch");
        Assert.Contains(first, e => e.ClientId == "hr-gd" && e.Method.EndsWith("/GetRecords", StringComparison.Ordinal));
        Assert.DoesNotContain(first, e => e.Method.EndsWith("/ListUnknownToRegister", StringComparison.Ordinal));
        Assert.Contains(second, e => e.ClientId == "hr-gd" && e.Event == "push.batch" && e.RecordIds.Contains("hr-gd/WHO-E-1"));
        Assert.Contains(second, e => e.ClientId == "hr-gd" && e.Method.EndsWith("/ListUnknownToRegister", StringComparison.Ordinal)
            && e.Purpose == "enrollment-drive" && e.PersonIds.Contains(unregistered));
    }

    private async Task<long> PersonOfAsync(string recordId)
    {
        await using var db = await hub.Store.CreateDbContextAsync();
        return (from link in db.RecordLinks join record in db.SourceRecords on link.SourceRecordId equals record.Id
                where record.RecordId == recordId select link.PersonId).Single();
    }

    private async Task<List<AuditEntry>> WhoAccessedAsync(long personId)
    {
        using var call = AuditKit.Auditor(hub).WhoAccessed(new WhoAccessedRequest { PersonId = personId });
        return await call.ResponseStream.ReadAllAsync().ToListAsync();
    }

    [SkippableFact]
    public async Task Reading_the_audit_log_is_itself_audited()
    {
        var marker = "marker-" + Guid.NewGuid().ToString("N");
        await QueryAsync(new AuditQuery { ClientId = marker });

        var reads = await QueryAsync(new AuditQuery { ClientId = "auditor", Method = "QueryEntries", MaxEntries = 10_000 });

        Assert.Contains(reads, e => e.Event == "stream.end" && e.Parameters.Contains(marker, StringComparison.Ordinal) && e.Role == "auditor");
    }

    [SkippableFact]
    public async Task An_auditor_scoped_to_a_region_sees_only_that_regions_entries()
    {
        using var certificate = hub.Authority.IssueClientCertificate("auditor-gd", DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        await DevelopmentPki.RegisterAsync(hub.Services.GetRequiredService<ClientRegistry>(), hub.Store, new ClientSpec("auditor-gd", "Guangdong audit", ClientRoles.Auditor, "44"), certificate);
        var regional = new AuditService.AuditServiceClient(hub.Channel(certificate));
        await TestRecords.PushAsync(hub.Records("ps-gd"), TestRecords.Batch("REGION-GD", [TestRecords.Register("AUDIT-GD-1", 701)]));
        await TestRecords.PushAsync(hub.Records("ps-bj"), TestRecords.Batch("REGION-BJ", [TestRecords.Register("AUDIT-BJ-1", 702, division: "110105")]));
        await hub.Records("hr-bj").GetRecordsAsync(new GetRecordsRequest { Purpose = "benefit-verification", NationalId = TestRecords.NationalId(702, "110105") });

        using var call = regional.QueryEntries(new AuditQuery { MaxEntries = 100_000 });
        var seen = await call.ResponseStream.ReadAllAsync().ToListAsync();
        var all = await QueryAsync(new AuditQuery { MaxEntries = 100_000 });

        Assert.Contains(seen, e => e.ClientId == "ps-gd" && e.Event == "push.batch" && e.RecordIds.Contains("ps-gd/AUDIT-GD-1"));
        // Beijing's own push and read are not Guangdong's business (a Beijing client's attempt to read 44 would be).
        Assert.DoesNotContain(seen, e => e.RecordIds.Contains("ps-bj/AUDIT-BJ-1"));
        Assert.DoesNotContain(seen, e => e.ClientId == "hr-bj" && e.Parameters.Contains(TestRecords.NationalId(702, "110105"), StringComparison.Ordinal));
        Assert.All(seen, e => Assert.Contains(e.Regions, r => r.StartsWith("44", StringComparison.Ordinal)));
        Assert.Contains(all, e => e.ClientId == "ps-bj" && e.RecordIds.Contains("ps-bj/AUDIT-BJ-1"));

        // Out-of-region entries are exported as hashes only: the regional auditor still verifies every root.
        await AuditKit.SignAsync(hub);
        var lines = await AuditExports.ReadAllAsync(regional);
        using var key = AuditKit.PublicKey(hub);
        var report = AuditVerifier.Verify(lines, key);
        Assert.True(report.Valid, string.Join("\n", report.Problems));
        Assert.True(report.Redacted > 0);
        Assert.DoesNotContain(lines, l => l.Entry is { } e
            && (e.RecordIds.Contains("ps-bj/AUDIT-BJ-1") || (e.ClientId == "hr-bj" && e.Parameters.Contains(TestRecords.NationalId(702, "110105"), StringComparison.Ordinal))));

        var beijingEntry = all.First(e => e.ClientId == "ps-bj");
        var denied = await Assert.ThrowsAsync<RpcException>(() => regional.GetInclusionProofAsync(new InclusionProofRequest { LeafIndex = beijingEntry.Index }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, denied.StatusCode);
    }

    private async Task<List<AuditEntry>> QueryAsync(AuditQuery query)
    {
        using var call = AuditKit.Auditor(hub).QueryEntries(query);
        return await call.ResponseStream.ReadAllAsync().ToListAsync();
    }
}
