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
            .AddCertificate()
            .AddScheme<AuthenticationSchemeOptions, CallerAuthenticationHandler>(CallerScheme, null);
        services.AddOptions<CertificateAuthenticationOptions>(CertificateAuthenticationDefaults.AuthenticationScheme)
            .Configure<HubCertificates>((options, certificates) =>
            {
                // Only certificates chained to the hub's own CA; the OS trust store plays no part.
                options.AllowedCertificateTypes = CertificateTypes.Chained;
                options.ChainTrustValidationMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust;
                options.CustomTrustStore.Add(certificates.Authority);
                // Revocation lives in the hub's registry (no CRL/OCSP endpoints exist for this private CA).
                options.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
                options.ValidateCertificateUse = true;
                options.ValidateValidityPeriod = true;
                options.Events = new CertificateAuthenticationEvents
                {
                    OnCertificateValidated = AuthenticateAgainstRegistryAsync,
                    // The handler's default challenge is 403; an unknown or revoked certificate is an
                    // authentication failure, which gRPC clients see as UNAUTHENTICATED (HTTP 401).
                    OnChallenge = context =>
                    {
                        context.HandleResponse();
                        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                        return Task.CompletedTask;
                    },
                    OnAuthenticationFailed = context =>
                    {
                        var logger = context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Exchange.Authentication");
                        Log.CallerRefused(logger, "(chain)", context.Exception.Message);
                        return Task.CompletedTask;
                    },
                };
            });

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

    private static async Task AuthenticateAgainstRegistryAsync(CertificateValidatedContext context)
    {
        var certificate = context.ClientCertificate;
        var thumbprint = CertificateAuthority.Thumbprint(certificate);
        var registry = context.HttpContext.RequestServices.GetRequiredService<ClientRegistry>();
        var (client, refusal) = await registry.AuthenticateAsync(certificate, context.HttpContext.RequestAborted);
        if (client is null)
        {
            var logger = context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Exchange.Authentication");
            Log.CallerRefused(logger, thumbprint, refusal!);
            context.Fail(refusal!);
            return;
        }

        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, client.ClientId),
            new(ClaimTypes.Name, client.ClientId),
            new(ClaimTypes.Role, client.Role),
            new(CallerIdentity.RegionScopeClaim, client.RegionScope),
            new(CallerIdentity.ThumbprintClaim, thumbprint),
        };
        claims.AddRange(client.Purposes.Select(purpose => new Claim(CallerIdentity.PurposeClaim, purpose)));
        context.Principal = new ClaimsPrincipal(new ClaimsIdentity(claims, context.Scheme.Name));
        context.Success();
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

            // OpenIddict checks signature, lifetime, issuer and the token's binding (cnf x5t#S256) to this connection's certificate.
            var byToken = await Context.AuthenticateAsync(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme);
            if (!byToken.Succeeded)
            {
                Log.CallerRefused(Logger, byCertificate.Principal.FindFirstValue(CallerIdentity.ThumbprintClaim) ?? "", "no valid access token bound to the certificate");
                return AuthenticateResult.Fail("A valid access token bound to the client certificate is required.");
            }

            var certificateClient = byCertificate.Principal.FindFirstValue(ClaimTypes.NameIdentifier);
            var tokenClient = byToken.Principal.GetClaim(OpenIddictConstants.Claims.Subject);
            if (!string.Equals(certificateClient, tokenClient, StringComparison.Ordinal))
            {
                return AuthenticateResult.Fail("The access token was issued to another client.");
            }

            var identity = new ClaimsIdentity(byCertificate.Principal.Claims, CallerScheme, ClaimTypes.Name, ClaimTypes.Role);
            identity.AddClaims(byToken.Principal.GetScopes().Select(scope => new Claim(CallerIdentity.ScopeClaim, scope)));
            return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), CallerScheme));
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
