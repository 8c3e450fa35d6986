using System.Threading.Channels;
using Exchange.Contracts.V1;
using Exchange.Server.Security;
using Exchange.Store;
using Exchange.Validation;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Exchange.Server.Services;

public sealed class RecordGrpcService(
    BatchIngestor ingestor,
    PushActivity activity,
    IDbContextFactory<ExchangeDbContext> contextFactory,
    IOptions<HubOptions> options,
    TimeProvider clock,
    ILogger<RecordGrpcService> logger) : RecordService.RecordServiceBase
{
    private const int DefaultMaxChanges = 10_000;
    private const int MaxChangesLimit = 100_000;
    private const int ChangePageSize = 1_000;

    [Authorize(Policy = HubPolicies.PushRecords)]
    public override async Task Push(IAsyncStreamReader<PushBatch> requestStream, IServerStreamWriter<PushAck> responseStream, ServerCallContext context)
    {
        var caller = CallerIdentity.From(context);
        using var active = activity.Begin();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);

        // Reading and validating run ahead of storing by a bounded number of batches: network, validation
        // and the store's work overlap, and HTTP/2 flow control holds the client back when the hub falls
        // behind. Memory per stream is bounded. A malformed batch ends the stream in its place: the batches
        // before it are stored and acknowledged first.
        var channel = Channel.CreateBounded<BatchIngestor.PreparedBatch>(new BoundedChannelOptions(options.Value.PushReadAhead)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        var reader = ReadBatchesAsync(requestStream, ingestor, channel.Writer, stop.Token);

        var acknowledged = 0;
        try
        {
            await foreach (var batch in channel.Reader.ReadAllAsync(stop.Token))
            {
                await CallerRecheck.EnsureStillAcceptedAsync(context, stop.Token);
                var ack = await ingestor.StoreAsync(caller, batch, stop.Token);
                activity.RecordsStored.Add(ack.Stored + ack.StoredAsHistory);
                await responseStream.WriteAsync(ack, stop.Token);
                acknowledged++;
            }

            await reader;
            Log.PushEnded(logger, caller.ClientId, acknowledged);
        }
        catch (Exception exception)
        {
            await stop.CancelAsync();
            await reader.ContinueWith(_ => { }, TaskScheduler.Default);
            Log.PushFailed(logger, caller.ClientId, acknowledged, exception.GetType().Name + ": " + exception.Message);
            throw Translate(exception);
        }
    }

    [Authorize(Policy = HubPolicies.ReadRecords)]
    public override async Task<GetRecordsResponse> GetRecords(GetRecordsRequest request, ServerCallContext context)
    {
        var caller = CallerIdentity.From(context);
        Purposes.Require(caller, request.Purpose);
        var scope = RegionScopes.Resolve(caller, request.DivisionPrefix, "division_prefix");
        var parsed = NationalId.Parse(request.NationalId, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime));
        if (parsed.Value is null)
        {
            throw RpcErrors.InvalidArgument("national_id", parsed.ErrorDescription!);
        }

        var nationalId = parsed.Value.Normalized;
        await using var db = await contextFactory.CreateDbContextAsync(context.CancellationToken);
        var rows = await (
                from current in db.SourceRecords
                join version in db.RecordVersions on current.VersionRowId equals version.Id
                where current.NationalId == nationalId && !current.Retracted && current.Division.StartsWith(scope)
                orderby current.SourceSystem, current.RecordId
                select version)
            .Take(1_000)
            .ToListAsync(context.CancellationToken);

        var response = new GetRecordsResponse();
        response.Records.AddRange(rows.Select(row => ToStoredRecord(row, current: true)));
        return response;
    }

    [Authorize(Policy = HubPolicies.ReadRecords)]
    public override async Task ListChanges(ListChangesRequest request, IServerStreamWriter<RecordChange> responseStream, ServerCallContext context)
    {
        var caller = CallerIdentity.From(context);
        Purposes.Require(caller, request.Purpose);
        var scope = RegionScopes.Resolve(caller, request.DivisionPrefix, "division_prefix");
        if (request.MaxChanges is < 0 or > MaxChangesLimit)
        {
            throw RpcErrors.InvalidArgument("max_changes", $"At most {MaxChangesLimit} changes per call.");
        }

        if (request.AfterCursor < 0)
        {
            throw RpcErrors.InvalidArgument("after_cursor", "A cursor is never negative.");
        }

        var remaining = request.MaxChanges == 0 ? DefaultMaxChanges : request.MaxChanges;
        var cursor = request.AfterCursor;
        var source = request.SourceSystem;
        await using var db = await contextFactory.CreateDbContextAsync(context.CancellationToken);
        while (remaining > 0)
        {
            var page = await db.RecordVersions
                .Where(v => v.Id > cursor && (source == "" || v.SourceSystem == source) && v.Division.StartsWith(scope))
                .OrderBy(v => v.Id)
                .Take(Math.Min(ChangePageSize, remaining))
                .Select(v => new { Version = v, Current = db.SourceRecords.Any(s => s.VersionRowId == v.Id) })
                .ToListAsync(context.CancellationToken);
            foreach (var row in page)
            {
                await responseStream.WriteAsync(new RecordChange { Cursor = row.Version.Id, Record = ToStoredRecord(row.Version, row.Current) }, context.CancellationToken);
            }

            if (page.Count == 0)
            {
                break;
            }

            cursor = page[^1].Version.Id;
            remaining -= page.Count;
        }
    }

    private static async Task ReadBatchesAsync(
        IAsyncStreamReader<PushBatch> requestStream, BatchIngestor ingestor, ChannelWriter<BatchIngestor.PreparedBatch> writer, CancellationToken cancellationToken)
    {
        try
        {
            while (await requestStream.MoveNext(cancellationToken))
            {
                await writer.WriteAsync(ingestor.Prepare(requestStream.Current), cancellationToken);
            }

            writer.Complete();
        }
        catch (Exception exception)
        {
            writer.Complete(exception);
        }
    }

    private static RpcException Translate(Exception exception) => exception switch
    {
        RpcException rpc => rpc,
        InvalidProtocolBufferException => RpcErrors.InvalidArgument("records", "The message is not a valid exchange.v1.PushBatch."),
        { InnerException: InvalidProtocolBufferException } => RpcErrors.InvalidArgument("records", "The message is not a valid exchange.v1.PushBatch."),
        OperationCanceledException => new RpcException(new Grpc.Core.Status(StatusCode.Cancelled, "The push was cancelled; acknowledged batches are stored.")),
        IOException => new RpcException(new Grpc.Core.Status(StatusCode.Cancelled, "The client went away; acknowledged batches are stored.")),
        _ => new RpcException(new Grpc.Core.Status(StatusCode.Internal, "The batch could not be stored; it was not acknowledged and may be resent.")),
    };

    internal static StoredRecord ToStoredRecord(RecordVersion row, bool current) =>
        ToStoredRecord(row.SourceSystem, row.Payload, row.Kind, row.NationalId, row.StoredAtUtc, row.Flags, current);

    /// <summary>The same from the columns alone (GetPerson reads only these, not the whole version row).</summary>
    internal static StoredRecord ToStoredRecord(string sourceSystem, byte[] payload, StoredRecordKind kind, string nationalId, DateTime storedAtUtc, string flags, bool current)
    {
        var stored = new StoredRecord
        {
            SourceSystem = sourceSystem,
            Envelope = RecordEnvelope.Parser.ParseFrom(payload),
            Kind = (RecordKind)kind,
            NormalizedNationalId = nationalId,
            StoredAt = Timestamp.FromDateTime(DateTime.SpecifyKind(storedAtUtc, DateTimeKind.Utc)),
            Current = current,
        };
        if (flags.Length > 0)
        {
            stored.Flags.AddRange(flags.Split(','));
        }

        return stored;
    }
}
