using System.Net;
using System.Security.Cryptography.X509Certificates;
using Exchange.Audit;
using Exchange.Pki;
using Exchange.Store;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Server;

/// <summary>A client system to provision: id (certificate common name), role and region scope.</summary>
/// <param name="Purposes">Purpose codes it may state when reading; null: the defaults for its role.</param>
public sealed record ClientSpec(string Id, string DisplayName, string Role, string RegionScope, IReadOnlyList<string>? Purposes = null)
{
    /// <summary>What a development client of each role may state as its purpose.</summary>
    public IReadOnlyList<string> EffectivePurposes => Purposes ?? Role switch
    {
        ClientRoles.HumanResources => ["enrollment-drive", "benefit-verification", "statistics"],
        ClientRoles.PublicSecurity => ["benefit-verification", "fraud-audit", "statistics"],
        ClientRoles.Auditor => ["fraud-audit"],
        _ => [],
    };
}

/// <summary>
/// Creates the development PKI (`exchange certs init`): a CA, the hub's server certificate and one client
/// certificate per client system, and registers those clients in the store. Idempotent: existing files are
/// kept and (re)registered, so a wiped data folder works again with the same certificates.
/// </summary>
public static class DevelopmentPki
{
    public static readonly IReadOnlyList<ClientSpec> DefaultClients =
    [
        new("ps-gd", "Guangdong public security, population register", ClientRoles.PublicSecurity, "44"),
        new("hr-gd", "Guangdong human resources and social security", ClientRoles.HumanResources, "44"),
        new("hr-bj", "Beijing human resources and social security", ClientRoles.HumanResources, "11"),
        new("ps-national", "Ministry of public security, national population register", ClientRoles.PublicSecurity, ""),
        new("hr-national", "Ministry of human resources and social security, national", ClientRoles.HumanResources, ""),
        new("auditor", "National audit office", ClientRoles.Auditor, ""),
        new("admin", "Exchange hub administrator", ClientRoles.Admin, ""),
    ];

    /// <returns>The files written or reused, for the operator.</returns>
    public static async Task<IReadOnlyList<string>> InitAsync(
        CertificateDirectory directory, string dataDirectory, IEnumerable<ClientSpec> clients, bool force, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(directory.ClientsFolder);
        var now = clock.GetUtcNow();
        var files = new List<string>();

        using var authority = !force && File.Exists(directory.CaCertificate) && File.Exists(directory.CaPrivateKey)
            ? CertificateAuthority.Load(directory.CaCertificate, directory.CaPrivateKey)
            : CreateAuthority(directory, now);
        files.Add(directory.CaCertificate);

        if (force || !File.Exists(directory.ServerCertificate))
        {
            using var server = authority.IssueServerCertificate(["localhost"], [IPAddress.Loopback, IPAddress.IPv6Loopback], now.AddMinutes(-5), now.AddYears(1));
            CertificateAuthority.SavePkcs12(server, directory.ServerCertificate);
        }

        files.Add(directory.ServerCertificate);

        // The hub's audit checkpoint key; auditors are given audit-key.pub.pem.
        using (AuditKey.LoadOrCreate(directory.Root))
        {
            files.Add(Path.Combine(directory.Root, AuditKey.PublicKeyFileName));
        }

        var factory = StoreSetup.Open(StoreOptions.FromEnvironment().Resolve(dataDirectory));
        await using (var db = factory.CreateDbContext())
        {
            await StoreSetup.MigrateAsync(db, cancellationToken);
        }

        var registry = new ClientRegistry(factory, clock);
        foreach (var client in clients)
        {
            var path = directory.Client(client.Id);
            X509Certificate2 certificate;
            if (!force && File.Exists(path))
            {
                certificate = X509CertificateLoader.LoadPkcs12FromFile(path, null);
            }
            else
            {
                certificate = authority.IssueClientCertificate(client.Id, now.AddMinutes(-5), now.AddYears(1));
                CertificateAuthority.SavePkcs12(certificate, path);
            }

            using (certificate)
            {
                await RegisterAsync(registry, factory, client, certificate, cancellationToken);
            }

            files.Add(path);
        }

        return files;
    }

    /// <summary>Registers a client and one of its certificates (no-op for a certificate already registered).</summary>
    public static async Task RegisterAsync(
        ClientRegistry registry, IDbContextFactory<ExchangeDbContext> factory, ClientSpec client, X509Certificate2 certificate, CancellationToken cancellationToken = default)
    {
        await registry.UpsertClientAsync(client.Id, client.DisplayName, client.Role, client.RegionScope, client.EffectivePurposes, cancellationToken);
        var thumbprint = CertificateAuthority.Thumbprint(certificate);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        if (!await db.ClientCertificates.AnyAsync(c => c.Thumbprint == thumbprint, cancellationToken))
        {
            await registry.AddCertificateAsync(client.Id, certificate, cancellationToken);
        }
    }

    private static CertificateAuthority CreateAuthority(CertificateDirectory directory, DateTimeOffset now)
    {
        var authority = CertificateAuthority.Create("Exchange development CA", now.AddMinutes(-5), now.AddYears(5));
        authority.Save(directory.CaCertificate, directory.CaPrivateKey);
        return authority;
    }
}
