using System.Net.Http;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Exchange.Client;
using Exchange.Contracts.V1;
using Exchange.Store;
using Google.Rpc;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Server.IntegrationTests;

/// <summary>
/// Issue 5 over a real hub: every data call needs the mTLS certificate AND an access token bound to it with
/// the right scope; reads need a registered purpose; admins manage clients, and their changes apply at the
/// next call (or message). Every refused call leaves the store as it was.
/// </summary>
public abstract class TokensAndAdministration(HubFixture hub)
{
    private const string Purpose = "benefit-verification";

    private AdminService.AdminServiceClient Admin => new(hub.Channel("admin"));

    [SkippableFact]
    public async Task A_token_without_a_client_certificate_never_gets_past_the_handshake()
    {
        var token = await TokenForAsync(hub.Certificate("ps-gd"));
        using var channel = GrpcChannel.ForAddress(hub.Address, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, _, _, _) => true } },
            Credentials = ChannelCredentials.Create(ChannelCredentials.SecureSsl, CallCredentials.FromInterceptor((_, metadata) =>
            {
                metadata.Add("Authorization", "Bearer " + token);
                return Task.CompletedTask;
            })),
        });

        var before = await hub.CountVersionsAsync("ps-gd", "TOK-");
        // Refused in the TLS handshake: the call fails before any gRPC status exists.
        await Assert.ThrowsAnyAsync<Exception>(() => TestRecords.PushAsync(new RecordService.RecordServiceClient(channel), OneRecord("TOK-NOCERT")));

        Assert.Equal(before, await hub.CountVersionsAsync("ps-gd", "TOK-"));
    }

    [SkippableFact]
    public async Task A_certificate_without_a_token_is_unauthenticated_and_stores_nothing()
    {
        using var channel = hub.Channel(hub.Certificate("ps-gd"), new HubChannelOptions { UseAccessTokens = false });

        var error = await Assert.ThrowsAsync<RpcException>(() => TestRecords.PushAsync(new RecordService.RecordServiceClient(channel), OneRecord("TOK-NOTOKEN")));

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Equal(0, await hub.CountVersionsAsync("ps-gd", "TOK-NOTOKEN"));
    }

    [SkippableFact]
    public async Task A_token_bound_to_another_certificate_of_the_same_client_is_refused()
    {
        // A second certificate of ps-gd: same client, other key. The token of the first must not work with it.
        var second = await IssueWithNewKeyAsync("ps-gd");
        var tokenOfFirst = await TokenForAsync(hub.Certificate("ps-gd"));
        using var stolen = hub.Channel(second, new HubChannelOptions { FixedAccessToken = tokenOfFirst });
        using var own = hub.Channel(second);

        var error = await Assert.ThrowsAsync<RpcException>(() => TestRecords.PushAsync(new RecordService.RecordServiceClient(stolen), OneRecord("TOK-BOUND")));

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Equal(0, await hub.CountVersionsAsync("ps-gd", "TOK-BOUND"));
        var acks = await TestRecords.PushAsync(new RecordService.RecordServiceClient(own), OneRecord("TOK-BOUND-OWN"));
        Assert.Equal(1, acks[0].Stored);
    }

    [SkippableFact]
    public async Task A_token_of_another_client_is_refused()
    {
        var tokenOfHr = await TokenForAsync(hub.Certificate("hr-gd"));
        using var channel = hub.Channel(hub.Certificate("ps-gd"), new HubChannelOptions { FixedAccessToken = tokenOfHr });

        var error = await Assert.ThrowsAsync<RpcException>(() => new RecordService.RecordServiceClient(channel)
            .GetRecordsAsync(new GetRecordsRequest { Purpose = Purpose, NationalId = TestRecords.NationalId(1) }).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [SkippableFact]
    public async Task A_token_without_the_scope_a_call_needs_is_permission_denied()
    {
        using var readOnly = hub.Channel(hub.Certificate("ps-gd"), new HubChannelOptions { Scopes = ["records.read"] });

        var error = await Assert.ThrowsAsync<RpcException>(() => TestRecords.PushAsync(new RecordService.RecordServiceClient(readOnly), OneRecord("TOK-SCOPE")));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Equal(0, await hub.CountVersionsAsync("ps-gd", "TOK-SCOPE"));
        var read = await new RecordService.RecordServiceClient(readOnly).GetRecordsAsync(new GetRecordsRequest { Purpose = Purpose, NationalId = TestRecords.NationalId(1) });
        Assert.NotNull(read);
    }

    [SkippableFact]
    public async Task A_scope_outside_the_clients_role_is_never_issued()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => TokenForAsync(hub.Certificate("ps-gd"), ["admin"]));

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Contains("scope", error.Status.Detail, StringComparison.OrdinalIgnoreCase);
    }

    [SkippableTheory]
    [InlineData("")]
    [InlineData("curiosity")]
    [InlineData("enrollment-drive")] // in the catalogue, but not registered for a PS system
    public async Task A_read_with_a_missing_or_unregistered_purpose_is_permission_denied(string purpose)
    {
        var records = new RecordService.RecordServiceClient(hub.Channel("ps-gd"));
        var persons = new PersonService.PersonServiceClient(hub.Channel("ps-gd"));

        var byId = await Assert.ThrowsAsync<RpcException>(() => records.GetRecordsAsync(new GetRecordsRequest { Purpose = purpose, NationalId = TestRecords.NationalId(1) }).ResponseAsync);
        var person = await Assert.ThrowsAsync<RpcException>(() => persons.GetPersonAsync(new GetPersonRequest { Purpose = purpose, PersonId = 1 }).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, byId.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, person.StatusCode);
    }

    [SkippableFact]
    public async Task An_expired_token_is_unauthenticated_and_a_fresh_one_works()
    {
        // A separate client, so moving the clock cannot disturb certificates other tests use.
        var certificate = await RegisterWithCertificateAsync("ps-clock", "44");
        var token = await TokenForAsync(certificate);
        using var stale = hub.Channel(certificate, new HubChannelOptions { FixedAccessToken = token });
        try
        {
            hub.Clock.Advance(TimeSpan.FromMinutes(20)); // tokens live 15 minutes
            var error = await Assert.ThrowsAsync<RpcException>(() => TestRecords.PushAsync(new RecordService.RecordServiceClient(stale), OneRecord("TOK-EXPIRED")));
            Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
            Assert.Equal(0, await hub.CountVersionsAsync("ps-clock", "TOK-EXPIRED"));

            using var fresh = hub.Channel(certificate);
            var acks = await TestRecords.PushAsync(new RecordService.RecordServiceClient(fresh), OneRecord("TOK-FRESH"));
            Assert.Equal(1, acks[0].Stored);
        }
        finally
        {
            hub.Clock.Reset();
        }
    }

    [SkippableFact]
    public async Task Revoking_a_certificate_ends_an_open_push_at_its_next_message_and_keeps_what_was_acknowledged()
    {
        var certificate = await RegisterWithCertificateAsync("ps-revoke-me", "44");
        using var channel = hub.Channel(certificate);
        using var call = new RecordService.RecordServiceClient(channel).Push();
        await call.RequestStream.WriteAsync(TestRecords.Batch("one", [TestRecords.Register("TOK-MID-1", 101)]));
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(1, call.ResponseStream.Current.Stored);

        await Admin.RevokeCertificateAsync(new RevokeCertificateRequest { SerialNumber = certificate.SerialNumber, Reason = "key compromised" });
        await call.RequestStream.WriteAsync(TestRecords.Batch("two", [TestRecords.Register("TOK-MID-2", 102)]));
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await call.ResponseStream.MoveNext(CancellationToken.None))
            {
            }
        });

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Equal(1, await hub.CountVersionsAsync("ps-revoke-me", "TOK-MID-1"));
        Assert.Equal(0, await hub.CountVersionsAsync("ps-revoke-me", "TOK-MID-2"));
        // The token it already holds is worthless now, and no new one is issued.
        var next = await Assert.ThrowsAsync<RpcException>(() => TestRecords.PushAsync(new RecordService.RecordServiceClient(channel), OneRecord("TOK-MID-3")));
        Assert.Equal(StatusCode.Unauthenticated, next.StatusCode);
        var newToken = await Assert.ThrowsAsync<RpcException>(() => TokenForAsync(certificate));
        Assert.Equal(StatusCode.Unauthenticated, newToken.StatusCode);
    }

    [SkippableFact]
    public async Task A_suspended_client_is_refused_at_its_next_call_and_works_again_once_resumed()
    {
        var certificate = await RegisterWithCertificateAsync("hr-suspend-me", "44", ClientRoles.HumanResources);
        using var channel = hub.Channel(certificate);
        var records = new RecordService.RecordServiceClient(channel);
        var lookup = new GetRecordsRequest { Purpose = Purpose, NationalId = TestRecords.NationalId(1) };
        await records.GetRecordsAsync(lookup); // holds a valid token from here on

        await Admin.SuspendClientAsync(new ClientRef { ClientId = "hr-suspend-me" });
        var refused = await Assert.ThrowsAsync<RpcException>(() => records.GetRecordsAsync(lookup).ResponseAsync);
        await Admin.ResumeClientAsync(new ClientRef { ClientId = "hr-suspend-me" });
        var again = await records.GetRecordsAsync(lookup);

        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        Assert.NotNull(again);
    }

    [SkippableFact]
    public async Task A_rotated_certificate_works_inside_its_grace_period_and_is_refused_after_it()
    {
        var old = await RegisterWithCertificateAsync("ps-rotate-me", "44");
        var rotated = await Admin.RotateCertificateAsync(new RotateCertificateRequest
        {
            ClientId = "ps-rotate-me",
            Key = new KeySource { GenerateKeyPair = true },
            GraceMinutes = 60,
        });
        using var replacement = X509CertificateLoader.LoadPkcs12(rotated.Pkcs12.ToByteArray(), null);
        try
        {
            var inside = await TestRecords.PushAsync(new RecordService.RecordServiceClient(hub.Channel(old)), OneRecord("TOK-ROT-OLD-IN"));
            Assert.Equal(1, inside[0].Stored);

            hub.Clock.Advance(TimeSpan.FromMinutes(61));
            var after = await Assert.ThrowsAsync<RpcException>(() => TestRecords.PushAsync(new RecordService.RecordServiceClient(hub.Channel(old)), OneRecord("TOK-ROT-OLD-OUT")));
            Assert.Equal(StatusCode.Unauthenticated, after.StatusCode);
            var withNew = await TestRecords.PushAsync(new RecordService.RecordServiceClient(hub.Channel(replacement)), OneRecord("TOK-ROT-NEW"));
            Assert.Equal(1, withNew[0].Stored);
            Assert.Equal(0, await hub.CountVersionsAsync("ps-rotate-me", "TOK-ROT-OLD-OUT"));
        }
        finally
        {
            hub.Clock.Reset();
        }
    }

    [SkippableTheory]
    [InlineData("ps-gd")]
    [InlineData("hr-national")]
    [InlineData("auditor")]
    public async Task Clients_that_are_not_admins_cannot_call_admin_rpcs(string clientId)
    {
        var admin = new AdminService.AdminServiceClient(hub.Channel(clientId));

        var list = await Assert.ThrowsAsync<RpcException>(() => admin.ListClientsAsync(new ListClientsRequest()).ResponseAsync);
        var suspend = await Assert.ThrowsAsync<RpcException>(() => admin.SuspendClientAsync(new ClientRef { ClientId = "hr-gd" }).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, list.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, suspend.StatusCode);
        var hr = (await Admin.ListClientsAsync(new ListClientsRequest { ClientIdPrefix = "hr-gd" })).Clients.Single();
        Assert.False(hr.Suspended);
    }

    [SkippableFact]
    public async Task A_client_keeps_its_private_key_when_it_sends_a_csr()
    {
        await Admin.RegisterClientAsync(new RegisterClientRequest
        {
            ClientId = "hr-csr", DisplayName = "HR with its own key", Ministry = "MOHRSS", Role = ClientRoles.HumanResources, RegionScope = "4401",
            AllowedPurposes = { "enrollment-drive" },
        });
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = new CertificateRequest("CN=hr-csr", key, HashAlgorithmName.SHA256).CreateSigningRequestPem();

        var issued = await Admin.IssueCertificateAsync(new IssueCertificateRequest { ClientId = "hr-csr", Key = new KeySource { CsrPem = csr } });
        using var certificate = X509Certificate2.CreateFromPem(issued.CertificatePem).CopyWithPrivateKey(key);
        using var ephemeral = X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
        var persons = new PersonService.PersonServiceClient(hub.Channel(ephemeral));
        var items = persons.ListReviewItems(new ListReviewItemsRequest { Purpose = "enrollment-drive" });
        while (await items.ResponseStream.MoveNext(CancellationToken.None))
        {
        }

        Assert.True(issued.Pkcs12.IsEmpty);
        var refused = await Assert.ThrowsAsync<RpcException>(() => persons.GetPersonAsync(new GetPersonRequest { Purpose = Purpose, PersonId = 1 }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
    }

    [SkippableFact]
    public async Task Bad_admin_input_gets_clear_errors_and_changes_nothing()
    {
        var before = await RegistrySnapshotAsync();
        var good = new RegisterClientRequest { ClientId = "ps-new", DisplayName = "PS new", Role = ClientRoles.PublicSecurity, RegionScope = "44", AllowedPurposes = { "fraud-audit" } };

        var malformedCsr = await Assert.ThrowsAsync<RpcException>(() => Admin.IssueCertificateAsync(new IssueCertificateRequest
        {
            ClientId = "ps-gd", Key = new KeySource { CsrPem = "-----BEGIN CERTIFICATE REQUEST-----\nbm90IGEgY3Ny\n-----END CERTIFICATE REQUEST-----" },
        }).ResponseAsync);
        var unknownClient = await Assert.ThrowsAsync<RpcException>(() => Admin.SuspendClientAsync(new ClientRef { ClientId = "nobody" }).ResponseAsync);
        var duplicateId = await Assert.ThrowsAsync<RpcException>(() => Admin.RegisterClientAsync(new RegisterClientRequest(good) { ClientId = "ps-gd" }).ResponseAsync);
        var duplicateName = await Assert.ThrowsAsync<RpcException>(() => Admin.RegisterClientAsync(new RegisterClientRequest(good) { DisplayName = "PS Guangdong" }).ResponseAsync);
        var badRegion = await Assert.ThrowsAsync<RpcException>(() => Admin.RegisterClientAsync(new RegisterClientRequest(good) { RegionScope = "99" }).ResponseAsync);
        var unknownPurpose = await Assert.ThrowsAsync<RpcException>(() => Admin.RegisterClientAsync(new RegisterClientRequest(good) { AllowedPurposes = { "curiosity" } }).ResponseAsync);
        var anotherAdmin = await Assert.ThrowsAsync<RpcException>(() => Admin.RegisterClientAsync(new RegisterClientRequest(good) { Role = ClientRoles.Admin }).ResponseAsync);
        var badId = await Assert.ThrowsAsync<RpcException>(() => Admin.RegisterClientAsync(new RegisterClientRequest(good) { ClientId = "PS New!" }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, malformedCsr.StatusCode);
        Assert.Equal("key.csr_pem", FieldOf(malformedCsr));
        Assert.Equal(StatusCode.NotFound, unknownClient.StatusCode);
        Assert.Equal(StatusCode.AlreadyExists, duplicateId.StatusCode);
        Assert.Equal(StatusCode.AlreadyExists, duplicateName.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, badRegion.StatusCode);
        Assert.Equal("region_scope", FieldOf(badRegion));
        Assert.Equal(StatusCode.PermissionDenied, unknownPurpose.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, anotherAdmin.StatusCode);
        Assert.Equal("client_id", FieldOf(badId));
        Assert.Equal(before, await RegistrySnapshotAsync());
    }

    [SkippableFact]
    public async Task A_regional_admin_cannot_grant_a_region_outside_its_own()
    {
        var registry = (ClientRegistry)hub.Services.GetService(typeof(ClientRegistry))!;
        await registry.UpsertClientAsync("admin-gd", "Guangdong admin", ClientRoles.Admin, "44");
        var now = DateTimeOffset.UtcNow;
        using var certificate = hub.Authority.IssueClientCertificate("admin-gd", now.AddDays(-1), now.AddDays(30));
        await registry.AddCertificateAsync("admin-gd", certificate);
        var regional = new AdminService.AdminServiceClient(hub.Channel(certificate));
        var before = await RegistrySnapshotAsync();

        var outside = await Assert.ThrowsAsync<RpcException>(() => regional.RegisterClientAsync(new RegisterClientRequest
        {
            ClientId = "hr-bj-2", DisplayName = "HR Beijing 2", Role = ClientRoles.HumanResources, RegionScope = "11",
        }).ResponseAsync);
        var national = await Assert.ThrowsAsync<RpcException>(() => regional.RegisterClientAsync(new RegisterClientRequest
        {
            ClientId = "hr-cn-2", DisplayName = "HR national 2", Role = ClientRoles.HumanResources, RegionScope = "",
        }).ResponseAsync);
        var othersClient = await Assert.ThrowsAsync<RpcException>(() => regional.SuspendClientAsync(new ClientRef { ClientId = "hr-bj" }).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, outside.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, national.StatusCode);
        Assert.Equal(StatusCode.NotFound, othersClient.StatusCode);
        Assert.Equal(before, await RegistrySnapshotAsync());
    }

    private static PushBatch OneRecord(string id) => TestRecords.Batch(id, [TestRecords.Register(id, 7)]);

    private static string? FieldOf(RpcException error) =>
        error.GetRpcStatus()?.GetDetail<BadRequest>()?.FieldViolations.FirstOrDefault()?.Field;

    private async Task<string> TokenForAsync(X509Certificate2 certificate, IReadOnlyList<string>? scopes = null)
    {
        using var tokens = new AccessTokens(HubChannel.CreateHandler(certificate, hub.Authority.Certificate), hub.Address, certificate, scopes);
        return await tokens.GetAsync(CancellationToken.None);
    }

    private async Task<X509Certificate2> IssueWithNewKeyAsync(string clientId)
    {
        var issued = await Admin.IssueCertificateAsync(new IssueCertificateRequest { ClientId = clientId, Key = new KeySource { GenerateKeyPair = true } });
        return X509CertificateLoader.LoadPkcs12(issued.Pkcs12.ToByteArray(), null);
    }

    private async Task<X509Certificate2> RegisterWithCertificateAsync(string clientId, string region, string role = ClientRoles.PublicSecurity)
    {
        await Admin.RegisterClientAsync(new RegisterClientRequest
        {
            ClientId = clientId, DisplayName = clientId + " system", Role = role, RegionScope = region, AllowedPurposes = { Purpose },
        });
        return await IssueWithNewKeyAsync(clientId);
    }

    private async Task<string> RegistrySnapshotAsync()
    {
        await using var db = await hub.Store.CreateDbContextAsync();
        var clients = await db.Clients.OrderBy(c => c.Id).Select(c => c.Id + c.DisplayName + c.Role + c.RegionScope + c.Suspended + c.AllowedPurposes).ToListAsync();
        var certificates = await db.ClientCertificates.OrderBy(c => c.Thumbprint).Select(c => c.Thumbprint + c.RevokedAtUtc + c.ReplacedUntilUtc).ToListAsync();
        return string.Join('|', clients) + "#" + string.Join('|', certificates);
    }
}

/// <summary>The token server as its own process: a hub node without one validates its tokens by the shared keys.</summary>
public abstract class SeparateTokenServer(HubFixture hub)
{
    [SkippableFact]
    public async Task A_hub_without_a_token_server_accepts_tokens_from_one_running_apart_and_serves_no_tokens_itself()
    {
        var (tokenServer, tokenAddress) = await hub.StartAnotherAsync(("Hub:Components", "token-server"));
        var (dataOnly, dataAddress) = await hub.StartAnotherAsync(("Hub:Components", "hub"));
        try
        {
            var certificate = hub.Certificate("ps-gd");
            using var channel = HubChannel.Create(dataAddress, certificate, hub.Authority.Certificate, new HubChannelOptions { TokenServer = tokenAddress });
            var acks = await TestRecords.PushAsync(new RecordService.RecordServiceClient(channel), TestRecords.Batch("apart", [TestRecords.Register("TOK-APART", 9)]));

            using var noTokens = new AccessTokens(HubChannel.CreateHandler(certificate, hub.Authority.Certificate), dataAddress, certificate);
            var fromDataNode = await Assert.ThrowsAsync<RpcException>(() => noTokens.GetAsync(CancellationToken.None).AsTask());
            using var dataServiceAtTokenServer = HubChannel.Create(tokenAddress, certificate, hub.Authority.Certificate);
            var noData = await Assert.ThrowsAsync<RpcException>(() => new RecordService.RecordServiceClient(dataServiceAtTokenServer)
                .GetRecordsAsync(new GetRecordsRequest { Purpose = "benefit-verification", NationalId = TestRecords.NationalId(9) }).ResponseAsync);

            Assert.Equal(1, acks[0].Stored);
            Assert.Equal(StatusCode.Unauthenticated, fromDataNode.StatusCode);
            Assert.Equal(StatusCode.Unimplemented, noData.StatusCode);
        }
        finally
        {
            await tokenServer.StopAsync();
            await dataOnly.StopAsync();
            await tokenServer.DisposeAsync();
            await dataOnly.DisposeAsync();
        }
    }
}
