using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Exchange.Identity;

/// <summary>
/// The token server's signing and encryption keys, kept as self-signed certificates (.pfx) in a folder beside
/// the hub's PKI so that a restarted hub, a second hub node or a separate token-server process validate the
/// same tokens. Rotation adds a newer key: the newest signs, every unexpired one still validates.
/// </summary>
public sealed class TokenKeys
{
    private const string SigningPrefix = "signing-";
    private const string EncryptionPrefix = "encryption-";

    public TokenKeys(string folder) => Folder = Path.GetFullPath(folder);

    public string Folder { get; }

    /// <summary>Creates a first key pair when the folder has none; returns the files written.</summary>
    public IReadOnlyList<string> EnsureCreated(TimeProvider clock) =>
        Signing(clock).Count > 0 && Encryption(clock).Count > 0 ? [] : Rotate(clock);

    /// <summary>Writes a new signing key and a new encryption key, valid for two years.</summary>
    public IReadOnlyList<string> Rotate(TimeProvider clock)
    {
        Directory.CreateDirectory(Folder);
        var now = clock.GetUtcNow();
        var stamp = now.ToString("yyyyMMddHHmmssfff", System.Globalization.CultureInfo.InvariantCulture);
        var signing = Path.Combine(Folder, SigningPrefix + stamp + ".pfx");
        var encryption = Path.Combine(Folder, EncryptionPrefix + stamp + ".pfx");
        Write(signing, "CN=Exchange token signing " + stamp, X509KeyUsageFlags.DigitalSignature, now);
        Write(encryption, "CN=Exchange token encryption " + stamp, X509KeyUsageFlags.KeyEncipherment, now);
        return [signing, encryption];
    }

    /// <summary>Unexpired signing certificates, newest first.</summary>
    public IReadOnlyList<X509Certificate2> Signing(TimeProvider clock) => Load(SigningPrefix, clock);

    /// <summary>Unexpired encryption certificates, newest first.</summary>
    public IReadOnlyList<X509Certificate2> Encryption(TimeProvider clock) => Load(EncryptionPrefix, clock);

    private List<X509Certificate2> Load(string prefix, TimeProvider clock)
    {
        if (!Directory.Exists(Folder))
        {
            return [];
        }

        var now = clock.GetUtcNow().UtcDateTime;
        return Directory.EnumerateFiles(Folder, prefix + "*.pfx")
            .Select(path => X509CertificateLoader.LoadPkcs12FromFile(path, null, X509KeyStorageFlags.Exportable))
            .Where(certificate => certificate.NotAfter.ToUniversalTime() > now)
            .OrderByDescending(certificate => certificate.NotBefore)
            .ToList();
    }

    private static void Write(string path, string subject, X509KeyUsageFlags usage, DateTimeOffset now)
    {
        using var key = RSA.Create(3072);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, critical: true));
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(2));
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
