using System.Security.Cryptography.X509Certificates;
using Exchange.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Core;
using OpenIddict.EntityFrameworkCore.Models;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Exchange.Identity;

/// <summary>
/// OpenIddict's application manager with the hub's client registry as the source of truth: the OAuth
/// application of a client system is (re)written from the registry whenever the token server looks it up,
/// and a TLS client certificate authenticates a client only while the registry says so (registered to that
/// client, not revoked, not past its rotation grace, client not suspended).
/// </summary>
public sealed class RegistryApplicationManager(
    IOpenIddictApplicationCache<OpenIddictEntityFrameworkCoreApplication> cache,
    ILogger<OpenIddictApplicationManager<OpenIddictEntityFrameworkCoreApplication>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictApplicationStore<OpenIddictEntityFrameworkCoreApplication> store,
    ClientRegistry registry,
    ExchangeDbContext context)
    : OpenIddictApplicationManager<OpenIddictEntityFrameworkCoreApplication>(cache, logger, options, store)
{
    // Token requests of one client arrive together (a pusher opens several channels); one synchronizes at a time.
    private static readonly SemaphoreSlim Synchronizing = new(1, 1);

    public override async ValueTask<OpenIddictEntityFrameworkCoreApplication?> FindByClientIdAsync(string identifier, CancellationToken cancellationToken = default)
    {
        await Synchronizing.WaitAsync(cancellationToken);
        try
        {
            return await SynchronizeAsync(identifier, cancellationToken);
        }
        finally
        {
            Synchronizing.Release();
        }
    }

    private async ValueTask<OpenIddictEntityFrameworkCoreApplication?> SynchronizeAsync(string identifier, CancellationToken cancellationToken)
    {
        var client = await registry.FindAsync(identifier, cancellationToken);
        var application = await base.FindByClientIdAsync(identifier, cancellationToken);
        if (client is null)
        {
            return null;
        }

        var descriptor = Describe(client);
        if (descriptor.JsonWebKeySet!.Keys.Count == 0)
        {
            return null; // no usable certificate: nothing could authenticate as this client
        }

        try
        {
            if (application is null)
            {
                return await CreateAsync(descriptor, cancellationToken);
            }

            // Role changes and new certificates reach the OAuth application here, before they matter.
            var current = new OpenIddictApplicationDescriptor();
            await PopulateAsync(current, application, cancellationToken);
            if (!SameGrant(current, descriptor))
            {
                await UpdateAsync(application, descriptor, cancellationToken);
            }

            return application;
        }
        catch (Exception exception) when (exception is OpenIddictExceptions.ConcurrencyException or OpenIddictExceptions.ValidationException or Microsoft.EntityFrameworkCore.DbUpdateException)
        {
            // Another hub node synchronized the same client at the same moment: forget this request's failed
            // write (the context is shared with OpenIddict's stores for the rest of the request) and use theirs.
            // The store, not the manager's cache: the cache may remember this request's "not found".
            context.ChangeTracker.Clear();
            return await Store.FindByClientIdAsync(identifier, cancellationToken);
        }
    }

    private static bool SameGrant(OpenIddictApplicationDescriptor current, OpenIddictApplicationDescriptor wanted) =>
        current.Permissions.SetEquals(wanted.Permissions)
        && string.Equals(current.DisplayName, wanted.DisplayName, StringComparison.Ordinal)
        && (current.JsonWebKeySet?.Keys.Select(k => k.Kid).Order().SequenceEqual(wanted.JsonWebKeySet!.Keys.Select(k => k.Kid).Order()) ?? false);

    public override async ValueTask<bool> ValidatePublicKeyInfrastructureTlsClientCertificateAsync(
        OpenIddictEntityFrameworkCoreApplication application, X509Certificate2 certificate, X509ChainPolicy policy, CancellationToken cancellationToken = default)
    {
        using (var chain = new X509Chain { ChainPolicy = policy })
        {
            if (!chain.Build(certificate))
            {
                return false;
            }
        }

        var clientId = await GetClientIdAsync(application, cancellationToken);
        var (client, _) = await registry.AuthenticateAsync(certificate, cancellationToken);
        return client is not null && string.Equals(client.ClientId, clientId, StringComparison.Ordinal);
    }

    private static OpenIddictApplicationDescriptor Describe(ClientSystem client)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = client.Id,
            ClientType = ClientTypes.Confidential,
            DisplayName = client.DisplayName,
            JsonWebKeySet = new JsonWebKeySet(),
        };
        descriptor.Permissions.UnionWith([Permissions.Endpoints.Token, Permissions.GrantTypes.ClientCredentials]);
        descriptor.Permissions.UnionWith(HubScopes.ForRole(client.Role).Select(scope => Permissions.Prefixes.Scope + scope));

        // The client's usable certificates are its keys (a confidential client without a secret needs some).
        foreach (var stored in client.Certificates.Where(c => c.RevokedAtUtc is null))
        {
            if (stored.Der is not { } der)
            {
                continue;
            }

            using var certificate = X509CertificateLoader.LoadCertificate(der);
            using var publicKey = certificate.GetECDsaPublicKey();
            if (publicKey is null)
            {
                continue;
            }

            var key = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(publicKey));
            key.Use = JsonWebKeyUseNames.Sig;
            key.Kid = stored.Thumbprint;
            key.X5c.Add(Convert.ToBase64String(der));
            descriptor.JsonWebKeySet.Keys.Add(key);
        }

        return descriptor;
    }
}
