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

        using var chain = new X509Chain();
        // Trust only the hub's CA; revocation is the hub's own registry, checked per call.
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = now.UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        if (!chain.Build(certificate))
        {
            var status = chain.ChainStatus.Select(s => s.Status.ToString()).Distinct();
            return "certificate chain not trusted: " + string.Join(", ", status);
        }

        // The chain must end at our CA itself, not at another root that happens to share its name.
        var root = chain.ChainElements[^1].Certificate;
        return root.RawDataMemory.Span.SequenceEqual(authority.RawDataMemory.Span)
            ? null
            : "certificate not issued by the hub's CA";
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
