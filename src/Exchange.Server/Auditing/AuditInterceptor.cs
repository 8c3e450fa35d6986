using System.Collections.Concurrent;
using System.Globalization;
using Exchange.Contracts.V1;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Exchange.Server.Auditing;

/// <summary>
/// No unaudited access: a unary response leaves only after its entry is durable; a stream's first message
/// only after a "stream.begin" entry is; each push batch is acknowledged only after its "push.batch" entry
/// is. If an entry cannot be written the call fails with UNAVAILABLE and nothing more is sent.
/// </summary>
public sealed class AuditInterceptor(AuditLog log, TimeProvider clock, IOptions<AuditOptions> options) : Interceptor
{
    // A long stream names its persons and records every Hub:Audit:StreamIdsPerEntry ids or every 10 s.
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(10);

    private TimeProvider Clock => clock;

    private int IdsPerProgressEntry => options.Value.StreamIdsPerEntry;

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var (http, scope) = Begin(context, request);
        TResponse response;
        try
        {
            response = await continuation(request, context);
        }
        catch (Exception exception)
        {
            await RecordFailureAsync(http, scope, "call", exception);
            throw;
        }

        if (response is IMessage message)
        {
            AuditFacts.Collect(message, scope);
            scope.Count = AuditFacts.CountItems(message);
        }

        await AppendOrFailAsync(http, scope, "call", StatusCode.OK, "");
        scope.OutcomeRecorded = true;
        return response;
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var (http, scope) = Begin(context, request);
        var writer = new AuditingWriter<TResponse>(responseStream, this, http, scope, beginEntry: true);
        try
        {
            await continuation(request, writer, context);
            await writer.FlushProgressAsync();
        }
        catch (Exception exception)
        {
            await RecordFailureAsync(http, scope, "stream.end", exception);
            throw;
        }

        await AppendOrFailAsync(http, scope, "stream.end", StatusCode.OK, "");
        scope.OutcomeRecorded = true;
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var (http, scope) = Begin(context, request: null);
        var batches = new ConcurrentQueue<PushBatch>();
        var reader = new ObservingReader<TRequest>(requestStream, message =>
        {
            if (message is PushBatch batch)
            {
                batches.Enqueue(batch);
            }
        });
        var writer = new AuditingWriter<TResponse>(responseStream, this, http, scope, beginEntry: false) { Batches = batches };
        try
        {
            await continuation(reader, writer, context);
            await writer.FlushProgressAsync();
        }
        catch (Exception exception)
        {
            await RecordFailureAsync(http, scope, "stream.end", exception);
            throw;
        }

        await AppendOrFailAsync(http, scope, "stream.end", StatusCode.OK, "");
        scope.OutcomeRecorded = true;
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var (http, scope) = Begin(context, request: null);
        TResponse response;
        try
        {
            response = await continuation(requestStream, context);
        }
        catch (Exception exception)
        {
            await RecordFailureAsync(http, scope, "call", exception);
            throw;
        }

        if (response is IMessage message)
        {
            AuditFacts.Collect(message, scope);
        }

