using Exchange.Server.Services;
using Grpc.Core;

namespace Exchange.Server.Security;

/// <summary>The purpose rule for reads of person data, in one place: a stated purpose the caller is registered for.</summary>
public static class Purposes
{
    /// <exception cref="RpcException">PERMISSION_DENIED when the purpose is missing or not registered for this client.</exception>
    public static void Require(CallerIdentity caller, string purpose)
    {
        if (string.IsNullOrEmpty(purpose))
        {
            throw RpcErrors.PermissionDenied(
                $"A read of person data states its purpose; this client may state: {Allowed(caller)}.");
        }

        if (!caller.Purposes.Contains(purpose, StringComparer.Ordinal))
        {
            throw RpcErrors.PermissionDenied(
                $"Purpose '{purpose}' is not registered for this client; it may state: {Allowed(caller)}.");
        }
    }

    private static string Allowed(CallerIdentity caller) => caller.Purposes.Count == 0 ? "(none)" : string.Join(", ", caller.Purposes);
}
