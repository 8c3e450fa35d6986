using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Exchange.Pki;
using Grpc.Core;
using Grpc.Net.Client;

namespace Exchange.Client;

/// <summary>How a channel authorizes its calls.</summary>
public sealed class HubChannelOptions
{
    /// <summary>Largest gRPC message sent or received.</summary>
    public int MaxMessageBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>Obtain access tokens from the hub's token endpoint (the default). False: calls carry no token.</summary>
    public bool UseAccessTokens { get; init; } = true;

    /// <summary>The token server, when not the hub itself.</summary>
    public Uri? TokenServer { get; init; }

    /// <summary>Scopes to ask for; none: every scope the client's role allows.</summary>
    public IReadOnlyList<string>? Scopes { get; init; }

    /// <summary>A fixed token to send instead of obtaining one (tests, tools).</summary>
    public string? FixedAccessToken { get; init; }
}

/// <summary>Opens a gRPC channel to the hub over mutual TLS, with access tokens bound to the client certificate.</summary>
public static class HubChannel
{
    /// <param name="address">The hub's address, e.g. https://localhost:5443.</param>
    /// <param name="clientCertificate">This system's certificate with its private key (from its .pfx).</param>
    /// <param name="hubAuthority">The hub's CA certificate: the only issuer the server certificate is trusted from.</param>
    public static GrpcChannel Create(Uri address, X509Certificate2 clientCertificate, X509Certificate2 hubAuthority, int maxMessageBytes = 4 * 1024 * 1024) =>
        Create(address, clientCertificate, hubAuthority, new HubChannelOptions { MaxMessageBytes = maxMessageBytes });

    public static GrpcChannel Create(Uri address, X509Certificate2 clientCertificate, X509Certificate2 hubAuthority, HubChannelOptions options)
    {
        var handler = CreateHandler(clientCertificate, hubAuthority);
        CallCredentials? credentials = null;
        if (options.FixedAccessToken is { } fixedToken)
        {
            credentials = CallCredentials.FromInterceptor((_, metadata) =>
            {
                metadata.Add("Authorization", "Bearer " + fixedToken);
                return Task.CompletedTask;
            });
        }
        else if (options.UseAccessTokens)
        {
            // Its own handler (gRPC's balancer takes over the channel's), presenting the same certificate the
            // token is bound to. Lives as long as the channel.
            var tokens = new AccessTokens(CreateHandler(clientCertificate, hubAuthority), options.TokenServer ?? address, clientCertificate, options.Scopes);
            credentials = CallCredentials.FromInterceptor(async (context, metadata) =>
                metadata.Add("Authorization", "Bearer " + await tokens.GetAsync(context.CancellationToken)));
        }

        return GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            MaxReceiveMessageSize = options.MaxMessageBytes,
            MaxSendMessageSize = options.MaxMessageBytes,
            Credentials = credentials is null ? null : ChannelCredentials.Create(ChannelCredentials.SecureSsl, credentials),
        });
    }

    /// <summary>Loads a client certificate file (.pfx) and the hub CA (.crt, PEM).</summary>
    public static GrpcChannel Create(Uri address, string clientPfxPath, string authorityPemPath, string? pfxPassword = null) =>
        Create(address, X509CertificateLoader.LoadPkcs12FromFile(clientPfxPath, pfxPassword), X509CertificateLoader.LoadCertificateFromFile(authorityPemPath));

    /// <summary>The mTLS handler: presents the client certificate and trusts only the hub's CA for the server.</summary>
    public static SocketsHttpHandler CreateHandler(X509Certificate2 clientCertificate, X509Certificate2 hubAuthority) => new()
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
}