        await AppendOrFailAsync(http, scope, "call", StatusCode.OK, "");
        scope.OutcomeRecorded = true;
        return response;
    }

    private (HttpContext Http, AuditScope Scope) Begin(ServerCallContext context, object? request)
    {
        var http = context.GetHttpContext();
        var scope = http.Features.Get<AuditScope>();
        if (scope is null)
        {
            scope = new AuditScope(context.Method, clock.GetUtcNow().ToUnixTimeMilliseconds());
            http.Features.Set(scope);
        }

        if (request is IMessage message)
        {
            scope.Purpose = AuditFacts.Purpose(message);
            scope.Parameters = JsonFormatter.Default.Format(message);
            AuditFacts.Collect(message, scope);
            if (AuditFacts.DivisionPrefix(message) is { Length: > 0 } prefix)
            {
                scope.AddRegion(prefix);
            }
        }

        return (http, scope);
    }

    private async Task AppendOrFailAsync(HttpContext http, AuditScope scope, string auditEvent, StatusCode status, string detail)
    {
        try
        {
            await log.AppendAsync(scope.Take(http, auditEvent, status, detail));
        }
        catch (AuditUnavailableException)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "The call could not be audited, so nothing was returned. Try again later."));
        }
    }

    private async Task RecordFailureAsync(HttpContext http, AuditScope scope, string auditEvent, Exception exception)
    {
        var (status, detail) = exception switch
        {
            RpcException rpc => (rpc.StatusCode, rpc.Status.Detail),
            OperationCanceledException => (StatusCode.Cancelled, "The call was cancelled."),
            _ => (StatusCode.Internal, exception.GetType().Name),
        };
        scope.OutcomeRecorded = true;
        try
        {
            await log.AppendAsync(scope.Take(http, auditEvent, status, detail));
        }
        catch (AuditUnavailableException)
        {
            // The call fails anyway with its own status; the middleware must not try again.
        }
    }

    private sealed class AuditingWriter<T>(IServerStreamWriter<T> inner, AuditInterceptor owner, HttpContext http, AuditScope scope, bool beginEntry) : IServerStreamWriter<T>
    {
        private bool _begun = !beginEntry;
        private DateTimeOffset _lastEntry = owner.Clock.GetUtcNow();

        private Task _progress = Task.CompletedTask;

        public ConcurrentQueue<PushBatch>? Batches { get; init; }

        /// <summary>Waits for the progress entry in flight, if any (before the next one, and before the end entry).</summary>
        public Task FlushProgressAsync() => _progress;

        public long Sent { get; private set; }

        public WriteOptions? WriteOptions
        {
            get => inner.WriteOptions;
            set => inner.WriteOptions = value;
        }

        public async Task WriteAsync(T message)
        {
            if (!_begun)
            {
                await owner.AppendOrFailAsync(http, scope, "stream.begin", StatusCode.OK, "");
                _begun = true;
            }

            if (message is PushAck ack)
            {
                await AppendBatchAsync(ack);
            }
            else if (message is IMessage protobuf)
            {
                AuditFacts.Collect(protobuf, scope);
                scope.Count++;
                if (scope.PendingIds >= owner.IdsPerProgressEntry || owner.Clock.GetUtcNow() - _lastEntry > ProgressInterval)
                {
                    // One progress entry in flight at a time, overlapping with the stream: a scan is not
                    // slowed to one commit per chunk, and a failed entry stops the stream at the next write.
                    await FlushProgressAsync();
                    _progress = owner.AppendOrFailAsync(http, scope, "stream.progress", StatusCode.OK, "");
                    _lastEntry = owner.Clock.GetUtcNow();
                }
            }

            await inner.WriteAsync(message);
            Sent++;
        }

        public Task WriteAsync(T message, CancellationToken cancellationToken) => WriteAsync(message);

        /// <summary>One entry per acknowledged batch, durable before the ack is sent: the records it stored.</summary>
        private async Task AppendBatchAsync(PushAck ack)
        {
            var client = http.User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value ?? "";
            if (Batches is not null && Batches.TryDequeue(out var batch))
            {
                foreach (var record in batch.Records)
                {
                    var division = record.BodyCase switch
                    {
                        RecordEnvelope.BodyOneofCase.Register => record.Register.HukouDivision,
                        RecordEnvelope.BodyOneofCase.Enrollment => record.Enrollment.InsuredDivision,
                        _ => "",
                    };
                    if (division.Length >= 2)
                    {
                        scope.AddRegion(division[..2]);
                    }
                }
            }

            foreach (var result in ack.Results)
            {
                if (result.Outcome is RecordOutcome.Stored or RecordOutcome.StoredAsHistory)
                {
                    scope.AddRecord(client + "/" + result.RecordId);
                }
            }

            scope.Count = ack.Stored + ack.StoredAsHistory;
            scope.Parameters = string.Create(CultureInfo.InvariantCulture,
                $"{{\"batchId\":{System.Text.Json.JsonSerializer.Serialize(ack.BatchId)},\"stored\":{ack.Stored},\"storedAsHistory\":{ack.StoredAsHistory},\"duplicates\":{ack.Duplicates},\"rejected\":{ack.Rejected}}}");
            await owner.AppendOrFailAsync(http, scope, "push.batch", StatusCode.OK, "");
            scope.Parameters = "";
        }
    }

    private sealed class ObservingReader<T>(IAsyncStreamReader<T> inner, Action<T> observe) : IAsyncStreamReader<T>
    {
        public T Current => inner.Current;

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            var moved = await inner.MoveNext(cancellationToken);
            if (moved)
            {
                observe(inner.Current);
            }

            return moved;
        }
    }
}
