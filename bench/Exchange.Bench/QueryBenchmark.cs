using System.Diagnostics;
using Exchange.Contracts.V1;
using Exchange.Store;
using Exchange.Synthetic;
using Grpc.Core;
using Microsoft.Data.Sqlite;

namespace Exchange.Bench;

/// <summary>Latency and throughput of one call under concurrent clients.</summary>
internal sealed record LatencyRun(string Name, int Clients, long Calls, long Errors, double Seconds, double P50Ms, double P99Ms)
{
    public double CallsPerSecond => Calls / Seconds;
}

internal sealed record QueryResult(int Persons, double SeedSeconds, LatencyRun GetPerson, LatencyRun FindPersons, LatencyRun NoOp);

/// <summary>
/// Reads at scale: a store seeded with persons (one register record each, with its blocking keys and
/// link, as a push leaves them), a real hub over it, and 64 clients, each on its own mTLS connection,
/// calling as fast as they get answers: GetPerson by a random id, FindPersons by a random person's name
/// and birth date, and the ceiling, a unary call to the no-op hub that does nothing.
/// </summary>
internal static class QueryBenchmark
{
    private const int SeedBatch = 5_000;

    public static async Task<QueryResult> RunAsync(int persons, int clients, TimeSpan duration, Progress progress)
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
        var getPerson = await MeasureAsync("GetPerson", clients, warmUp, duration, progress, _ =>
        {
            var client = new PersonService.PersonServiceClient(environment.Channel(hub, BenchEnvironment.HrClient));
            return random => client.GetPersonAsync(new GetPersonRequest { Purpose = "benefit-verification", PersonId = random.Next(1, persons + 1) }).ResponseAsync;
        });
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
        var ceiling = await MeasureAsync("no-op unary (ceiling)", clients, warmUp, duration, progress, _ =>
        {
            var client = new RecordService.RecordServiceClient(environment.Channel(noOp, BenchEnvironment.HrClient));
            return _ => client.GetRecordsAsync(new GetRecordsRequest { Purpose = "benefit-verification" }).ResponseAsync;
        });
        return new QueryResult(persons, seedSeconds, getPerson, findPersons, ceiling);
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

        await Task.Delay(warmUp);
        Interlocked.Exchange(ref errors, 0);
        Volatile.Write(ref measuring, 1);
        var watch = Stopwatch.StartNew();
        await Task.Delay(duration);
        Volatile.Write(ref measuring, 0);
        var seconds = watch.Elapsed.TotalSeconds;
        Volatile.Write(ref stop, 1);
        var all = (await Task.WhenAll(callers)).SelectMany(s => s).Order().ToArray();
        double Percentile(double p) => all.Length == 0 ? double.NaN : all[Math.Min(all.Length - 1, (int)(p * all.Length))] * 1000.0 / Stopwatch.Frequency;
        var run = new LatencyRun(name, clients, all.Length, Interlocked.Read(ref errors), seconds, Percentile(0.50), Percentile(0.99));
        progress.Write($"queries {name}, {clients} clients: {run.CallsPerSecond:N0} calls/s, p50 {run.P50Ms:F2} ms, p99 {run.P99Ms:F2} ms, {run.Errors} errors");
        return run;
    }
}
