using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Exchange.Store;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.EntityFrameworkCore.Models;
using OpenIddict.Server;
using OpenIddict.Validation;

namespace Exchange.Identity;

/// <summary>What the token server and the token validation need from the process hosting them.</summary>
/// <param name="Authority">The hub's CA: the only issuer of client certificates the token server accepts.</param>
/// <param name="Keys">The persisted signing and encryption keys.</param>
public sealed record IdentitySetup(X509Certificate2 Authority, TokenKeys Keys);

public static class IdentityServiceCollectionExtensions
{
    /// <summary>The token endpoint, relative to the hub's address.</summary>
    public const string TokenEndpoint = "connect/token";

    public const string DefaultIssuer = "https://exchange-hub/";

    /// <summary>
    /// OpenIddict's core (EF Core stores in the hub's database) and token validation, plus the token server
    /// itself when this process hosts it. Without it, tokens come from a separate token-server process that
    /// shares the key folder and the issuer.
    /// </summary>
    public static IServiceCollection AddExchangeIdentity(this IServiceCollection services, bool hostTokenServer, Func<IServiceProvider, IdentitySetup> setup)
    {
        services.AddOptions<TokenServerOptions>().BindConfiguration(TokenServerOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(setup);
        // OpenIddict's EF stores take a scoped context; the hub otherwise uses a pooled factory.
        services.AddScoped(provider => provider.GetRequiredService<IDbContextFactory<ExchangeDbContext>>().CreateDbContext());

        var openIddict = services.AddOpenIddict()
            .AddCore(core =>
            {
                core.UseEntityFrameworkCore().UseDbContext<ExchangeDbContext>();
                core.ReplaceApplicationManager<OpenIddictEntityFrameworkCoreApplication, RegistryApplicationManager>();
            });

        if (hostTokenServer)
        {
            openIddict.AddServer(server =>
            {
                server.SetTokenEndpointUris(TokenEndpoint);
                server.AllowClientCredentialsFlow();
                server.RegisterScopes([.. HubScopes.All]);
                server.UseClientCertificateBoundAccessTokens();
                // Signed, not encrypted: the claims (client id, role, region, scopes) are the client's own and not
                // secret, and checking a signature costs far less per call than decrypting (RSA-OAEP) a JWE.
                server.DisableAccessTokenEncryption();
                // No row per issued token: revocation works through the registry (the token is bound to a
                // certificate the registry must still accept), so stored token entries would only grow unpruned.
                server.DisableTokenStorage();
                server.AddEventHandler(IssueClientToken.Descriptor);
                server.UseAspNetCore();
            });
            services.AddOptions<OpenIddictServerOptions>().Configure<IServiceProvider>((options, provider) =>
            {
                var identity = provider.GetRequiredService<IdentitySetup>();
                var tokens = provider.GetRequiredService<IOptions<TokenServerOptions>>().Value;
                var clock = provider.GetRequiredService<TimeProvider>();
                options.Issuer = new Uri(string.IsNullOrEmpty(tokens.Issuer) ? DefaultIssuer : tokens.Issuer);
                options.TimeProvider = clock;
                options.AccessTokenLifetime = TimeSpan.FromMinutes(tokens.AccessTokenMinutes);
                options.PublicKeyInfrastructureTlsClientAuthenticationPolicy = ClientCertificatePolicy(identity.Authority);
                foreach (var certificate in identity.Keys.Signing(clock))
                {
                    options.SigningCredentials.Add(new SigningCredentials(new X509SecurityKey(certificate), SecurityAlgorithms.RsaSha256));
                }

                foreach (var certificate in identity.Keys.Encryption(clock))
                {
                    options.EncryptionCredentials.Add(new EncryptingCredentials(
                        new X509SecurityKey(certificate), SecurityAlgorithms.RsaOAEP, SecurityAlgorithms.Aes256CbcHmacSha512));
                }
            });
        }

        openIddict.AddValidation(validation =>
        {
            if (hostTokenServer)
            {
                validation.UseLocalServer();
            }

            validation.UseAspNetCore();
        });
        services.AddOptions<OpenIddictValidationOptions>().Configure<TimeProvider>((options, clock) => options.TimeProvider = clock);
        services.AddOptions<OpenIddict.Core.OpenIddictCoreOptions>().Configure<TimeProvider>((options, clock) => options.TimeProvider = clock);
        if (!hostTokenServer)
        {
            // A separate token server: same issuer, same keys (from the shared key folder), no network hop per call.
            services.AddOptions<OpenIddictValidationOptions>().Configure<IServiceProvider>((options, provider) =>
            {
                var identity = provider.GetRequiredService<IdentitySetup>();
                var tokens = provider.GetRequiredService<IOptions<TokenServerOptions>>().Value;
                var clock = provider.GetRequiredService<TimeProvider>();
                var issuer = new Uri(string.IsNullOrEmpty(tokens.Issuer) ? DefaultIssuer : tokens.Issuer);
                options.Issuer = issuer;
                var configuration = new OpenIddictConfiguration { Issuer = issuer };
                foreach (var certificate in identity.Keys.Signing(clock))
                {
                    configuration.SigningKeys.Add(new X509SecurityKey(certificate));
                }

                options.Configuration = configuration;
                foreach (var certificate in identity.Keys.Encryption(clock))
                {
                    options.EncryptionCredentials.Add(new EncryptingCredentials(
                        new X509SecurityKey(certificate), SecurityAlgorithms.RsaOAEP, SecurityAlgorithms.Aes256CbcHmacSha512));
                }
            });
        }

        return services;
    }

    /// <summary>Client certificates chain to the hub's CA and carry the clientAuth usage; revocation is the registry's job.</summary>
    private static X509ChainPolicy ClientCertificatePolicy(X509Certificate2 authority)
    {
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
        };
        policy.ApplicationPolicy.Add(new Oid("1.3.6.1.5.5.7.3.2"));
        policy.CustomTrustStore.Add(authority);
        return policy;
    }
}
