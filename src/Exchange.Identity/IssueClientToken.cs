using System.Security.Claims;
using Exchange.Store;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Exchange.Identity;

/// <summary>
/// Answers a client-credentials token request once OpenIddict has authenticated the client by its TLS
/// certificate: the token names the client, carries its role and region scope from the registry, and the
/// scopes it asked for (all of its role's scopes when it named none). OpenIddict binds it to the certificate.
/// </summary>
public sealed class IssueClientToken(ClientRegistry registry) : IOpenIddictServerHandler<HandleTokenRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<HandleTokenRequestContext>()
            .UseScopedHandler<IssueClientToken>()
            .SetOrder(int.MinValue + 100_000)
            .Build();

    public async ValueTask HandleAsync(HandleTokenRequestContext context)
    {
        if (!context.Request.IsClientCredentialsGrantType())
        {
            return;
        }

        var client = await registry.FindAsync(context.ClientId!, context.CancellationToken);
        if (client is null || client.Suspended)
        {
            context.Reject(Errors.InvalidClient, "The client is not registered or is suspended.");
            return;
        }

        var allowed = HubScopes.ForRole(client.Role);
        var requested = context.Request.GetScopes();
        var scopes = requested.IsDefaultOrEmpty ? allowed : requested.Where(allowed.Contains).ToList();
        if (!requested.IsDefaultOrEmpty && scopes.Count != requested.Length)
        {
            context.Reject(Errors.InvalidScope, "The client may not request: " + string.Join(' ', requested.Except(allowed)));
            return;
        }

        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, client.Id)
            .SetClaim(Claims.Name, client.Id)
            .SetClaim(HubClaims.Role, client.Role)
            .SetClaim(HubClaims.RegionScope, client.RegionScope);
        identity.SetScopes(scopes);
        identity.SetDestinations(_ => [Destinations.AccessToken]);
        context.SignIn(new ClaimsPrincipal(identity));
    }
}
