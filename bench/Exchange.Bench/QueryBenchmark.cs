using System.Diagnostics;
using Exchange.Contracts.V1;
using Exchange.Store;
using Exchange.Synthetic;
using Grpc.Core;
using Microsoft.Data.Sqlite;

namespace Exchange.Bench;

/// <summary>
/// Latency and throughput of one call under concurrent clients. OfferedPerSecond is null for a closed loop (each
/// client calls again as soon as it has its answer: saturation) and the fixed rate for an open loop, where latency
/// runs from each call's scheduled send time. CpuMsPerCall: the process's CPU time (hub and clients, one process)
/// over the measured window, per completed call; steadier than calls/s while other work shares the cores.
/// </summary>
internal sealed record LatencyRun(string Name, int Clients, long Calls, long Errors, double Seconds, double P50Ms, double P99Ms, double? OfferedPerSecond = null, double CpuMsPerCall = double.NaN)
{
    public double CallsPerSecond => Calls / Seconds;

    /// <summary>"saturation" or "open loop, 1,234 calls/s offered": the load a p99 was measured at.</summary>
    public string Load => OfferedPerSecond is { } rate ? $"open loop, {rate.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} calls/s offered" : "saturation (closed loop)";
}

/// <summary>
/// Saturation figures (closed loop), then GetPerson and the no-op at one fixed offered rate (open loop, half the
/// GetPerson saturation throughput unless given): the latency of a call at a stated load, not the queue 64
/// clients build at saturation.
/// </summary>
internal sealed record QueryResult(int Persons, double SeedSeconds, LatencyRun GetPerson, LatencyRun FindPersons, LatencyRun NoOp, LatencyRun GetPersonOpen, LatencyRun NoOpOpen);

/// <summary>
/// Reads at scale: a store seeded with persons (one register record each, with its blocking keys and
/// link, as a push leaves them), a real hub over it, and 64 clients, each on its own mTLS connection,
/// calling as fast as they get answers: GetPerson by a random id, FindPersons by a random person's name
/// and birth date, and the ceiling, a unary call to the no-op hub that does nothing.
/// </summary>
internal static class QueryBenchmark
{
    private const int SeedBatch = 5_000;

    /// <summary>The open-loop rate as a share of GetPerson's closed-loop throughput in the same run.</summary>
    public const double OpenLoopShare = 0.5;

