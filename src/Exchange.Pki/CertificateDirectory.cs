namespace Exchange.Pki;

/// <summary>Where `exchange certs init` writes the development PKI, and where the hub and clients read it.</summary>
public sealed class CertificateDirectory(string root)
{
    public string Root { get; } = Path.GetFullPath(root);

    public string CaCertificate => Path.Combine(Root, "ca.crt");

    public string CaPrivateKey => Path.Combine(Root, "ca.key");

    public string ServerCertificate => Path.Combine(Root, "server.pfx");

    /// <summary>The token server's signing and encryption keys (shared by every hub node and token server).</summary>
    public string TokenKeys => Path.Combine(Root, "token-keys");

    public string ClientsFolder => Path.Combine(Root, "clients");

    public string Client(string clientId) => Path.Combine(ClientsFolder, clientId + ".pfx");
}
