using System.Diagnostics.Metrics;

namespace Exchange.Server.Services;

/// <summary>
/// Counts open Push streams (exported as the metric exchange.push.active_streams) and lets an operator's
/// drain step, or a test, wait until none is open.
/// </summary>
public sealed class PushActivity : IDisposable
{
    private readonly Meter _meter = new("Exchange.Hub");
    private readonly Lock _lock = new();
    private int _active;
    private TaskCompletionSource _idle = CompletedSource();

    public PushActivity()
    {
        _meter.CreateObservableUpDownCounter("exchange.push.active_streams", () => Volatile.Read(ref _active), description: "Push streams open now");
        RecordsStored = _meter.CreateCounter<long>("exchange.records.stored", description: "Record versions stored");
    }

    public Counter<long> RecordsStored { get; }

    public int ActiveStreams => Volatile.Read(ref _active);

    public IDisposable Begin()
    {
        lock (_lock)
        {
            if (_active++ == 0)
            {
                _idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        return new Scope(this);
    }

    /// <summary>Completes when no Push stream is open.</summary>
    public Task WhenIdleAsync()
    {
        lock (_lock)
        {
            return _idle.Task;
        }
    }

    public void Dispose() => _meter.Dispose();

    private void End()
    {
        lock (_lock)
        {
            if (--_active == 0)
            {
                _idle.TrySetResult();
            }
        }
    }

    private static TaskCompletionSource CompletedSource()
    {
        var source = new TaskCompletionSource();
        source.SetResult();
        return source;
    }

    private sealed class Scope(PushActivity owner) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.End();
            }
        }
    }
}
