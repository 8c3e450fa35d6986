using System.Security.Cryptography.X509Certificates;

namespace Exchange.Pki;

/// <summary>
/// Decides at the TLS handshake whether a client certificate was issued by the hub's CA for client
/// authentication and is within its validity dates. Revocation and the client registry are checked per
/// call by the hub, against its store.
/// </summary>
public sealed class ClientCertificateValidator(X509Certificate2 authority, TimeProvider clock)
{
    private const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";

    /// <summary>Returns null when the certificate is acceptable, otherwise the reason it is not.</summary>
    public string? Validate(X509Certificate2? certificate)
    {
        if (certificate is null)
        {
            return "no client certificate";
        }

        var now = clock.GetUtcNow();
        if (now < certificate.NotBefore.ToUniversalTime() || now > certificate.NotAfter.ToUniversalTime())
        {
            return "certificate outside its validity period";
        }

        if (!HasUsage(certificate))
        {
            return "certificate not issued for client authentication";
        }

        return CertificateAuthority.ChainStatus(certificate, authority, now.UtcDateTime);
    }

    private static bool HasUsage(X509Certificate2 certificate)
    {
        var keyUsage = certificate.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault();
        if (keyUsage is not null && !keyUsage.KeyUsages.HasFlag(X509KeyUsageFlags.DigitalSignature))
        {
            return false;
        }

        var enhanced = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault();
        return enhanced is null || enhanced.EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>().Any(o => o.Value == ClientAuthOid);
    }
}
