using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Exchange.Pki;
using Grpc.Net.Client;

namespace Exchange.Client;

/// <summary>Opens a gRPC channel to the hub over mutual TLS.</summary>
public static class HubChannel
{
    /// <param name="address">The hub's address, e.g. https://localhost:5443.</param>
    /// <param name="clientCertificate">This system's certificate with its private key (from its .pfx).</param>
    /// <param name="hubAuthority">The hub's CA certificate: the only issuer the server certificate is trusted from.</param>
    public static GrpcChannel Create(Uri address, X509Certificate2 clientCertificate, X509Certificate2 hubAuthority, int maxMessageBytes = 4 * 1024 * 1024)
    {
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = [clientCertificate],
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                    certificate is X509Certificate2 server
                    && !errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch)
                    && CertificateAuthority.IsIssuedBy(server, hubAuthority),
            },
        };
        return GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            MaxReceiveMessageSize = maxMessageBytes,
            MaxSendMessageSize = maxMessageBytes,
        });
    }

    /// <summary>Loads a client certificate file (.pfx, no password) and the hub CA (.crt, PEM).</summary>
    public static GrpcChannel Create(Uri address, string clientPfxPath, string authorityPemPath) =>
        Create(address, X509CertificateLoader.LoadPkcs12FromFile(clientPfxPath, null), X509CertificateLoader.LoadCertificateFromFile(authorityPemPath));
}
