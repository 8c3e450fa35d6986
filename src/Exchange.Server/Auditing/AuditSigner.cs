using System.Security.Cryptography;
using Exchange.Audit;
using Microsoft.Extensions.Options;

namespace Exchange.Server.Auditing;

/// <summary>
/// The hub's audit key, kept in the certificate directory beside the CA (audit-key.pem, 0600) with its
/// public half (audit-key.pub.pem) for auditors. Created at first start if `exchange certs init` did not.
/// </summary>
public sealed class AuditSigner(IOptions<HubOptions> options) : IDisposable
{
    private readonly ECDsa _key = AuditKey.LoadOrCreate(options.Value.CertificateDirectory);

    public string PublicKeyFile => Path.Combine(Path.GetFullPath(options.Value.CertificateDirectory), AuditKey.PublicKeyFileName);

    public Checkpoint Sign(long treeSize, byte[] rootHash, long timeUnixSeconds) => Checkpoint.Sign(_key, treeSize, rootHash, timeUnixSeconds);

    public void Dispose() => _key.Dispose();
}
