using Exchange.Client;
using Exchange.Pki;
using Exchange.Server;
using Exchange.Store;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;

namespace Exchange.Bench;

/// <summary>
/// A temporary folder with a development CA, the hub's certificate, two national clients registered in a
/// fresh SQLite store, and the means to start the real hub or the no-op one over it. Deleted on dispose.
/// </summary>
internal sealed class BenchEnvironment : IAsyncDisposable
{
    public const string PsClient = "ps-national";
    public const string HrClient = "hr-national";

    private readonly List<WebApplication> _apps = [];

    private BenchEnvironment(string root)
    {
        Root = root;
        Certificates = new CertificateDirectory(Path.Combine(root, "certs"));
        DataDirectory = Path.Combine(root, "data");
    }

    public string Root { get; }

    public CertificateDirectory Certificates { get; }

    public string DataDirectory { get; }

    public static async Task<BenchEnvironment> CreateAsync()
    {
        var environment = new BenchEnvironment(Path.Combine(Path.GetTempPath(), "exchange-bench", Guid.NewGuid().ToString("N")));
        ClientSpec[] clients =
        [
            new(PsClient, "Benchmark PS, national", ClientRoles.PublicSecurity, ""),
            new(HrClient, "Benchmark HR, national", ClientRoles.HumanResources, ""),
        ];
        await DevelopmentPki.InitAsync(environment.Certificates, environment.DataDirectory, clients, force: true, TimeProvider.System);
        return environment;
    }

    /// <summary>The hub as `exchange serve` runs it, over this environment's store, on a free port.</summary>
    public async Task<Uri> StartHubAsync()
    {
        var app = HubApplication.Build([], new Dictionary<string, string?>
        {
            ["Hub:Port"] = "0",
            ["Hub:DataDirectory"] = DataDirectory,
            ["Hub:CertificateDirectory"] = Certificates.Root,
            ["Logging:LogLevel:Default"] = "Warning",
        });
        _apps.Add(app);
        return await HubApplication.StartAsync(app);
    }

    public async Task<Uri> StartNoOpHubAsync()
    {
        var (app, address) = await NoOpHub.StartAsync(Certificates);
        _apps.Add(app);
        return address;
    }

    /// <summary>A channel as the CLI opens it (HubChannel: mTLS with the client's .pfx, the hub CA only).</summary>
    public GrpcChannel Channel(Uri address, string clientId) =>
        HubChannel.Create(address, Certificates.Client(clientId), Certificates.CaCertificate);

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean.
        }
    }
}
