using System.Security.Claims;
using System.Security.Cryptography;
using Exchange.Pki;
using Exchange.Store;
using Microsoft.AspNetCore.Authentication.Certificate;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Exchange.Server.Security;

/// <summary>Authorization policy names, one per kind of access.</summary>
public static class HubPolicies
{
    public const string PushRecords = "records.push";
    public const string ReadRecords = "records.read";
    public const string ReviewLinks = "links.review";
    public const string Relink = "links.relink";
    public const string ReadCoverage = "coverage.read";
    public const string ReadAudit = "audit.read";
}

public static class HubAuthentication
{
    /// <summary>
    /// Authenticates every call by its TLS client certificate, then by the hub's registry (registered,
    /// not revoked, client not suspended). Looked up per call, so a revocation applies to the next call.
    /// </summary>
    public static IServiceCollection AddHubAuthentication(this IServiceCollection services)
    {
        services.AddAuthentication(CertificateAuthenticationDefaults.AuthenticationScheme).AddCertificate();
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

        services.AddAuthorizationBuilder()
            // Any endpoint not named below (health, reflection) still needs a registered client.
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(HubPolicies.PushRecords, p => p.RequireRole(ClientRoles.PublicSecurity, ClientRoles.HumanResources))
            .AddPolicy(HubPolicies.ReadRecords, p => p.RequireRole(ClientRoles.PublicSecurity, ClientRoles.HumanResources))
            // Reviewing links is ministry work on ministry data; re-linking the whole store is an operator's job.
            .AddPolicy(HubPolicies.ReviewLinks, p => p.RequireRole(ClientRoles.PublicSecurity, ClientRoles.HumanResources))
            .AddPolicy(HubPolicies.Relink, p => p.RequireRole(ClientRoles.Admin))
            .AddPolicy(HubPolicies.ReadCoverage, p => p.RequireRole(ClientRoles.PublicSecurity, ClientRoles.HumanResources))
            // The audit log is for auditors only; their region scope limits which entries they see.
            .AddPolicy(HubPolicies.ReadAudit, p => p.RequireRole(ClientRoles.Auditor));
        return services;
    }

    private static async Task AuthenticateAgainstRegistryAsync(CertificateValidatedContext context)
    {
        var certificate = context.ClientCertificate;
        var thumbprint = CertificateAuthority.Thumbprint(certificate);
        var registry = context.HttpContext.RequestServices.GetRequiredService<ClientRegistry>();
        var commonName = certificate.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.SimpleName, false);
        var (client, refusal) = await registry.AuthenticateAsync(thumbprint, commonName, context.HttpContext.RequestAborted);
        if (client is null)
        {
            var logger = context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Exchange.Authentication");
            Log.CallerRefused(logger, thumbprint, refusal!);
            context.Fail(refusal!);
            return;
        }

        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, client.ClientId),
                new Claim(ClaimTypes.Name, client.ClientId),
                new Claim(ClaimTypes.Role, client.Role),
                new Claim(CallerIdentity.RegionScopeClaim, client.RegionScope),
                new Claim(CallerIdentity.ThumbprintClaim, thumbprint),
            ],
            context.Scheme.Name);
        context.Principal = new ClaimsPrincipal(identity);
        context.Success();
    }
}
