using System.Security.Cryptography.X509Certificates;
using Exchange.Pki;
using Microsoft.Extensions.Options;

namespace Exchange.Server;

/// <summary>
/// Issues client certificates with the hub's CA. The CA's private key is read from the certificate folder
/// when a certificate is issued and not kept in memory between issues.
/// </summary>
public sealed class ClientAdministration(IOptions<HubOptions> options)
{
    public X509Certificate2 IssueFromRequest(string clientId, string csrPem, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var authority = LoadAuthority();
        return authority.IssueClientCertificateFromRequest(clientId, csrPem, notBefore, notAfter);
    }

    public X509Certificate2 IssueWithNewKey(string clientId, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var authority = LoadAuthority();
        return authority.IssueClientCertificate(clientId, notBefore, notAfter);
    }

    private CertificateAuthority LoadAuthority()
    {
        var directory = new CertificateDirectory(options.Value.CertificateDirectory);
        if (!File.Exists(directory.CaPrivateKey))
        {
            throw new Grpc.Core.RpcException(new Grpc.Core.Status(Grpc.Core.StatusCode.FailedPrecondition, "This hub holds no CA private key; it cannot issue certificates."));
        }

        return CertificateAuthority.Load(directory.CaCertificate, directory.CaPrivateKey);
    }
}
