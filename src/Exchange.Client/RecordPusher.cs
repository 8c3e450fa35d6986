using System.Threading.Channels;
using Exchange.Contracts.V1;
using Grpc.Core;

namespace Exchange.Client;

/// <summary>How records are grouped and how many batches may await their ack.</summary>
public sealed record PushOptions(int BatchSize = 1_000, int MaxInFlight = 4, int MaxBatchBytes = 3 * 1024 * 1024);

/// <summary>One rejected record and why.</summary>
public sealed record RejectedRecord(string RecordId, long Version, IReadOnlyList<FieldError> Errors);

/// <summary>Running totals of a push.</summary>
public sealed class PushSummary
{
    private const int MaxExamples = 20;
    private readonly Dictionary<string, long> _reasons = new(StringComparer.Ordinal);
    private readonly List<RejectedRecord> _examples = [];

    public long Sent { get; private set; }

    public long Acknowledged { get; private set; }

    public long Stored { get; private set; }

    public long StoredAsHistory { get; private set; }

    public long Duplicates { get; private set; }

    public long Rejected { get; private set; }

    public long Flagged { get; private set; }

    /// <summary>Rejections counted by "field: code".</summary>
    public IReadOnlyDictionary<string, long> RejectionReasons => _reasons;

    /// <summary>The first rejected records, for the operator to look at.</summary>
    public IReadOnlyList<RejectedRecord> Examples => _examples;

    internal void AddSent(int count) => Sent += count;

    internal void Add(PushAck ack)
    {
        Acknowledged += ack.Results.Count;
        Stored += ack.Stored;
        StoredAsHistory += ack.StoredAsHistory;
        Duplicates += ack.Duplicates;
        Rejected += ack.Rejected;
        foreach (var result in ack.Results)
        {
            if (result.Flags.Count > 0)
            {
                Flagged++;
            }

            if (result.Outcome != RecordOutcome.Rejected)
            {
                continue;
            }

            foreach (var error in result.Errors)
            {
                var key = $"{error.Field}: {error.Code}";
                _reasons[key] = _reasons.GetValueOrDefault(key) + 1;
            }

            if (_examples.Count < MaxExamples)
            {
                _examples.Add(new RejectedRecord(result.RecordId, result.Version, [.. result.Errors]));
            }
        }
    }

    /// <summary>Counts a record the client could not even send (e.g. an unparseable CSV line).</summary>
    public void AddLocalRejection(string recordId, string field, string description)
    {
        Rejected++;
        var key = $"{field}: UNPARSEABLE";
        _reasons[key] = _reasons.GetValueOrDefault(key) + 1;
        if (_examples.Count < MaxExamples)
        {
            _examples.Add(new RejectedRecord(recordId, 0, [new FieldError { Field = field, Code = "UNPARSEABLE", Description = description }]));
        }
    }
}

/// <summary>
/// Pushes a stream of records in batches over one Push call, keeping a bounded number of batches in
/// flight; never holds more than that in memory, whatever the input size.
/// </summary>
public static class RecordPusher
{
    public static async Task<PushSummary> PushAsync(
        RecordService.RecordServiceClient client,
        IAsyncEnumerable<RecordEnvelope> records,
        PushOptions? options = null,
        PushSummary? summary = null,
        IProgress<PushSummary>? progress = null,
        CancellationToken cancellationToken = default)
    {
        options ??= new PushOptions();
        summary ??= new PushSummary();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var call = client.Push(cancellationToken: stop.Token);
        var window = Channel.CreateBounded<int>(options.MaxInFlight);

        var receiving = ReceiveAcksAsync(call.ResponseStream, window.Reader, summary, progress, stop);
        try
        {
            var batchNumber = 0;
            var batch = new PushBatch();
            var bytes = 0;
            await foreach (var record in records.WithCancellation(stop.Token))
            {
                var size = record.CalculateSize();
                if (batch.Records.Count > 0 && (batch.Records.Count >= options.BatchSize || bytes + size > options.MaxBatchBytes))
                {
                    await SendAsync(call.RequestStream, window.Writer, batch, ++batchNumber, summary, stop.Token);
                    batch = new PushBatch();
                    bytes = 0;
                }

                batch.Records.Add(record);
                bytes += size + 8;
            }

            if (batch.Records.Count > 0)
            {
                await SendAsync(call.RequestStream, window.Writer, batch, ++batchNumber, summary, stop.Token);
            }

            await call.RequestStream.CompleteAsync();
            window.Writer.Complete();
        }
        catch (Exception) when (receiving.IsFaulted || stop.IsCancellationRequested)
        {
            // The server ended the call; its status (below) says why.
        }

        await receiving;
        return summary;
    }

    private static async Task SendAsync(
        IClientStreamWriter<PushBatch> stream, ChannelWriter<int> window, PushBatch batch, int number, PushSummary summary, CancellationToken cancellationToken)
    {
        batch.BatchId = number.ToString(System.Globalization.CultureInfo.InvariantCulture);
        // Waits while MaxInFlight batches are unacknowledged.
        await window.WriteAsync(batch.Records.Count, cancellationToken);
        await stream.WriteAsync(batch, cancellationToken);
        summary.AddSent(batch.Records.Count);
    }

    private static async Task ReceiveAcksAsync(
        IAsyncStreamReader<PushAck> acks, ChannelReader<int> window, PushSummary summary, IProgress<PushSummary>? progress, CancellationTokenSource stop)
    {
        try
        {
            while (await acks.MoveNext(stop.Token))
            {
                summary.Add(acks.Current);
                await window.ReadAsync(stop.Token);
                progress?.Report(summary);
            }
        }
        catch
        {
            await stop.CancelAsync();
            throw;
        }
    }
}
