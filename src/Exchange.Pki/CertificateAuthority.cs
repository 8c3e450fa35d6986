using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Exchange.Pki;

/// <summary>
/// The hub's private certificate authority. It signs the hub's server certificate and one client
/// certificate per registered client system; the hub trusts nothing else (never the OS trust store).
/// </summary>
public sealed class CertificateAuthority : IDisposable
{
    private const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";
    private const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";

    private CertificateAuthority(X509Certificate2 certificate) => Certificate = certificate;

    /// <summary>The CA certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Creates a new self-signed CA (ECDSA P-256).</summary>
    public static CertificateAuthority Create(string name, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return new CertificateAuthority(request.CreateSelfSigned(notBefore, notAfter));
    }

    /// <summary>Loads a CA from its PEM certificate and PEM private key.</summary>
    public static CertificateAuthority Load(string certificatePemPath, string keyPemPath) =>
        new(X509Certificate2.CreateFromPemFile(certificatePemPath, keyPemPath));

    /// <summary>Issues the hub's TLS server certificate for the given DNS names and IP addresses.</summary>
    public X509Certificate2 IssueServerCertificate(
        IEnumerable<string> dnsNames, IEnumerable<IPAddress> addresses, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        var names = dnsNames.ToList();
        var san = new SubjectAlternativeNameBuilder();
        names.ForEach(san.AddDnsName);
        foreach (var address in addresses)
        {
            san.AddIpAddress(address);
        }

        return Issue($"CN={names.FirstOrDefault() ?? "exchange-hub"}", ServerAuthOid, san.Build(), notBefore, notAfter);
    }

    /// <summary>Issues a client certificate whose subject common name is the client id.</summary>
    public X509Certificate2 IssueClientCertificate(string clientId, DateTimeOffset notBefore, DateTimeOffset notAfter) =>
        Issue($"CN={clientId}, O=Exchange clients", ClientAuthOid, null, notBefore, notAfter);

    /// <summary>
    /// Issues a client certificate for a key the client system generated itself (its private key never
    /// leaves it). Only the public key and the proof of possession come from the CSR: the subject and the
    /// extensions are the hub's, so a CSR cannot ask for more than a client certificate.
    /// </summary>
    /// <param name="csrPem">A PKCS#10 request, PEM ("BEGIN CERTIFICATE REQUEST").</param>
    /// <exception cref="CertificateRequestException">The CSR cannot be read, its signature is wrong, or it names another client.</exception>
    public X509Certificate2 IssueClientCertificateFromRequest(string clientId, string csrPem, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        CertificateRequest submitted;
        try
        {
            // Loading verifies the request's self-signature: the submitter holds the private key.
            submitted = CertificateRequest.LoadSigningRequestPem(csrPem, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.Default);
        }
        catch (Exception exception) when (exception is CryptographicException or ArgumentException)
        {
            throw new CertificateRequestException("The certificate request is not a valid signed PKCS#10 request: " + exception.Message);
        }

        var commonName = submitted.SubjectName.EnumerateRelativeDistinguishedNames()
            .Where(name => name.GetSingleElementType().Value == "2.5.4.3")
            .Select(name => name.GetSingleElementValue())
            .FirstOrDefault();
        if (commonName is not null && !string.Equals(commonName, clientId, StringComparison.Ordinal))
        {
            throw new CertificateRequestException($"The certificate request names '{commonName}', not the client '{clientId}'.");
        }

        var request = new CertificateRequest(new X500DistinguishedName($"CN={clientId}, O=Exchange clients"), submitted.PublicKey, HashAlgorithmName.SHA256);
        AddClientExtensions(request, ClientAuthOid);
        var end = notAfter < Certificate.NotAfter ? notAfter : new DateTimeOffset(Certificate.NotAfter);
        return request.Create(Certificate, notBefore, end, NewSerial());
    }

    /// <summary>Writes the CA certificate (PEM) and, separately, its private key (PEM, owner-only).</summary>
    public void Save(string certificatePemPath, string keyPemPath)
    {
        File.WriteAllText(certificatePemPath, Certificate.ExportCertificatePem());
        using var key = Certificate.GetECDsaPrivateKey() ?? throw new InvalidOperationException("The CA has no private key.");
        WritePrivateFile(keyPemPath, key.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>Writes a certificate with its private key as an unencrypted PKCS#12 file readable by the owner only.</summary>
    public static void SavePkcs12(X509Certificate2 certificate, string path)
    {
        var bytes = certificate.Export(X509ContentType.Pkcs12);
        WritePrivateFile(path, bytes);
    }

    /// <summary>The SHA-256 thumbprint (upper-case hex) that the hub's registry keys certificates by.</summary>
    public static string Thumbprint(X509Certificate2 certificate) =>
        certificate.GetCertHashString(HashAlgorithmName.SHA256);

    /// <summary>
    /// Whether a certificate chains to this exact authority, trusting nothing else (never the OS store).
    /// Revocation is not checked here: the hub keeps it in its registry.
    /// </summary>
    public static bool IsIssuedBy(X509Certificate2 certificate, X509Certificate2 authority, DateTime? verificationTimeUtc = null) =>
        ChainStatus(certificate, authority, verificationTimeUtc) is null;

    /// <summary>Null when the certificate chains to <paramref name="authority"/>, else why not.</summary>
    public static string? ChainStatus(X509Certificate2 certificate, X509Certificate2 authority, DateTime? verificationTimeUtc = null)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (verificationTimeUtc is { } at)
        {
            chain.ChainPolicy.VerificationTime = at;
            chain.ChainPolicy.VerificationTimeIgnored = false;
        }

        if (!chain.Build(certificate))
        {
            return "certificate chain not trusted: " + string.Join(", ", chain.ChainStatus.Select(s => s.Status.ToString()).Distinct());
        }

        // The chain must end at our CA itself, not at another root that happens to share its name.
        return chain.ChainElements[^1].Certificate.RawDataMemory.Span.SequenceEqual(authority.RawDataMemory.Span)
            ? null
            : "certificate not issued by the hub's CA";
    }

    public void Dispose() => Certificate.Dispose();

    private X509Certificate2 Issue(
        string subject, string usageOid, X509Extension? subjectAlternativeName, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        AddClientExtensions(request, usageOid);
        if (subjectAlternativeName is not null)
        {
            request.CertificateExtensions.Add(subjectAlternativeName);
        }

        // A child certificate may not outlive its issuer.
        var end = notAfter < Certificate.NotAfter ? notAfter : new DateTimeOffset(Certificate.NotAfter);
        using var issued = request.Create(Certificate, notBefore, end, NewSerial());
        return issued.CopyWithPrivateKey(key);
    }

    private void AddClientExtensions(CertificateRequest request, string usageOid)
    {
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usageOid)], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));
    }

    private static byte[] NewSerial()
    {
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F; // positive, as RFC 5280 requires
        return serial;
    }

    private static void WritePrivateFile(string path, string text) => WritePrivateFile(path, System.Text.Encoding.UTF8.GetBytes(text));

    private static void WritePrivateFile(string path, byte[] bytes)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        stream.Write(bytes);
    }
}

/// <summary>A certificate signing request the hub will not sign, and why.</summary>
public sealed class CertificateRequestException(string message) : Exception(message);
