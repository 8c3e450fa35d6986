using Grpc.Core;

namespace Exchange.Server.Auditing;

public static class AuditCallContext
{
    /// <summary>
    /// The call's audit scope, for a handler that must name something its messages do not show
    /// (the interceptor already records persons, records and regions found in requests and responses).
    /// </summary>
    public static AuditScope Audit(this ServerCallContext context) =>
        context.GetHttpContext().Features.Get<AuditScope>()
            ?? throw new InvalidOperationException("The audit middleware did not run for this call.");
}
