using System.Security.Cryptography.X509Certificates;
using Exchange.Pki;
using Microsoft.Extensions.Options;

namespace Exchange.Server;

/// <summary>The hub's CA certificate (trust anchor for clients) and its own TLS certificate.</summary>
public sealed class HubCertificates : IDisposable
{
    public HubCertificates(IOptions<HubOptions> options, TimeProvider clock)
    {
        var directory = new CertificateDirectory(options.Value.CertificateDirectory);
        Authority = X509CertificateLoader.LoadCertificateFromFile(directory.CaCertificate);
        Server = X509CertificateLoader.LoadPkcs12FromFile(directory.ServerCertificate, null);
        Validator = new ClientCertificateValidator(Authority, clock);
    }

    public X509Certificate2 Authority { get; }

    public X509Certificate2 Server { get; }

    public ClientCertificateValidator Validator { get; }

    public void Dispose()
    {
        Authority.Dispose();
        Server.Dispose();
    }
}
