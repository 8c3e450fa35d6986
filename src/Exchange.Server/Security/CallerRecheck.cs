using Exchange.Store;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Exchange.Server.Security;

/// <summary>
/// Re-asks the registry about the caller's certificate during a long stream, so that a revocation or a
/// suspension ends open streams too (with UNAUTHENTICATED at their next message), not only new calls.
/// </summary>
public static class CallerRecheck
{
    /// <exception cref="RpcException">UNAUTHENTICATED when the registry no longer accepts the certificate.</exception>
    public static async Task EnsureStillAcceptedAsync(ServerCallContext context, CancellationToken cancellationToken)
    {
        var http = context.GetHttpContext();
        var certificate = http.Connection.ClientCertificate
            ?? throw new RpcException(new Status(StatusCode.Unauthenticated, "The connection has no client certificate."));
        var registry = http.RequestServices.GetRequiredService<ClientRegistry>();
        var (client, refusal) = await registry.AuthenticateAsync(certificate, cancellationToken);
        if (client is null)
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "The caller's credentials were withdrawn: " + refusal + "."));
        }
    }
}
