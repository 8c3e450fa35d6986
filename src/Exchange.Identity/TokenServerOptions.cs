using System.ComponentModel.DataAnnotations;

namespace Exchange.Identity;

/// <summary>Settings of the token server, bound from "Hub:Tokens".</summary>
public sealed class TokenServerOptions
{
    public const string Section = "Hub:Tokens";

    /// <summary>Access-token lifetime. Short, because a token is a bearer of its scopes until it expires (revocation still applies at once through the registry).</summary>
    [Range(1, 24 * 60)]
    public int AccessTokenMinutes { get; set; } = 15;

    /// <summary>
    /// The issuer written into tokens and checked by the hub, e.g. https://localhost:5443/. Empty: the
    /// address of the process that serves the token endpoint.
    /// </summary>
    public string Issuer { get; set; } = "";
}
