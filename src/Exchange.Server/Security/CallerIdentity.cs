using System.Security.Claims;
using Grpc.Core;

namespace Exchange.Server.Security;

/// <summary>Who is calling, as established from the client certificate, the registry and the access token.</summary>
/// <param name="Purposes">Purpose codes this client is registered for.</param>
public sealed record CallerIdentity(string ClientId, string Role, string RegionScope, string Thumbprint, IReadOnlyList<string> Purposes)
{
    public const string RegionScopeClaim = "exchange:region_scope";
    public const string ThumbprintClaim = "x5t#S256";
    public const string PurposeClaim = "exchange:purpose";
    public const string ScopeClaim = "scope";

    public static CallerIdentity From(ServerCallContext context) => From(context.GetHttpContext().User);

    public static CallerIdentity From(ClaimsPrincipal user) =>
        new(
            user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw Unauthenticated(),
            user.FindFirstValue(ClaimTypes.Role) ?? throw Unauthenticated(),
            user.FindFirstValue(RegionScopeClaim) ?? throw Unauthenticated(),
            user.FindFirstValue(ThumbprintClaim) ?? throw Unauthenticated(),
            user.FindAll(PurposeClaim).Select(claim => claim.Value).ToList());

    private static RpcException Unauthenticated() => new(new Status(StatusCode.Unauthenticated, "The caller is not authenticated."));
}
