using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Serialization;
using Grpc.Core;

namespace Exchange.Client;

/// <summary>
/// Obtains OAuth access tokens from the hub's token endpoint by the client-credentials grant, authenticating
/// with the TLS client certificate (RFC 8705 tls_client_auth; no secret exists). The hub binds each token to
/// that certificate, so a token is worthless on any other connection. Tokens are reused until shortly
/// before they expire.
/// </summary>
public sealed class AccessTokens : IDisposable
{
    public const string TokenPath = "connect/token";

    private static readonly TimeSpan RenewBefore = TimeSpan.FromSeconds(60);
    private readonly HttpClient _http;
    private readonly Uri _endpoint;
    private readonly string _clientId;
    private readonly string? _scope;
    private readonly TimeProvider _clock;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _token;
    private DateTimeOffset _renewAt;

    /// <param name="handler">An mTLS handler presenting <paramref name="clientCertificate"/>, which the token is bound to. Owned by this instance.</param>
    /// <param name="tokenServer">The token server's address; usually the hub's own.</param>
    /// <param name="scopes">Scopes to ask for; none means every scope the client's role allows.</param>
    public AccessTokens(HttpMessageHandler handler, Uri tokenServer, X509Certificate2 clientCertificate, IEnumerable<string>? scopes = null, TimeProvider? clock = null)
    {
        _http = new HttpClient(handler, disposeHandler: true)
        {
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        _endpoint = new Uri(tokenServer, TokenPath);
        _clientId = clientCertificate.GetNameInfo(X509NameType.SimpleName, false);
        var scope = string.Join(' ', scopes ?? []);
        _scope = scope.Length == 0 ? null : scope;
        _clock = clock ?? TimeProvider.System;
    }

    /// <exception cref="RpcException">UNAUTHENTICATED when the token server refuses this client.</exception>
    public async ValueTask<string> GetAsync(CancellationToken cancellationToken)
    {
        if (_token is { } cached && _clock.GetUtcNow() < _renewAt)
        {
            return cached;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_token is { } fresh && _clock.GetUtcNow() < _renewAt)
            {
                return fresh;
            }

            var (token, lifetime) = await RequestAsync(cancellationToken);
            _token = token;
            _renewAt = _clock.GetUtcNow() + (lifetime > RenewBefore * 2 ? lifetime - RenewBefore : lifetime / 2);
            return token;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Forgets the cached token (e.g. after the hub refused it).</summary>
    public void Reset() => _token = null;

    private async Task<(string Token, TimeSpan Lifetime)> RequestAsync(CancellationToken cancellationToken)
    {
        var form = new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["client_id"] = _clientId };
        if (_scope is not null)
        {
            form["scope"] = _scope;
        }

        using var response = await _http.PostAsync(_endpoint, new FormUrlEncodedContent(form), cancellationToken);
        TokenResponse? body = null;
        if (response.Content.Headers.ContentType?.MediaType == "application/json")
        {
            body = await response.Content.ReadFromJsonAsync(TokenJson.Default.TokenResponse, cancellationToken);
        }

        if ((int)response.StatusCode >= 500)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, $"The token server failed (HTTP {(int)response.StatusCode}); try again."));
        }

        if (!response.IsSuccessStatusCode || body?.AccessToken is not { Length: > 0 } token)
        {
            var reason = body?.ErrorDescription ?? body?.Error ?? $"HTTP {(int)response.StatusCode}";
            throw new RpcException(new Status(StatusCode.Unauthenticated, "The token server refused this client: " + reason));
        }

        return (token, TimeSpan.FromSeconds(body.ExpiresIn is > 0 ? body.ExpiresIn.Value : 60));
    }

    public void Dispose()
    {
        _http.Dispose();
        _gate.Dispose();
    }
}

internal sealed record TokenResponse(
    [property: JsonPropertyName("access_token")] string? AccessToken,
    [property: JsonPropertyName("expires_in")] int? ExpiresIn,
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("error_description")] string? ErrorDescription);

[JsonSerializable(typeof(TokenResponse))]
internal sealed partial class TokenJson : JsonSerializerContext;
