using System.Security.Claims;
using System.Text.Encodings.Web;
using Exchange.Identity;
using Exchange.Pki;
using Exchange.Store;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Certificate;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Validation.AspNetCore;

namespace Exchange.Server.Security;

/// <summary>Authorization policy names, one per kind of access.</summary>
public static class HubPolicies
{
    // Named after the scope each requires (except Relink, which needs the admin scope).
    public const string PushRecords = HubScopes.PushRecords;
    public const string ReadRecords = HubScopes.ReadRecords;
    public const string ReviewLinks = HubScopes.ReviewLinks;
    public const string Relink = "links.relink";
    public const string ReadCoverage = HubScopes.ReadCoverage;
    public const string ReadAudit = HubScopes.ReadAudit;
    public const string Administer = HubScopes.Admin;
}

public static class HubAuthentication
{
    /// <summary>The scheme of every data call: certificate and bound access token, checked together.</summary>
    public const string CallerScheme = "Exchange";

    /// <summary>
    /// Every data call needs both a TLS client certificate that the registry accepts (looked up per call, so a
    /// revocation or suspension applies to the next call) and an access token bound to that same certificate,
    /// with the scope the call needs. Role and region come from the registry; scopes from the token. All
    /// rules are here: services only name their policy.
    /// </summary>
    public static IServiceCollection AddHubAuthentication(this IServiceCollection services)
    {
        services.AddAuthentication(CallerScheme)
            .AddScheme<AuthenticationSchemeOptions, ConnectionCertificateHandler>(CertificateAuthenticationDefaults.AuthenticationScheme, null)
            .AddScheme<AuthenticationSchemeOptions, CallerAuthenticationHandler>(CallerScheme, null);
        services.AddSingleton<ValidatedTokens>();

        static void Ministry(AuthorizationPolicyBuilder policy, string scope) =>
            policy.RequireClaim(CallerIdentity.ScopeClaim, scope).RequireRole(ClientRoles.PublicSecurity, ClientRoles.HumanResources);

        services.AddAuthorizationBuilder()
            // Health and reflection need a registered client's certificate, not a token: probes stay simple.
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(CertificateAuthenticationDefaults.AuthenticationScheme).RequireAuthenticatedUser().Build())
            .AddPolicy(HubPolicies.PushRecords, p => Ministry(p, HubScopes.PushRecords))
            .AddPolicy(HubPolicies.ReadRecords, p => Ministry(p, HubScopes.ReadRecords))
            // Reviewing links is ministry work on ministry data; re-linking the whole store is an operator's job.
            .AddPolicy(HubPolicies.ReviewLinks, p => Ministry(p, HubScopes.ReviewLinks))
            .AddPolicy(HubPolicies.ReadCoverage, p => Ministry(p, HubScopes.ReadCoverage))
            .AddPolicy(HubPolicies.Relink, p => p.RequireClaim(CallerIdentity.ScopeClaim, HubScopes.Admin).RequireRole(ClientRoles.Admin))
            .AddPolicy(HubPolicies.Administer, p => p.RequireClaim(CallerIdentity.ScopeClaim, HubScopes.Admin).RequireRole(ClientRoles.Admin))
            .AddPolicy(HubPolicies.ReadAudit, p => p.RequireClaim(CallerIdentity.ScopeClaim, HubScopes.ReadAudit).RequireRole(ClientRoles.Auditor));
        return services;
    }

    /// <summary>
    /// The TLS client certificate, accepted by the registry (per call: a revocation or suspension applies to the
    /// next call). Kestrel already refused the handshake of any certificate that does not chain to the hub's CA
    /// for client use; the chain is built again here once per connection (the certificate object is the
    /// connection's), and only its validity dates, which move with the clock, are checked per call.
    /// </summary>
    private sealed class ConnectionCertificateHandler(
        IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, HubCertificates certificates, ClientRegistry registry, TimeProvider clock)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<System.Security.Cryptography.X509Certificates.X509Certificate2, CheckedCertificate> Checked = new();

        protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            var certificate = Context.Connection.ClientCertificate;
            if (certificate is null)
            {
                return AuthenticateResult.NoResult();
            }

            var known = Checked.GetValue(certificate, c => new CheckedCertificate(
                CertificateAuthority.Thumbprint(c), c.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.SimpleName, false), certificates.Validator.Validate(c)));
            var now = clock.GetUtcNow();
            var refusal = known.ChainRefusal
                ?? (now < certificate.NotBefore.ToUniversalTime() || now > certificate.NotAfter.ToUniversalTime()
                    || now < certificates.Authority.NotBefore.ToUniversalTime() || now > certificates.Authority.NotAfter.ToUniversalTime()
                    ? "certificate outside its validity period" : null);
            if (refusal is not null)
            {
                Log.CallerRefused(Logger, "(chain)", refusal);
                return AuthenticateResult.Fail(refusal);
            }

            var (client, registryRefusal) = await registry.AuthenticateAsync(known.Thumbprint, known.CommonName, Context.RequestAborted);
            if (client is null)
            {
                Log.CallerRefused(Logger, known.Thumbprint, registryRefusal!);
                return AuthenticateResult.Fail(registryRefusal!);
            }

            var claims = new List<Claim>
            {
                new(ClaimTypes.NameIdentifier, client.ClientId),
                new(ClaimTypes.Name, client.ClientId),
                new(ClaimTypes.Role, client.Role),
                new(CallerIdentity.RegionScopeClaim, client.RegionScope),
                new(CallerIdentity.ThumbprintClaim, known.Thumbprint),
            };
            claims.AddRange(client.Purposes.Select(purpose => new Claim(CallerIdentity.PurposeClaim, purpose)));
            return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme.Name)), Scheme.Name));
        }

        // An unknown or revoked certificate is an authentication failure, which gRPC clients see as UNAUTHENTICATED (HTTP 401).
        protected override Task HandleChallengeAsync(AuthenticationProperties properties)
        {
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Task.CompletedTask;
        }

        private sealed record CheckedCertificate(string Thumbprint, string CommonName, string? ChainRefusal);
    }

    private sealed record ValidatedToken(string? Subject, string[] Scopes);

    /// <summary>Access tokens OpenIddict accepted, by token and certificate, until their expiry (at most a minute).</summary>
    private sealed class ValidatedTokens(TimeProvider clock)
    {
        private static readonly TimeSpan MaxReuse = TimeSpan.FromMinutes(1);
        private const int MaxEntries = 10_000;
        private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Token, string Thumbprint), (ValidatedToken Token, DateTimeOffset Until)> _tokens = new();

        public ValidatedToken? Find(string token, string thumbprint) =>
            _tokens.TryGetValue((token, thumbprint), out var entry) && clock.GetUtcNow() < entry.Until ? entry.Token : null;

        public void Remember(string token, string thumbprint, ValidatedToken validated, DateTimeOffset expires)
        {
            if (_tokens.Count >= MaxEntries)
            {
                // Simpler than an LRU: at most one validation more per live token.
                _tokens.Clear();
            }

            var until = clock.GetUtcNow() + MaxReuse;
            _tokens[(token, thumbprint)] = (validated, until < expires ? until : expires);
        }
    }

    /// <summary>Certificate (registry) and access token (bound to it), or no caller at all.</summary>
    private sealed class CallerAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            var byCertificate = await Context.AuthenticateAsync(CertificateAuthenticationDefaults.AuthenticationScheme);
            if (!byCertificate.Succeeded)
            {
                return byCertificate.Failure is { } failure ? AuthenticateResult.Fail(failure) : AuthenticateResult.NoResult();
            }

            var thumbprint = byCertificate.Principal.FindFirstValue(CallerIdentity.ThumbprintClaim) ?? "";
            var token = await TokenAsync(thumbprint);
            if (token is null)
            {
                Log.CallerRefused(Logger, thumbprint, "no valid access token bound to the certificate");
                return AuthenticateResult.Fail("A valid access token bound to the client certificate is required.");
            }

            var certificateClient = byCertificate.Principal.FindFirstValue(ClaimTypes.NameIdentifier);
            if (!string.Equals(certificateClient, token.Subject, StringComparison.Ordinal))
            {
                return AuthenticateResult.Fail("The access token was issued to another client.");
            }

            var identity = new ClaimsIdentity(byCertificate.Principal.Claims, CallerScheme, ClaimTypes.Name, ClaimTypes.Role);
            identity.AddClaims(token.Scopes.Select(scope => new Claim(CallerIdentity.ScopeClaim, scope)));
            return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), CallerScheme));
        }

        // OpenIddict checks signature, lifetime, issuer and the token's binding (cnf x5t#S256) to this connection's
        // certificate; a token it accepted is reused for the same certificate until it expires (or briefly).
        private async Task<ValidatedToken?> TokenAsync(string thumbprint)
        {
            var tokens = Context.RequestServices.GetRequiredService<ValidatedTokens>();
            var header = Request.Headers.Authorization.ToString();
            if (header.Length > 0 && tokens.Find(header, thumbprint) is { } known)
            {
                return known;
            }

            var byToken = await Context.AuthenticateAsync(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme);
            if (!byToken.Succeeded)
            {
                return null;
            }

            var validated = new ValidatedToken(byToken.Principal.GetClaim(OpenIddictConstants.Claims.Subject), [.. byToken.Principal.GetScopes()]);
            if (header.Length > 0 && byToken.Principal.GetExpirationDate() is { } expires)
            {
                tokens.Remember(header, thumbprint, validated, expires);
            }

            return validated;
        }

        // gRPC clients read a status from the grpc-status header ("trailers-only" response); a bare 401/403
        // would reach them as "Bad gRPC response". The reason carries no secrets: it names what is missing.
        protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
        {
            var result = await HandleAuthenticateOnceSafeAsync();
            WriteGrpcStatus(Response, 16, result.Failure?.Message ?? "A client certificate and an access token bound to it are required.");
        }

        protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
        {
            WriteGrpcStatus(Response, 7, "This client's role or its token's scopes do not allow this call.");
            return Task.CompletedTask;
        }

        private static void WriteGrpcStatus(HttpResponse response, int status, string message)
        {
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "application/grpc";
            response.Headers["grpc-status"] = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
            response.Headers["grpc-message"] = Uri.EscapeDataString(message);
        }
    }
}