    public static async Task<QueryResult> RunAsync(int persons, int clients, TimeSpan duration, Progress progress, double? openRate = null)
    {
        await using var environment = await BenchEnvironment.CreateAsync();
        var seedWatch = Stopwatch.StartNew();
        var (names, births) = await SeedAsync(environment.DataDirectory, persons, progress);
        var seedSeconds = seedWatch.Elapsed.TotalSeconds;
        progress.Write($"queries: {persons:N0} persons seeded in {seedSeconds:F1} s");

        var hub = await environment.StartHubAsync();
        var noOp = await environment.StartNoOpHubAsync();
        var warmUp = TimeSpan.FromSeconds(3);

        var (entries, commits, commitTime) = (environment.HubAudit!.EntriesWritten, environment.HubAudit.Commits, environment.HubAudit.CommitTime);
        Func<int, Func<Random, Task>> getPersonClient = _ =>
        {
            var client = new PersonService.PersonServiceClient(environment.Channel(hub, BenchEnvironment.HrClient));
            return random => client.GetPersonAsync(new GetPersonRequest { Purpose = "benefit-verification", PersonId = random.Next(1, persons + 1) }).ResponseAsync;
        };
        Func<int, Func<Random, Task>> noOpClient = _ =>
        {
            var client = new RecordService.RecordServiceClient(environment.Channel(noOp, BenchEnvironment.HrClient));
            return _ => client.GetRecordsAsync(new GetRecordsRequest { Purpose = "benefit-verification" }).ResponseAsync;
        };
        // One channel (connection) per client and call, made once: the open-loop runs reuse the connections the
        // closed-loop runs warmed (a fresh handshake and token per client would be a burst inside their warm-up).
        var getPersonCalls = Enumerable.Range(0, clients).Select(getPersonClient).ToArray();
        var noOpCalls = Enumerable.Range(0, clients).Select(noOpClient).ToArray();
        var getPerson = await MeasureAsync("GetPerson", clients, warmUp, duration, progress, c => getPersonCalls[c]);
        // Whether the audit group commit groups: one commit per call would make every call wait for its own fsync.
        (entries, commits, commitTime) = (environment.HubAudit.EntriesWritten - entries, environment.HubAudit.Commits - commits, environment.HubAudit.CommitTime - commitTime);
        progress.Write($"queries GetPerson: {entries:N0} audit entries in {commits:N0} commits ({(double)entries / Math.Max(1, commits):F1} per commit, {commitTime.TotalMilliseconds / Math.Max(1, commits):F1} ms each)");
        var findPersons = await MeasureAsync("FindPersons", clients, warmUp, duration, progress, _ =>
        {
            var client = new PersonService.PersonServiceClient(environment.Channel(hub, BenchEnvironment.HrClient));
            return random =>
            {
                var i = random.Next(persons);
                var birth = births[i];
                return client.FindPersonsAsync(new FindPersonsRequest
                {
                    Purpose = "benefit-verification", Name = names[i], BirthDate = new Date { Year = birth.Year, Month = birth.Month, Day = birth.Day },
                }).ResponseAsync;
            };
        });
        var ceiling = await MeasureAsync("no-op unary (ceiling)", clients, warmUp, duration, progress, c => noOpCalls[c]);

        // The same clients and connections at a fixed rate below saturation, GetPerson and then the no-op at that rate.
        var rate = openRate ?? Math.Max(clients, Math.Round(getPerson.CallsPerSecond * OpenLoopShare));
        var getPersonOpen = await MeasureOpenAsync("GetPerson", clients, rate, warmUp, duration, progress, c => getPersonCalls[c]);
        var noOpOpen = await MeasureOpenAsync("no-op unary (ceiling)", clients, rate, warmUp, duration, progress, c => noOpCalls[c]);
        return new QueryResult(persons, seedSeconds, getPerson, findPersons, ceiling, getPersonOpen, noOpOpen);
    }

    // The truth persons of the generator as register records pushed by PS, written as a push leaves them.
    private static async Task<(string[] Names, DateOnly[] Births)> SeedAsync(string data, int persons, Progress progress)
    {
        var registry = RegistryGenerator.Generate(new GeneratorOptions { People = persons, Seed = 5 });
        var names = new string[persons];
        var births = new DateOnly[persons];
        var builder = new StoreLoader.Builder(BenchEnvironment.PsClient);
        await using var connection = new SqliteConnection(StoreSetup.SqliteConnectionString(data));
        await connection.OpenAsync();
        await using (var pragmas = connection.CreateCommand())
        {
            // This connection only: a seed that a crash interrupts is simply run again, so its commits need not
            // wait for the disk; a large page cache keeps the random-order index inserts (blocking keys, names)
            // from re-reading B-tree pages at a million persons. The hub's own connections are unaffected.
            pragmas.CommandText = "PRAGMA synchronous=OFF; PRAGMA cache_size=-524288;";
            await pragmas.ExecuteNonQueryAsync();
        }

        var batch = new List<StoreLoader.Rows>(SeedBatch);
        var writing = Task.CompletedTask;
        var i = 0;
        var lastReport = Stopwatch.StartNew();
        foreach (var person in registry.Persons())
        {
            names[i] = person.Name;
            births[i] = person.BirthDate;
            i++;
            batch.Add(builder.Build(Envelope(person), "seed"));
            if (batch.Count == SeedBatch)
            {
                // Rows of the next batch are built on this core while the last one is written on the other.
                await writing;
                var full = batch;
                writing = Task.Run(() => StoreLoader.WriteBatchAsync(connection, full, StoreLoader.Method.Prepared));
                batch = new List<StoreLoader.Rows>(SeedBatch);
                if (lastReport.Elapsed.TotalSeconds >= 10)
                {
                    lastReport.Restart();
                    progress.Write($"  queries: seeded {i:N0} of {persons:N0} persons");
                }
            }
        }

        await writing;
        await StoreLoader.WriteBatchAsync(connection, batch, StoreLoader.Method.Prepared);
        await using (var analyze = connection.CreateCommand())
        {
            // As an operator would after a bulk load: the planner's statistics match the data, and the load is
            // moved from the WAL into the database file now. Otherwise the first commit after the seed (an audit
            // entry, which every call waits for) runs that checkpoint during the measured calls.
            analyze.CommandText = "ANALYZE; PRAGMA wal_checkpoint(TRUNCATE);";
            await analyze.ExecuteNonQueryAsync();
        }

        return (names[..i], births[..i]);
    }

