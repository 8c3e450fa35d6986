using System.Diagnostics;

namespace Exchange.Bench;

/// <summary>
/// Phase names with elapsed times on stderr (stdout keeps the report), and a heartbeat while a phase runs:
/// the 1M run takes minutes, and a silent console looks hung.
/// </summary>
internal sealed class Progress : IDisposable
{
    private static readonly TimeSpan HeartbeatEvery = TimeSpan.FromSeconds(10);

    private readonly Stopwatch _total = Stopwatch.StartNew();
    private readonly Lock _lock = new();
    private readonly Timer _heartbeat;
    private string? _phase;
    private Stopwatch _phaseWatch = new();

    public Progress() => _heartbeat = new Timer(_ => Beat(), null, HeartbeatEvery, HeartbeatEvery);

    /// <summary>Runs one phase, prints its name, duration and <paramref name="describe"/>(result), returns both.</summary>
    public (T Result, TimeSpan Elapsed) Time<T>(string phase, Func<T> work, Func<T, string>? describe = null)
    {
        lock (_lock)
        {
            _phase = phase;
            _phaseWatch = Stopwatch.StartNew();
        }

        Write($"{phase} ...");
        var result = work();
        TimeSpan elapsed;
        lock (_lock)
        {
            elapsed = _phaseWatch.Elapsed;
            _phase = null;
        }

        var detail = describe is null ? string.Empty : $" ({describe(result)})";
        Write($"{phase} done in {elapsed.TotalSeconds:F2} s{detail}");
        return (result, elapsed);
    }

    public void Write(string message) => Console.Error.WriteLine($"[{_total.Elapsed.TotalSeconds,7:F1} s] {message}");

    public void Dispose() => _heartbeat.Dispose();

    private void Beat()
    {
        string? phase;
        TimeSpan elapsed;
        lock (_lock)
        {
            phase = _phase;
            elapsed = _phaseWatch.Elapsed;
        }

        if (phase is not null)
        {
            var workingSet = Environment.WorkingSet / (1024.0 * 1024 * 1024);
            Write($"  ... {phase}: {elapsed.TotalSeconds:F0} s so far, working set {workingSet:F2} GiB");
        }
    }
}
