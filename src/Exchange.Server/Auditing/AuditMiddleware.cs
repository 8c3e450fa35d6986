using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Exchange.Server.Auditing;

/// <summary>
/// Runs before authentication, so it sees every call: a call refused by authentication (401) or
/// authorization (403) never reaches a gRPC handler, and is written to the audit log here, with the
/// thumbprint of the certificate presented on the connection.
/// </summary>
public sealed class AuditMiddleware(RequestDelegate next, AuditLog log, TimeProvider clock, ILogger<AuditMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext http)
    {
        var scope = new AuditScope(http.Request.Path.Value ?? "", clock.GetUtcNow().ToUnixTimeMilliseconds());
        http.Features.Set(scope);
        try
        {
            await next(http);
        }
        finally
        {
            if (!scope.OutcomeRecorded)
            {
                await RecordAsync(http, scope);
            }
        }
    }

    private async Task RecordAsync(HttpContext http, AuditScope scope)
    {
        var status = http.Response.StatusCode switch
        {
            // The token endpoint is plain HTTP (OAuth): an issued token is OK, a refused client unauthenticated.
            _ when !IsGrpc(http) && http.Response.StatusCode == StatusCodes.Status200OK => StatusCode.OK,
            StatusCodes.Status400BadRequest when !IsGrpc(http) => StatusCode.Unauthenticated,
            StatusCodes.Status401Unauthorized => StatusCode.Unauthenticated,
            StatusCodes.Status403Forbidden => StatusCode.PermissionDenied,
            StatusCodes.Status404NotFound => StatusCode.Unimplemented,
            _ => GrpcStatus(http) ?? StatusCode.Unknown,
        };
        try
        {
            // Nothing of the caller's data left with a refusal, so a failure here is logged, not thrown.
            var reason = Uri.UnescapeDataString(http.Response.Headers["grpc-message"].ToString());
            await log.AppendAsync(scope.Take(http, "call", status, reason.Length > 0 ? reason : status switch
            {
                StatusCode.Unauthenticated => "The caller is not authenticated.",
                StatusCode.PermissionDenied => "The caller's role or token scopes may not call this method.",
                _ => "",
            }));
        }
        catch (AuditUnavailableException exception)
        {
            Log.AuditOfRefusalFailed(logger, scope.Method, exception.Message);
        }
    }

    private static bool IsGrpc(HttpContext http) =>
        http.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true;

    private static StatusCode? GrpcStatus(HttpContext http)
    {
        var trailers = http.Features.Get<IHttpResponseTrailersFeature>()?.Trailers;
        var value = trailers is not null && trailers.TryGetValue("grpc-status", out var fromTrailers)
            ? fromTrailers.ToString()
            : http.Response.Headers["grpc-status"].ToString();
        return int.TryParse(value, out var code) ? (StatusCode)code : null;
    }
}
