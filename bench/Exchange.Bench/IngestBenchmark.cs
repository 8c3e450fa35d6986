using System.Diagnostics;
using Exchange.Client;
using Exchange.Contracts.V1;
using Exchange.Store;
using Exchange.Synthetic;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Exchange.Bench;

/// <summary>Records/s of one way of ingesting, and the peak resident memory while it ran.</summary>
internal sealed record IngestRun(string Name, long Records, double Seconds, long PeakMemory, long Rejected, JitCost Jit, AuditCost? Audit = null)
{
    public double RecordsPerSecond => Records / Seconds;

    /// <summary>Records/s of every repeat, in the order they ran, when this is the median of several.</summary>
    public IReadOnlyList<double> Repeats { get; init; } = [];

    /// <summary>
    /// This hub's records/s against the lower of two ceilings. With repeats on both sides, the median of the
    /// ratios of each hub run to the ceiling run paired with it (run right after it, under the same load of
    /// the moment); else the plain ratio.
    /// </summary>
    public double RatioTo(IngestRun transport, IngestRun storage)
    {
        if (Repeats.Count > 1 && Repeats.Count == storage.Repeats.Count)
        {
            var ratios = Repeats.Select((rate, i) => rate / Math.Min(transport.RecordsPerSecond, storage.Repeats[i])).Order().ToList();
            return ratios[ratios.Count / 2];
        }

        return RecordsPerSecond / Math.Min(transport.RecordsPerSecond, storage.RecordsPerSecond);
    }

    /// <summary>The run with the median records/s, carrying every repeat's rate and the highest peak memory of them.</summary>
    public static IngestRun Median(IReadOnlyList<IngestRun> runs)
    {
        var median = runs.OrderBy(r => r.RecordsPerSecond).ElementAt(runs.Count / 2);
        return runs.Count == 1 ? median : median with { PeakMemory = runs.Max(r => r.PeakMemory), Repeats = [.. runs.Select(r => r.RecordsPerSecond)] };
    }
}

/// <summary>What the JIT compiled while a run ran (the whole process: hub and client).</summary>
internal sealed record JitCost(long Methods, TimeSpan Time)
{
    public static (long Methods, TimeSpan Time) Now() => (System.Runtime.JitInfo.GetCompiledMethodCount(), System.Runtime.JitInfo.GetCompilationTime());

    public static JitCost Since((long Methods, TimeSpan Time) before)
    {
        var (methods, time) = Now();
        return new JitCost(methods - before.Methods, time - before.Time);
    }
}

/// <summary>What the hub's audit log did during one run: the AuditLog singleton's counters, after minus before.</summary>
internal sealed record AuditCost(long EntriesWritten, long Commits, TimeSpan CommitTime);

/// <summary>
/// The pushes and loads that ran before the measured ones, in the same process: every measured path over the
/// first lines of each file (the SQLite hub <see cref="HubRounds"/> times), then a wait until the JIT went quiet. <see cref="ColdHub"/> is the SQLite hub's
/// push into a freshly started process, the figure a province meets right after a hub restart.
/// </summary>
internal sealed record WarmUp(IngestRun ColdHub, IngestRun? ColdPostgresHub, int HubRounds, TimeSpan JitSettled);

/// <summary>The PostgreSQL ingest: the hub on a fresh PostgreSQL database, and the same rows COPY'd straight into another.</summary>
internal sealed record PostgresIngest(IngestRun Hub, IngestRun Storage);

/// <summary>The ingest figures over the same synthetic CSV files.</summary>
internal sealed record IngestResult(
    long Records, long RegisterRecords, long EnrollmentRecords, IngestRun Hub, IngestRun Transport, IngestRun? StorageMultiRow, IngestRun StoragePrepared, long MemoryBefore,
    PostgresIngest? Postgres, string? PostgresNotMeasured, WarmUp WarmUp)
{
    /// <summary>The storage ceiling is the faster of the ways of writing the rows that ran.</summary>
    public IngestRun Storage => StorageMultiRow is { } multiRow && multiRow.RecordsPerSecond >= StoragePrepared.RecordsPerSecond ? multiRow : StoragePrepared;
}

