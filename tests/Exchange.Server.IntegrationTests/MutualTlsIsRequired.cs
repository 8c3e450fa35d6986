using System.Net.Http;
using System.Net.Security;
using Exchange.Contracts.V1;
using Exchange.Pki;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace Exchange.Server.IntegrationTests;

public abstract class MutualTlsIsRequired(HubFixture hub)
{
    private static PushBatch OneRecord(string id) => TestRecords.Batch("b", [TestRecords.Register(id, 1)]);

    [SkippableFact]
    public async Task A_registered_client_certificate_gets_in()
    {
        var health = await new Health.HealthClient(hub.Channel("ps-gd")).CheckAsync(new HealthCheckRequest());

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        var acks = await TestRecords.PushAsync(hub.Records("ps-gd"), OneRecord("TLS-OK"));
        Assert.Equal(1, acks[0].Stored);
    }

    [SkippableFact]
    public async Task No_client_certificate_fails_the_handshake()
    {
        using var channel = GrpcChannel.ForAddress(hub.Address, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                SslOptions = new SslClientAuthenticationOptions
                {
                    RemoteCertificateValidationCallback = (_, _, _, _) => true,
                },
            },
        });

        await AssertRefusedAtTransport(new RecordService.RecordServiceClient(channel), "TLS-NOCERT");
    }

    [SkippableFact]
    public async Task A_certificate_from_another_CA_fails_the_handshake()
    {
        var now = DateTimeOffset.UtcNow;
        using var foreign = CertificateAuthority.Create("Exchange test CA", now.AddDays(-1), now.AddYears(1));
        // Same subject as a registered client: only the issuer differs.
        using var certificate = foreign.IssueClientCertificate("ps-gd", now.AddDays(-1), now.AddDays(1));

        await AssertRefusedAtTransport(new RecordService.RecordServiceClient(hub.Channel(certificate)), "TLS-FOREIGN");
    }

    [SkippableFact]
    public async Task An_expired_certificate_fails_the_handshake() =>
        await AssertRefusedAtTransport(hub.Records("ps-expired"), "TLS-EXPIRED");

    [SkippableFact]
    public async Task A_revoked_certificate_is_unauthenticated()
    {
        var exception = await Assert.ThrowsAsync<RpcException>(() => TestRecords.PushAsync(hub.Records("ps-revoked"), OneRecord("TLS-REVOKED")));

        Assert.Equal(StatusCode.Unauthenticated, exception.StatusCode);
        Assert.Equal(0, await hub.CountVersionsAsync("ps-revoked", "TLS-REVOKED"));
    }

    [SkippableFact]
    public async Task A_certificate_of_the_hub_CA_that_was_never_registered_is_unauthenticated()
    {
        var now = DateTimeOffset.UtcNow;
        using var certificate = hub.Authority.IssueClientCertificate("ps-gd", now.AddDays(-1), now.AddDays(1));

        var exception = await Assert.ThrowsAsync<RpcException>(() => TestRecords.PushAsync(new RecordService.RecordServiceClient(hub.Channel(certificate)), OneRecord("TLS-UNREG")));

        Assert.Equal(StatusCode.Unauthenticated, exception.StatusCode);
        Assert.Equal(0, await hub.CountVersionsAsync("ps-gd", "TLS-UNREG"));
    }

    [SkippableFact]
    public async Task Revoking_a_certificate_refuses_its_next_call()
    {
        var now = DateTimeOffset.UtcNow;
        using var certificate = hub.Authority.IssueClientCertificate("hr-gd", now.AddDays(-1), now.AddDays(1));
        var registry = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Exchange.Store.ClientRegistry>(ServicesOf(hub));
        await DevelopmentPki.RegisterAsync(registry, hub.Store, HubFixture.Clients.Single(c => c.Id == "hr-gd"), certificate);
        var client = new RecordService.RecordServiceClient(hub.Channel(certificate));
        await client.GetRecordsAsync(new GetRecordsRequest { Purpose = "benefit-verification", NationalId = TestRecords.NationalId(1) });

        await registry.RevokeAsync(certificate.SerialNumber, "key compromised");

        var exception = await Assert.ThrowsAsync<RpcException>(() => client.GetRecordsAsync(new GetRecordsRequest { Purpose = "benefit-verification", NationalId = TestRecords.NationalId(1) }).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, exception.StatusCode);
    }

    private static IServiceProvider ServicesOf(HubFixture fixture) => fixture.Services;

    private async Task AssertRefusedAtTransport(RecordService.RecordServiceClient client, string recordId)
    {
        var exception = await Assert.ThrowsAnyAsync<Exception>(() => TestRecords.PushAsync(client, OneRecord(recordId)));

        // The TLS handshake (or, with TLS 1.3, the first read after it) fails: the call never reaches the
        // hub. Depending on when the client notices, that is a failed gRPC call or a failed HTTP/2 write.
        Assert.True(
            exception is RpcException { StatusCode: StatusCode.Unavailable or StatusCode.Internal } or IOException or HttpRequestException,
            $"Unexpected failure {exception}");
        Assert.Equal(0, await hub.CountVersionsAsync("ps-gd", recordId));
        Assert.Equal(0, await hub.CountVersionsAsync("ps-expired", recordId));
    }
}
