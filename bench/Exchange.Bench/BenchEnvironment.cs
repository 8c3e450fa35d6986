using Exchange.Client;
using Exchange.Pki;
using Exchange.Server;
using Exchange.Store;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Exchange.Server.Auditing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Exchange.Bench;

/// <summary>
/// A temporary folder with a development CA, the hub's certificate, two national clients registered in a
/// fresh store (SQLite under the folder, or a PostgreSQL database of its own created here and dropped on
/// dispose), and the means to start the real hub or the no-op one over it. Deleted on dispose.
/// </summary>
internal sealed class BenchEnvironment : IAsyncDisposable
{
    public const string PsClient = "ps-national";
    public const string HrClient = "hr-national";

    private readonly List<WebApplication> _apps = [];
    private readonly HashSet<Uri> _noOpAddresses = [];
    private string? _postgresAdmin;
    private string? _postgresDatabase;

    private BenchEnvironment(string root)
    {
        Root = root;
        Certificates = new CertificateDirectory(Path.Combine(root, "certs"));
        DataDirectory = Path.Combine(root, "data");
    }

    public string Root { get; }

    public CertificateDirectory Certificates { get; }

    public string DataDirectory { get; }

    /// <summary>The PostgreSQL database's connection string when this environment has one, else null (SQLite).</summary>
    public string? PostgresConnectionString { get; private set; }

    /// <summary>The audit log of the last real hub started (read its counters around a run).</summary>
    public AuditLog? HubAudit { get; private set; }

    /// <param name="postgresAdmin">A connection string whose role may create databases: the store is then a fresh PostgreSQL database.</param>
    public static async Task<BenchEnvironment> CreateAsync(string? postgresAdmin = null)
    {
        var environment = new BenchEnvironment(Path.Combine(Path.GetTempPath(), "exchange-bench", Guid.NewGuid().ToString("N")));
        ClientSpec[] clients =
        [
            new(PsClient, "Benchmark PS, national", ClientRoles.PublicSecurity, ""),
            new(HrClient, "Benchmark HR, national", ClientRoles.HumanResources, ""),
        ];
        await DevelopmentPki.InitAsync(environment.Certificates, environment.DataDirectory, clients, force: true, TimeProvider.System);
        if (postgresAdmin is not null)
        {
            // The same clients and certificates, registered in a database of this run's own (C collation, as the tests make it).
            environment._postgresAdmin = postgresAdmin;
            environment._postgresDatabase = "exchange_bench_" + Guid.NewGuid().ToString("N");
            await AdminAsync(postgresAdmin, $"CREATE DATABASE \"{environment._postgresDatabase}\" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'");
            environment.PostgresConnectionString = new NpgsqlConnectionStringBuilder(postgresAdmin) { Database = environment._postgresDatabase, CommandTimeout = 0 }.ConnectionString;
            var factory = StoreSetup.Open(new StoreConnection(StoreProvider.Postgres, environment.PostgresConnectionString));
            await using (var db = await factory.CreateDbContextAsync())
            {
                await StoreSetup.MigrateAsync(db);
            }

            var registry = new ClientRegistry(factory, TimeProvider.System);
            foreach (var client in clients)
            {
                using var certificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(environment.Certificates.Client(client.Id), null);
                await DevelopmentPki.RegisterAsync(registry, factory, client, certificate);
            }
        }

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
            ["Store:Provider"] = PostgresConnectionString is null ? "sqlite" : "postgres",
            ["Store:ConnectionString"] = PostgresConnectionString ?? string.Empty,
        });
        _apps.Add(app);
        var address = await HubApplication.StartAsync(app);
        HubAudit = app.Services.GetRequiredService<AuditLog>();
        return address;
    }

    public async Task<Uri> StartNoOpHubAsync()
    {
        var (app, address) = await NoOpHub.StartAsync(Certificates);
        _apps.Add(app);
        _noOpAddresses.Add(address);
        return address;
    }

    /// <summary>
    /// A channel as the CLI opens it (HubChannel: mTLS with the client's .pfx, the hub CA only, an access token
    /// obtained from the hub and sent with every call). The no-op hub has no token endpoint: its channels send a
    /// fixed bearer token of a real token's length instead, so each call carries the same header.
    /// </summary>
    public GrpcChannel Channel(Uri address, string clientId)
    {
        var certificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(Certificates.Client(clientId), null);
        var authority = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(Certificates.CaCertificate);
        return _noOpAddresses.Contains(address)
            ? HubChannel.Create(address, certificate, authority, new HubChannelOptions { FixedAccessToken = new string('x', NoOpTokenLength) })
            : HubChannel.Create(address, certificate, authority);
    }

    /// <summary>About the length of the hub's signed access tokens (a compact JWS with the certificate binding).</summary>
    private const int NoOpTokenLength = 600;

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        if (_postgresAdmin is not null && _postgresDatabase is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await DropDatabaseAsync(_postgresAdmin, _postgresDatabase);
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean.
        }
    }

    // After a large COPY, autovacuum works on the new database, and only a member of pg_signal_backend may
    // end that session (scripts/postgres-up grants it; another server's role may lack it): FORCE fails until
    // autovacuum is done. The figures are measured by then, so wait a little, and at worst leave the
    // database behind with a warning rather than lose the run.
    internal static async Task DropDatabaseAsync(string adminConnectionString, string database)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await AdminAsync(adminConnectionString, $"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");
                return;
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.ObjectInUse)
            {
                if (attempt == 12)
                {
                    Console.Error.WriteLine($"warning: PostgreSQL database {database} was not dropped ({e.MessageText}); drop it by hand.");
                    return;
                }

                await Task.Delay(TimeSpan.FromSeconds(5));
            }
        }
    }

    internal static async Task AdminAsync(string adminConnectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