/// <summary>
/// Ingest as a province does it: the synthetic registry written as the CSV files `exchange push` reads,
/// pushed by the CLI's client (RecordCsv, RecordPusher, HubChannel: mTLS, bidirectional stream, 1,000
/// records per batch, 4 in flight), register as PS then enrollments as HR, into a real hub on a fresh
/// SQLite store with online linking. Ceilings in the same run over the same files: the same pushes into
/// a hub that stores nothing (transport), and the same rows written straight into a fresh store
/// (storage, StoreLoader).
/// </summary>
internal static class IngestBenchmark
{
    private static readonly PushOptions Options = new(BatchSize: 1_000, MaxInFlight: 4);

    // Lines of each file pushed before the measured runs (10 batches per file), and how many times, each
    // into a fresh hub: code run once per batch reaches the JIT's call-count thresholds (30 calls for the
    // instrumented tier, 30 more for the optimized one) only in the third round. One round left the measured
    // 100k push compiling 7,000 methods for 4.5 s of CPU; three rounds, 2,400 for 1.6 s, about what any
    // newly started hub instance compiles (its DI container's and EF's own).
    private const int WarmUpLinesPerFile = 10_000;
    private const int WarmUpRounds = 3;

    // Measured runs of each hub and its paired ceiling at the default size (100k); a 1M-record run measures each once.
    private const int Repeats = 3;

    // Multi-row INSERTs were slower than prepared single-row ones at 100k on this machine; beyond this
    // size only the faster way runs, which keeps a 1M-record run's ceilings to minutes.
    private const int MultiRowUpTo = 200_000;

    /// <param name="postgres">An administrative connection string (a role that may create databases) for the PostgreSQL runs, or null to skip them.</param>
    /// <param name="postgresNotMeasured">Why PostgreSQL is skipped, when it is.</param>
    public static async Task<IngestResult> RunAsync(int records, Progress progress, string? postgres = null, string? postgresNotMeasured = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), "exchange-bench", "ingest-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (people, _) = SyntheticInput.PeopleFor(records, seed: 11);
            var (summary, _) = progress.Time($"ingest: write synthetic CSV ({people:N0} people)",
                () => RegistryGenerator.WriteFiles(new GeneratorOptions { People = people, Seed = 11 }, folder));
            var register = Path.Combine(folder, "register.csv");
            var enrollment = Path.Combine(folder, "enrollment.csv");
            var registerLines = File.ReadLines(register).LongCount() - 1;
            var enrollmentLines = File.ReadLines(enrollment).LongCount() - 1;
            progress.Write($"ingest: {registerLines + enrollmentLines:N0} records ({registerLines:N0} register, {enrollmentLines:N0} enrollment lines)");
            _ = summary;

            var warmUp = await WarmUpAsync(folder, register, enrollment, records <= MultiRowUpTo, postgres, progress);

            IngestRun transport;
            await using (var environment = await BenchEnvironment.CreateAsync())
            {
                var address = await environment.StartNoOpHubAsync();
                transport = await PushAsync("transport ceiling (no-op hub)", environment, address, register, enrollment, progress);
            }

            // Each hub run is paired with a ceiling run right after it, so the ratio compares runs made under the
            // same load of the moment: single runs minutes apart moved by 10-15 % on this shared machine, the
            // ceilings as much as the hubs. In the first round both hubs run before any ceiling, whose prebuilt
            // rows (gigabytes at 1M) and SQLite page caches would stay resident (the runtime and the C allocator
            // keep some of what was freed, even after a trim): the hubs' peak memory is that round's.
            var repeats = records <= MultiRowUpTo ? Repeats : 1;
            var hubRuns = new List<IngestRun>();
            var postgresHubRuns = new List<IngestRun>();
            var preparedRuns = new List<IngestRun>();
            var copyRuns = new List<IngestRun>();
            long before = 0;
            for (var repeat = 1; repeat <= repeats; repeat++)
            {
                ReleaseMemory();
                before = repeat == 1 ? ProcessMemory.Resident() : before;
                await using (var environment = await BenchEnvironment.CreateAsync())
                {
                    var address = await environment.StartHubAsync();
                    hubRuns.Add(await PushAsync("hub (SQLite, online linking)", environment, address, register, enrollment, progress));
                }

                if (repeat > 1)
                {
                    preparedRuns.Add(await LoadAsync(register, enrollment, StoreLoader.Method.Prepared, progress));
                }

                if (postgres is not null)
                {
                    ReleaseMemory();
                    await using (var environment = await BenchEnvironment.CreateAsync(postgres))
                    {
                        var address = await environment.StartHubAsync();
                        postgresHubRuns.Add(await PushAsync("hub (PostgreSQL, online linking)", environment, address, register, enrollment, progress));
                    }
                }

                if (repeat == 1)
                {
                    preparedRuns.Add(await LoadAsync(register, enrollment, StoreLoader.Method.Prepared, progress));
                }

                if (postgres is not null)
                {
                    copyRuns.Add(await LoadAsync(register, enrollment, StoreLoader.Method.Prepared, progress, postgres));
                }
            }

