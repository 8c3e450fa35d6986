using Exchange.Server.Security;
using Exchange.Validation;

namespace Exchange.Server.Services;

internal static class RegionScopes
{
    /// <summary>
    /// The division prefix a read is limited to: the requested one if it lies within the caller's scope,
    /// the caller's whole scope if none was requested.
    /// </summary>
    public static string Resolve(CallerIdentity caller, string requested, string field)
    {
        if (string.IsNullOrEmpty(requested))
        {
            return caller.RegionScope;
        }

        if (!DivisionCode.IsValidScope(requested))
        {
            throw RpcErrors.InvalidArgument(field, "A division prefix is 2, 4 or 6 digits of a GB/T 2260 code.");
        }

        return DivisionCode.IsScopeWithin(requested, caller.RegionScope)
            ? requested
            : throw RpcErrors.PermissionDenied($"Client '{caller.ClientId}' is scoped to '{caller.RegionScope}' and may not read '{requested}'.");
    }
}
