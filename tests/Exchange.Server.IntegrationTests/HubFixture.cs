using System.Net;
using System.Security.Cryptography.X509Certificates;
using Exchange.Client;
using Exchange.Contracts.V1;
using Exchange.Pki;
using Exchange.Store;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Exchange.Server.IntegrationTests;

/// <summary>
/// A real hub: Kestrel on 127.0.0.1 (ephemeral port), TLS with certificates from a CA made for this
/// fixture, a store of its own (a SQLite file in a temporary folder, or a database of its own on the
/// test PostgreSQL, see <see cref="TestStores"/>). One per test class.
/// </summary>
public abstract class HubFixture : IAsyncLifetime
{
    public const int MaxBatchRecords = 2_000;
    public const int MaxMessageBytes = 1024 * 1024;

    private readonly string _root = Path.Combine(Path.GetTempPath(), "exchange-tests", Guid.NewGuid().ToString("N"));
    private readonly Dictionary<string, X509Certificate2> _certificates = new(StringComparer.Ordinal);
    private WebApplication? _app;

    public static readonly IReadOnlyList<ClientSpec> Clients =
    [
        new("ps-gd", "PS Guangdong", ClientRoles.PublicSecurity, "44"),
        new("hr-gd", "HR Guangdong", ClientRoles.HumanResources, "44"),
        new("ps-bj", "PS Beijing", ClientRoles.PublicSecurity, "11"),
        new("hr-bj", "HR Beijing", ClientRoles.HumanResources, "11"),
        new("hr-national", "HR national", ClientRoles.HumanResources, ""),
        new("ps-national", "PS national", ClientRoles.PublicSecurity, ""),
        new("auditor", "Auditor", ClientRoles.Auditor, ""),
        new("admin", "Admin", ClientRoles.Admin, ""),
        new("ps-revoked", "PS with a revoked certificate", ClientRoles.PublicSecurity, "44"),
        new("ps-expired", "PS with an expired certificate", ClientRoles.PublicSecurity, "44"),
    ];

    private Uri? _address;

    public Uri Address => Available(_address)!;

    /// <summary>Hub settings a test needs beyond the defaults (e.g. "Hub:Audit:...").</summary>
    internal IReadOnlyDictionary<string, string?> ExtraSettings { get; init; } = new Dictionary<string, string?>();

    /// <summary>The hub's clock: real time plus an offset a test may move forward (token expiry, grace periods).</summary>
    public ShiftableClock Clock { get; } = new();

    /// <summary>The store this hub runs on.</summary>
    protected abstract ITestStore TestStore { get; }

    private CertificateAuthority? _authority;

    public CertificateAuthority Authority { get => Available(_authority)!; private set => _authority = value; }

    public IDbContextFactory<ExchangeDbContext> Store => Available(_app)!.Services.GetRequiredService<IDbContextFactory<ExchangeDbContext>>();

    public async Task InitializeAsync()
    {
        if (!await TestStore.CreateAsync())
        {
            return; // unavailable here: every test that touches the hub reports itself skipped
        }

        var directory = new CertificateDirectory(Path.Combine(_root, "certs"));
        Directory.CreateDirectory(directory.ClientsFolder);
        var now = DateTimeOffset.UtcNow;
        Authority = CertificateAuthority.Create("Exchange test CA", now.AddDays(-30), now.AddYears(1));
        Authority.Save(directory.CaCertificate, directory.CaPrivateKey);
        using (var server = Authority.IssueServerCertificate(["localhost"], [IPAddress.Loopback], now.AddDays(-1), now.AddDays(30)))
        {
            CertificateAuthority.SavePkcs12(server, directory.ServerCertificate);
        }

        _app = BuildHub([]);
        _address = await HubApplication.StartAsync(_app);

        var registry = _app.Services.GetRequiredService<ClientRegistry>();
        foreach (var client in Clients)
        {
            var certificate = client.Id == "ps-expired"
                ? Authority.IssueClientCertificate(client.Id, now.AddDays(-20), now.AddDays(-10))
                : Authority.IssueClientCertificate(client.Id, now.AddDays(-1), now.AddDays(30));
            _certificates[client.Id] = certificate;
            await DevelopmentPki.RegisterAsync(registry, Store, client, certificate);
        }

        await registry.RevokeAsync(_certificates["ps-revoked"].SerialNumber, "test");
    }

