using Exchange.Server.Services;
using Grpc.Core;

namespace Exchange.Server.Security;

/// <summary>The purpose rule for reads of person data, in one place: a stated purpose from the accepted list.</summary>
public static class Purposes
{
    /// <exception cref="RpcException">PERMISSION_DENIED when the purpose is missing or not accepted.</exception>
    public static void Require(HubOptions options, string purpose)
    {
        if (string.IsNullOrEmpty(purpose) || !options.Purposes.Contains(purpose, StringComparer.Ordinal))
        {
            throw RpcErrors.PermissionDenied(
                $"A read of person data states its purpose: one of {string.Join(", ", options.Purposes)}; got '{purpose}'.");
        }
    }
}