    private static RecordEnvelope Envelope(PersonTruth person) => new()
    {
        RecordId = person.PersonId,
        Version = 1,
        Register = new RegisterRecord
        {
            NationalId = person.NationalId,
            Name = person.Name,
            Gender = person.Sex == Sex.Male ? Gender.Male : Gender.Female,
            BirthDate = new Date { Year = person.BirthDate.Year, Month = person.BirthDate.Month, Day = person.BirthDate.Day },
            HukouDivision = person.HukouDivision,
            ResidenceDivision = person.ResidenceDivision,
            VitalStatus = person.Alive ? VitalStatus.Alive : VitalStatus.Deceased,
            DeathDate = person.DeathDate is { } death ? new Date { Year = death.Year, Month = death.Month, Day = death.Day } : null,
        },
    };

    private static async Task<LatencyRun> MeasureAsync(string name, int clients, TimeSpan warmUp, TimeSpan duration, Progress progress, Func<int, Func<Random, Task>> makeClient)
    {
        var measuring = 0;
        var stop = 0;
        long errors = 0;
        var callers = Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            var call = makeClient(c);
            var random = new Random(c);
            var samples = new List<long>();
            while (Volatile.Read(ref stop) == 0)
            {
                var start = Stopwatch.GetTimestamp();
                try
                {
                    await call(random);
                }
                catch (RpcException)
                {
                    Interlocked.Increment(ref errors);
                    continue;
                }

                var elapsed = Stopwatch.GetTimestamp() - start;
                if (Volatile.Read(ref measuring) == 1)
                {
                    samples.Add(elapsed);
                }
            }

            return samples;
        })).ToList();

        await WarmUpAsync(name, warmUp, progress);
        Interlocked.Exchange(ref errors, 0);
        Volatile.Write(ref measuring, 1);
        var cpu = CpuTime();
        var watch = Stopwatch.StartNew();
        await Task.Delay(duration);
        Volatile.Write(ref measuring, 0);
        var seconds = watch.Elapsed.TotalSeconds;
        cpu = CpuTime() - cpu;
        Volatile.Write(ref stop, 1);
        var all = (await Task.WhenAll(callers)).SelectMany(s => s).Order().ToArray();
        var run = new LatencyRun(name, clients, all.Length, Interlocked.Read(ref errors), seconds, Percentile(all, 0.50), Percentile(all, 0.99),
            CpuMsPerCall: cpu.TotalMilliseconds / Math.Max(1, all.Length));
        progress.Write($"queries {name}, {clients} clients, {run.Load}: {run.CallsPerSecond:N0} calls/s, p50 {run.P50Ms:F2} ms, p99 {run.P99Ms:F2} ms, " +
                       $"{run.CpuMsPerCall:F3} CPU ms/call, {run.Errors} errors");
        return run;
    }

    /// <summary>
    /// Open loop (wrk2-style): the clients together offer <paramref name="rate"/> calls/s, each client one call every
    /// clients / rate seconds (their phases spread evenly), sent at its scheduled time whether or not earlier calls
    /// have been answered (HTTP/2 carries them side by side), and timed from that scheduled time: a call sent late
    /// because the client or the machine fell behind counts its wait (no coordinated omission). Latency is taken
    /// over the calls scheduled inside the measured window; achieved calls/s over the calls completed inside it.
    /// </summary>
    private static async Task<LatencyRun> MeasureOpenAsync(string name, int clients, double rate, TimeSpan warmUp, TimeSpan duration, Progress progress, Func<int, Func<Random, Task>> makeClient)
    {
        // HTTP/2's default limit of concurrent streams per connection; beyond it a client waits (and that wait is timed).
        const int MaxInFlightPerClient = 100;
        long errors = 0;
        long completedInWindow = 0;
        var interval = Stopwatch.Frequency * clients / rate;
        var origin = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 10;
        var windowStart = origin + (long)(warmUp.TotalSeconds * Stopwatch.Frequency);
        var windowEnd = windowStart + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var callers = Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            var call = makeClient(c);
            // Other ids than the closed loop drew, so its reads do not find them already cached.
            var random = new Random(10_000 + c);
            var samples = new List<long>();
            var inFlight = new SemaphoreSlim(MaxInFlightPerClient);
            var pending = new List<Task>();
            for (var k = 0L; ; k++)
            {
                var scheduled = origin + (long)((k + (double)c / clients) * interval);
                if (scheduled >= windowEnd)
                {
                    break;
                }

                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), scheduled);
                if (wait > TimeSpan.FromMilliseconds(1))
                {
                    await Task.Delay(wait);
                }

                await inFlight.WaitAsync();
                pending.Add(TimeAsync(call(random), scheduled));
                if (pending.Count > 4 * MaxInFlightPerClient)
                {
                    pending.RemoveAll(t => t.IsCompleted);
                }
            }

            await Task.WhenAll(pending);
            return samples;

            async Task TimeAsync(Task running, long scheduled)
            {
                try
                {
                    await running;
                    var done = Stopwatch.GetTimestamp();
                    if (done >= windowStart && done < windowEnd)
                    {
                        Interlocked.Increment(ref completedInWindow);
                    }

                    if (scheduled >= windowStart)
                    {
                        lock (samples)
                        {
                            samples.Add(done - scheduled);
                        }
                    }
                }
                catch (RpcException)
                {
                    if (scheduled >= windowStart)
                    {
                        Interlocked.Increment(ref errors);
                    }
                }
                finally
                {
                    inFlight.Release();
                }
            }
        })).ToList();

        await Task.Delay(Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), windowStart));
        var cpu = CpuTime();
        await Task.Delay(Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), windowEnd));
        cpu = CpuTime() - cpu;
        var all = (await Task.WhenAll(callers)).SelectMany(s => s).Order().ToArray();
        var seconds = duration.TotalSeconds;
        var completed = Interlocked.Read(ref completedInWindow);
        var run = new LatencyRun(name, clients, completed, Interlocked.Read(ref errors), seconds, Percentile(all, 0.50), Percentile(all, 0.99), rate,
            cpu.TotalMilliseconds / Math.Max(1, completed));
        progress.Write($"queries {name}, {clients} clients, {run.Load}: {run.CallsPerSecond:N0} calls/s achieved, p50 {run.P50Ms:F2} ms, p99 {run.P99Ms:F2} ms " +
                       $"(from the scheduled send), {run.CpuMsPerCall:F3} CPU ms/call, {run.Errors} errors");
        return run;
    }

    /// <summary>
    /// The warm-up, then on until the JIT has gone quiet (at most 30 s more). Hub and clients start on unoptimized
    /// (tier-0) code and are recompiled in the background once hot; on two loaded cores that took longer than a
    /// fixed 3 s, so the first call measured (GetPerson) ran partly on tier-0 code and the no-op, measured last,
    /// did not: its ratio was unfair to GetPerson (0.89 instead of about 1.45 CPU ms per call with the JIT settled).
    /// </summary>
    private static async Task WarmUpAsync(string name, TimeSpan warmUp, Progress progress)
    {
        await Task.Delay(warmUp);
        var extra = await JitWarmth.UntilQuietAsync(TimeSpan.FromSeconds(30));
        if (extra > TimeSpan.FromSeconds(1.5))
        {
            progress.Write($"  queries {name}: warm-up extended by {extra.TotalSeconds:F0} s until the JIT went quiet");
        }
    }

    private static double Percentile(long[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))] * 1000.0 / Stopwatch.Frequency;

    private static TimeSpan CpuTime()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }
}