    /// <summary>
    /// Another hub process on the same store and certificate folder (e.g. Hub:Components = hub or
    /// token-server), started; the caller stops and disposes it.
    /// </summary>
    public async Task<(WebApplication App, Uri Address)> StartAnotherAsync(params (string Key, string Value)[] overrides)
    {
        _ = Available(_address);
        var app = BuildHub(overrides);
        return (app, await HubApplication.StartAsync(app));
    }

    private WebApplication BuildHub(IEnumerable<(string Key, string Value)> overrides)
    {
        var settings = new Dictionary<string, string?>(TestStore.Settings)
        {
            ["Hub:Port"] = "0",
            ["Hub:DataDirectory"] = Path.Combine(_root, "data"),
            ["Hub:CertificateDirectory"] = Path.Combine(_root, "certs"),
            ["Hub:MaxBatchRecords"] = MaxBatchRecords.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Hub:MaxMessageBytes"] = MaxMessageBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in ExtraSettings.Select(pair => (pair.Key, pair.Value ?? "")).Concat(overrides))
        {
            settings[key] = value;
        }

        return HubApplication.Build([], settings, services => services.AddSingleton<TimeProvider>(Clock));
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        _authority?.Dispose();
        foreach (var certificate in _certificates.Values)
        {
            certificate.Dispose();
        }

        await TestStore.DropAsync();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open on some platforms; the temp folder is cleaned by the OS.
        }
    }

    public IServiceProvider Services => Available(_app)!.Services;

    /// <summary>False where this fixture's store is not available here (its tests report themselves skipped).</summary>
    public bool IsAvailable => TestStore.Unavailable is null;

    /// <summary>ca.crt and server.pfx of this hub, for other hub processes serving the same store.</summary>
    public string CertificateDirectory => Available(Path.Combine(_root, "certs"));

    /// <summary>The Store:* settings that open this hub's store, for other hub processes.</summary>
    public IReadOnlyDictionary<string, string?> StoreSettings => Available(TestStore.Settings);

    public X509Certificate2 Certificate(string clientId) => Available(_certificates)[clientId];

    /// <summary>A channel authenticating with a registered client's certificate.</summary>
    public GrpcChannel Channel(string clientId) => Channel(Available(_certificates)[clientId]);

    /// <summary>Reports the test skipped (never passed) where this fixture's store is not available.</summary>
    private T Available<T>(T value)
    {
        Skip.If(TestStore.Unavailable is not null, TestStore.Unavailable);
        return value;
    }

    public GrpcChannel Channel(X509Certificate2 certificate) =>
        HubChannel.Create(Address, certificate, Authority.Certificate, maxMessageBytes: 8 * MaxMessageBytes);

    public GrpcChannel Channel(X509Certificate2 certificate, HubChannelOptions options) =>
        HubChannel.Create(Address, certificate, Authority.Certificate, options);

    public RecordService.RecordServiceClient Records(string clientId) => new(Channel(clientId));

    public async Task<int> CountVersionsAsync(string sourceSystem, string recordIdPrefix)
    {
        await using var db = await Store.CreateDbContextAsync();
        return await db.RecordVersions.CountAsync(v => v.SourceSystem == sourceSystem && v.RecordId.StartsWith(recordIdPrefix));
    }
}

/// <summary>System time plus an offset; only ever moved forward by tests.</summary>
public sealed class ShiftableClock : TimeProvider
{
    private long _offsetTicks;

    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    public void Reset() => Interlocked.Exchange(ref _offsetTicks, 0);

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;
}
