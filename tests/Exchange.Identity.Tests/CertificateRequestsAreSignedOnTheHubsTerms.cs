using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Exchange.Pki;

namespace Exchange.Identity.Tests;

public sealed class CertificateRequestsAreSignedOnTheHubsTerms : IDisposable
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private readonly CertificateAuthority _authority = CertificateAuthority.Create("Test CA", Now.AddDays(-1), Now.AddYears(1));

    [Fact]
    public void A_csr_gets_a_client_certificate_for_its_own_key_with_the_hubs_subject_and_usages()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=hr-sz, O=Someone Else", key, HashAlgorithmName.SHA256);
        // Asks to be a CA: the hub ignores everything but the public key.
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));

        using var issued = _authority.IssueClientCertificateFromRequest("hr-sz", request.CreateSigningRequestPem(), Now, Now.AddDays(30));

        Assert.Equal("CN=hr-sz, O=Exchange clients", issued.Subject);
        Assert.False(issued.HasPrivateKey);
        Assert.True(issued.GetECDsaPublicKey()!.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(key.ExportSubjectPublicKeyInfo()));
        Assert.False(issued.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.Equal("1.3.6.1.5.5.7.3.2", issued.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages[0].Value);
        Assert.True(CertificateAuthority.IsIssuedBy(issued, _authority.Certificate));
    }

    [Fact]
    public void A_csr_naming_another_client_is_refused()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = new CertificateRequest("CN=admin", key, HashAlgorithmName.SHA256).CreateSigningRequestPem();

        var error = Assert.Throws<CertificateRequestException>(() => _authority.IssueClientCertificateFromRequest("hr-sz", csr, Now, Now.AddDays(30)));

        Assert.Contains("admin", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a pem at all")]
    [InlineData("-----BEGIN CERTIFICATE REQUEST-----\nbm90IGEgY3Ny\n-----END CERTIFICATE REQUEST-----")]
    public void A_malformed_csr_is_refused(string csr) =>
        Assert.Throws<CertificateRequestException>(() => _authority.IssueClientCertificateFromRequest("hr-sz", csr, Now, Now.AddDays(30)));

    [Fact]
    public void A_csr_whose_signature_does_not_match_its_key_is_refused()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var der = new CertificateRequest("CN=hr-sz", key, HashAlgorithmName.SHA256).CreateSigningRequest();
        der[^5] ^= 0x55; // inside the signature
        var csr = PemEncoding.WriteString("CERTIFICATE REQUEST", der);

        Assert.Throws<CertificateRequestException>(() => _authority.IssueClientCertificateFromRequest("hr-sz", csr, Now, Now.AddDays(30)));
    }

    public void Dispose() => _authority.Dispose();
}
