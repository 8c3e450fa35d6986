using Google.Rpc;
using Grpc.Core;

namespace Exchange.Server.Services;

/// <summary>gRPC errors with google.rpc details, so clients in any language can read the offending field.</summary>
internal static class RpcErrors
{
    public static RpcException InvalidArgument(string field, string description) =>
        new Google.Rpc.Status
        {
            Code = (int)Code.InvalidArgument,
            Message = $"{field}: {description}",
            Details =
            {
                Google.Protobuf.WellKnownTypes.Any.Pack(new BadRequest
                {
                    FieldViolations = { new BadRequest.Types.FieldViolation { Field = field, Description = description } },
                }),
            },
        }.ToRpcException();

    public static RpcException PermissionDenied(string reason) =>
        new Google.Rpc.Status
        {
            Code = (int)Code.PermissionDenied,
            Message = reason,
            Details = { Google.Protobuf.WellKnownTypes.Any.Pack(new ErrorInfo { Reason = "OUT_OF_SCOPE", Domain = "exchange.v1" }) },
        }.ToRpcException();
}
