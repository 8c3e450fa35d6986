using System.Security.Cryptography;

namespace Exchange.Audit;

/// <summary>
/// The hub's checkpoint signing key (ECDSA P-256). The private key stays with the hub; auditors hold the
/// public key file and nothing else.
/// </summary>
public static class AuditKey
{
    public const string PrivateKeyFileName = "audit-key.pem";
    public const string PublicKeyFileName = "audit-key.pub.pem";

    /// <summary>Loads the private key, creating the pair (private 0600, public readable) if it does not exist.</summary>
    public static ECDsa LoadOrCreate(string directory)
    {
        var privatePath = Path.Combine(directory, PrivateKeyFileName);
        var publicPath = Path.Combine(directory, PublicKeyFileName);
        var key = ECDsa.Create();
        if (File.Exists(privatePath))
        {
            key.ImportFromPem(File.ReadAllText(privatePath));
        }
        else
        {
            Directory.CreateDirectory(directory);
            key.GenerateKey(ECCurve.NamedCurves.nistP256);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var writer = new StreamWriter(privatePath, options))
            {
                writer.Write(key.ExportPkcs8PrivateKeyPem());
            }
        }

        if (!File.Exists(publicPath))
        {
            File.WriteAllText(publicPath, key.ExportSubjectPublicKeyInfoPem());
        }

        return key;
    }

    public static ECDsa LoadPublic(string publicKeyPemFile)
    {
        var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(publicKeyPemFile));
        return key;
    }

    /// <summary>The key id: the first 4 bytes of SHA-256 over the SubjectPublicKeyInfo, as in Go's note keys.</summary>
    public static byte[] KeyId(ECDsa key) => SHA256.HashData(key.ExportSubjectPublicKeyInfo())[..4];
}