            // The peak memory is the first round's, before any ceiling ran.
            var hub = IngestRun.Median(hubRuns) with { PeakMemory = hubRuns[0].PeakMemory };
            var prepared = IngestRun.Median(preparedRuns);
            IngestRun? postgresHub = postgresHubRuns.Count > 0 ? IngestRun.Median(postgresHubRuns) with { PeakMemory = postgresHubRuns[0].PeakMemory } : null;
            var multiRow = records <= MultiRowUpTo ? await LoadAsync(register, enrollment, StoreLoader.Method.MultiRow, progress) : null;

            PostgresIngest? postgresIngest = null;
            if (postgresHub is not null)
            {
                postgresIngest = new PostgresIngest(postgresHub, IngestRun.Median(copyRuns));
            }
            else
            {
                progress.Write($"ingest: PostgreSQL not measured ({postgresNotMeasured ?? "no connection"})");
            }

            return new IngestResult(registerLines + enrollmentLines, registerLines, enrollmentLines, hub, transport, multiRow, prepared, before, postgresIngest,
                postgres is null ? postgresNotMeasured ?? "no PostgreSQL connection given" : null, warmUp);
        }
        finally
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>
    /// Runs every path measured next (no-op hub, hubs, storage loads) over the first lines of each file, each
    /// on a store of its own that is then dropped, and waits until the JIT went quiet. Measured runs then see
    /// the optimized code a long-running hub runs, the ceilings as much as the hubs.
    /// </summary>
    private static async Task<WarmUp> WarmUpAsync(string folder, string register, string enrollment, bool multiRow, string? postgres, Progress progress)
    {
        var warmRegister = Prefix(register, Path.Combine(folder, "warm-up-register.csv"));
        var warmEnrollment = Prefix(enrollment, Path.Combine(folder, "warm-up-enrollment.csv"));
        await using (var environment = await BenchEnvironment.CreateAsync())
        {
            var address = await environment.StartNoOpHubAsync();
            await PushAsync("warm-up: transport ceiling", environment, address, warmRegister, warmEnrollment, progress);
        }

        IngestRun? coldHub = null;
        for (var round = 1; round <= WarmUpRounds; round++)
        {
            await using var environment = await BenchEnvironment.CreateAsync();
            var address = await environment.StartHubAsync();
            var run = await PushAsync(round == 1 ? "warm-up: hub (SQLite), first push after start" : $"warm-up: hub (SQLite), round {round}", environment, address, warmRegister, warmEnrollment, progress);
            coldHub ??= run;
        }

        IngestRun? coldPostgresHub = null;
        if (postgres is not null)
        {
            await using var environment = await BenchEnvironment.CreateAsync(postgres);
            var address = await environment.StartHubAsync();
            coldPostgresHub = await PushAsync("warm-up: hub (PostgreSQL), first push after start", environment, address, warmRegister, warmEnrollment, progress);
        }

        if (multiRow)
        {
            await LoadAsync(warmRegister, warmEnrollment, StoreLoader.Method.MultiRow, progress, label: "warm-up: ");
        }

        await LoadAsync(warmRegister, warmEnrollment, StoreLoader.Method.Prepared, progress, label: "warm-up: ");
        if (postgres is not null)
        {
            await LoadAsync(warmRegister, warmEnrollment, StoreLoader.Method.Prepared, progress, postgres, label: "warm-up: ");
        }

        var settled = await JitWarmth.UntilQuietAsync(TimeSpan.FromSeconds(60));
        progress.Write($"ingest warm-up: the JIT went quiet {settled.TotalSeconds:F0} s after the last warm-up run");
        return new WarmUp(coldHub!, coldPostgresHub, WarmUpRounds, settled);
    }

    /// <summary>The header and the first <see cref="WarmUpLinesPerFile"/> lines of a CSV file.</summary>
    private static string Prefix(string file, string prefix)
    {
        File.WriteAllLines(prefix, File.ReadLines(file).Take(WarmUpLinesPerFile + 1));
        return prefix;
    }

    /// <summary>
    /// Garbage of earlier runs goes, and so does what the C allocator kept of memory freed by SQLite's page
    /// caches (glibc returns it to the system only when asked): else it stays resident and counts as the next run's.
    /// </summary>
    private static void ReleaseMemory()
    {
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        if (OperatingSystem.IsLinux())
        {
            try
            {
                _ = MallocTrim(0);
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                // Not glibc (musl, say): nothing to trim.
            }
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);

    private static async Task<IngestRun> PushAsync(string name, BenchEnvironment environment, Uri address, string register, string enrollment, Progress progress)
    {
        var audit = environment.HubAudit;
        var (entriesBefore, commitsBefore, commitTimeBefore) = audit is null ? (0L, 0L, TimeSpan.Zero) : (audit.EntriesWritten, audit.Commits, audit.CommitTime);
        using var sampler = new MemorySampler();
        var jitBefore = JitCost.Now();
        var watch = Stopwatch.StartNew();
        long acknowledged = 0, rejected = 0;
        foreach (var (file, client) in new[] { (register, BenchEnvironment.PsClient), (enrollment, BenchEnvironment.HrClient) })
        {
            using var channel = environment.Channel(address, client);
            using var reader = new StreamReader(file);
            var lastReport = Stopwatch.StartNew();
            var done = acknowledged;
            var summary = await RecordPusher.PushAsync(
                new RecordService.RecordServiceClient(channel),
                RecordCsv.ReadAsync(reader, _ => rejected++),
                Options,
                progress: new SynchronousProgress<PushSummary>(s =>
                {
                    if (lastReport.Elapsed.TotalSeconds >= 10)
                    {
                        lastReport.Restart();
                        var total = done + s.Acknowledged;
                        progress.Write($"  ingest {name}: {total:N0} records acknowledged, {total / watch.Elapsed.TotalSeconds:N0}/s, memory {ProcessMemory.Resident() / 1048576.0:N0} MiB");
                    }
                }));
            acknowledged += summary.Acknowledged;
            rejected += summary.Rejected;
        }

        var seconds = watch.Elapsed.TotalSeconds;
        var peak = sampler.Peak;
        var jit = JitCost.Since(jitBefore);
        var cost = audit is null ? null : new AuditCost(audit.EntriesWritten - entriesBefore, audit.Commits - commitsBefore, audit.CommitTime - commitTimeBefore);
        progress.Write($"ingest {name}: {acknowledged:N0} records in {seconds:F1} s = {acknowledged / seconds:N0}/s ({rejected:N0} rejected), peak memory {peak / 1048576.0:N0} MiB" +
            $", JIT {jit.Methods:N0} methods in {jit.Time.TotalSeconds:F1} s" +
            (cost is null ? string.Empty : $"; audit {cost.EntriesWritten:N0} entries in {cost.Commits:N0} commits, {cost.CommitTime.TotalSeconds:F2} s"));
        return new IngestRun(name, acknowledged, seconds, peak, rejected, jit, cost);
    }

    private static async Task<IngestRun> LoadAsync(string register, string enrollment, StoreLoader.Method method, Progress progress, string? postgres = null, string label = "")
    {
        // The rows are built before the clock starts: the ceiling is the store's, not the conversion's.
        var batches = new List<List<StoreLoader.Rows>>();
        long records = 0;
        var ps = new StoreLoader.Builder(BenchEnvironment.PsClient);
        var hr = new StoreLoader.Builder(BenchEnvironment.HrClient, firstId: 1L << 40);
        foreach (var (file, builder) in new[] { (register, ps), (enrollment, hr) })
        {
            using var reader = new StreamReader(file);
            var batch = new List<StoreLoader.Rows>(Options.BatchSize);
            await foreach (var envelope in RecordCsv.ReadAsync(reader, _ => { }))
            {
                batch.Add(builder.Build(envelope, batches.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                records++;
                if (batch.Count == Options.BatchSize)
                {
                    batches.Add(batch);
                    batch = new List<StoreLoader.Rows>(Options.BatchSize);
                }
            }

            if (batch.Count > 0)
            {
                batches.Add(batch);
            }
        }

        if (postgres is not null)
        {
            await using var pgEnvironment = await BenchEnvironment.CreateAsync(postgres);
            await using var pg = new NpgsqlConnection(pgEnvironment.PostgresConnectionString);
            await pg.OpenAsync();
            var columnTypes = new Dictionary<string, string>(StringComparer.Ordinal);
            using var pgSampler = new MemorySampler();
            var pgJit = JitCost.Now();
            var pgWatch = Stopwatch.StartNew();
            foreach (var batch in batches)
            {
                await StoreLoader.WriteBatchPostgresAsync(pg, batch, columnTypes);
            }

            var pgSeconds = pgWatch.Elapsed.TotalSeconds;
            var pgJitCost = JitCost.Since(pgJit);
            var pgName = label + "storage: rows into PostgreSQL, binary COPY";
            progress.Write($"ingest {pgName}: {records:N0} records in {pgSeconds:F1} s = {records / pgSeconds:N0}/s");
            await pg.CloseAsync();
            return new IngestRun(pgName, records, pgSeconds, pgSampler.Peak, 0, pgJitCost);
        }

        await using var environment = await BenchEnvironment.CreateAsync();
        var connectionString = StoreSetup.SqliteConnectionString(environment.DataDirectory);
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        // The hub's own connection settings and log checkpointing, so that the ceiling is the same engine configuration.
        SqliteConnectionPragmas.Apply(connection);
        using var checkpointer = new SqliteCheckpointer(connectionString);
        using var sampler = new MemorySampler();
        var jitBefore = JitCost.Now();
        var watch = Stopwatch.StartNew();
        foreach (var batch in batches)
        {
            await StoreLoader.WriteBatchAsync(connection, batch, method);
            checkpointer.Pulse();
        }

        var seconds = watch.Elapsed.TotalSeconds;
        var name = label + (method == StoreLoader.Method.MultiRow ? "storage: rows into SQLite, multi-row INSERTs" : "storage: rows into SQLite, prepared single-row INSERTs");
        progress.Write($"ingest {name}: {records:N0} records in {seconds:F1} s = {records / seconds:N0}/s");
        await connection.CloseAsync();
        var jit = JitCost.Since(jitBefore);
        return new IngestRun(name, records, seconds, sampler.Peak, 0, jit);
    }
}

/// <summary>IProgress that runs the callback on the reporting thread (no SynchronizationContext hop).</summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}

/// <summary>
/// The process's resident memory that is its own: heap, GC, SQLite's page caches (Linux: RssAnon). The
/// hub maps the SQLite file for reads; those pages are the OS's file cache, shared and dropped under
/// pressure, and would make the working set grow with the store rather than with what the hub holds.
/// </summary>
internal static class ProcessMemory
{
    public static long Resident()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("RssAnon:", StringComparison.Ordinal))
                {
                    return long.Parse(line["RssAnon:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }

        return Environment.WorkingSet;
    }
}

/// <summary>Samples the process's resident memory every 100 ms; the peak is the highest sample.</summary>
internal sealed class MemorySampler : IDisposable
{
    private readonly Timer _timer;
    private long _peak = ProcessMemory.Resident();

    public MemorySampler() => _timer = new Timer(_ => Sample(), null, 0, 100);

    public long Peak
    {
        get
        {
            Sample();
            return Interlocked.Read(ref _peak);
        }
    }

    public void Dispose() => _timer.Dispose();

    private void Sample()
    {
        var now = ProcessMemory.Resident();
        long seen;
        while (now > (seen = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, seen) != seen)
        {
        }
    }
}
