using System.Diagnostics;
using System.Runtime;
using System.Runtime.InteropServices;
using Exchange.Reconciliation;
using Exchange.Reconciliation.Persons;

namespace Exchange.Bench;

/// <summary>One timed phase: its duration and a short note (counts) for the report.</summary>
internal sealed record PhaseTiming(string Name, TimeSpan Elapsed, string Note);

internal sealed record MachineFacts(int ProcessorCount, long TotalAvailableMemoryBytes, string Os, string Runtime, string Cpu, string Gc, string LoadAverage);

internal sealed record LinkageResult(
    LinkageOptions Options,
    int People,
    double RecordsPerPerson,
    int Records,
    int RegisterRecords,
    long TruePairs,
    PhaseTiming Generate,
    PhaseTiming Prepare,
    PhaseTiming ExactJoin,
    PhaseTiming Blocking,
    PhaseTiming Training,
    PhaseTiming Assign,
    BlockingReport BlockingReport,
    double PairsCompleteness,
    TrainingReport TrainingReport,
    PairwiseQuality ExactJoinQuality,
    PairwiseQuality EngineQuality,
    long ExactJoinPersons,
    long EnginePersons,
    long PeakWorkingSetBytes,
    long TotalAllocatedBytes,
    TimeSpan GcPause,
    int[] GcCollections,
    MachineFacts Machine)
{
    /// <summary>The engine's whole batch linkage: blocking (for training), EM training, and the assignment.</summary>
    public TimeSpan EngineTime => Blocking.Elapsed + Training.Elapsed + Assign.Elapsed;

    /// <summary>From stored rows to persons: normalization, then the engine.</summary>
    public TimeSpan OverallTime => Prepare.Elapsed + EngineTime;
}

/// <summary>
/// Links the synthetic registry twice, with an exact-ID join (the baseline) and with the engine (blocking, EM,
/// the hub's sequential decisions), and measures time, memory and pairwise quality against the generator's truth.
/// </summary>
internal static class LinkageBenchmark
{
    public static LinkageResult Run(LinkageOptions options, Progress progress)
    {
        // Other work on the machine skews every figure; the load before and after says how much.
        var loadBefore = LoadAverage();
        var people = options.People;
        var ratio = double.NaN;
        if (people is null)
        {
            (var sized, _) = progress.Time("size population", () => SyntheticInput.PeopleFor(options.Records, options.Seed),
                r => $"{r.RecordsPerPerson:F3} current records per person -> {r.People:N0} people");
            (people, ratio) = sized;
        }

        var (rows, generate) = progress.Time("generate", () => SyntheticInput.Generate(people.Value, options.Seed),
            r => $"{r.Count:N0} current records: {r.Register.Count:N0} register, {r.Enrollment.Count:N0} enrollment");
        if (double.IsNaN(ratio))
        {
            ratio = (double)rows.Count / people.Value;
        }

        var (input, prepare) = progress.Time("prepare (ID and name normalization)", () => SyntheticInput.Prepare(rows), r => $"{r.Records.Count:N0} records");
        rows = null; // only the PersonRecords are needed from here on, as in the hub
        var records = input.Records;
        var truth = input.TruePerson;
        var truePairs = Quality.PairsWithin(truth);

        var (exact, exactTime) = progress.Time("baseline: exact-ID join", () => ExactIdJoin(records));

        var ((pairs, blocking), blockingTime) = progress.Time("engine: blocking", () => Reconciliation.Blocking.Dedupe(records, PersonLinkage.Spec),
            r => $"{r.Pairs.Count:N0} candidate pairs");
        var completeness = truePairs == 0 ? 1 : Quality.TruePairsAmong(pairs, truth) / (double)truePairs;

        var (linker, trainingTime) = progress.Time("engine: EM training", () => Linker<PersonRecord>.Train(PersonLinkage.Spec, records, null, pairs),
            l => $"{l.Training.Iterations} iterations, {l.Training.DistinctPatterns} patterns");
        pairs = null; // Assign blocks again on its own; do not count this list in its peak memory

        var matcher = new PersonMatcher(linker, PersonLinkage.DefaultThresholds);
        var (assignment, assignTime) = progress.Time("engine: PersonClustering.Assign (blocking + decisions)", () => PersonClustering.Assign(records, matcher),
            a => $"{a.Decisions.Count(d => d.Outcome == MatchOutcome.Linked):N0} linked");

        var (qualities, _) = progress.Time("quality against truth", () => (
            Exact: Quality.Pairwise(exact, truth),
            Engine: Quality.Pairwise(assignment.PersonOf, truth)));

        // Peak working set is read after the run, as the issue asks; allocations are precise (all threads).
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return new LinkageResult(
            options,
            people.Value,
            ratio,
            records.Count,
            input.RegisterRecords,
            truePairs,
            new("generate synthetic rows", generate, "not part of linkage"),
            new("prepare (normalize IDs, names, pinyin)", prepare, string.Empty),
            new("exact-ID join (baseline)", exactTime, $"{Distinct(exact):N0} persons"),
            new("blocking", blockingTime, $"{blocking.CandidatePairs:N0} candidate pairs"),
            new("EM training", trainingTime, $"{linker.Training.Iterations} iterations{(linker.Training.Converged ? string.Empty : " (not converged)")}"),
            new("PersonClustering.Assign", assignTime, "includes its own blocking pass"),
            blocking,
            completeness,
            linker.Training,
            qualities.Exact,
            qualities.Engine,
            Distinct(exact),
            Distinct(assignment.PersonOf),
            process.PeakWorkingSet64,
            GC.GetTotalAllocatedBytes(precise: true),
            GC.GetTotalPauseDuration(),
            [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)],
            Machine($"{loadBefore} before, {LoadAverage()} after"));
    }

    /// <summary>
    /// The baseline a ministry would write first: records with the same (normalized) national ID are one person,
    /// a record without an ID is a person of its own. Each record has one ID, so grouping is the whole join.
    /// </summary>
    private static long[] ExactIdJoin(IReadOnlyList<PersonRecord> records)
    {
        var personOf = new long[records.Count];
        var first = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < records.Count; i++)
        {
            var id = records[i].NationalId;
            if (id.Length == 0)
            {
                personOf[i] = i;
            }
            else if (first.TryGetValue(id, out var founder))
            {
                personOf[i] = founder;
            }
            else
            {
                first[id] = i;
                personOf[i] = i;
            }
        }

        return personOf;
    }

    private static long Distinct(long[] personOf) => personOf.Distinct().LongCount();

    // Linux only: the 1-minute load average ("-" elsewhere).
    internal static string LoadAverage()
    {
        try
        {
            return File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "-";
        }
        catch (IOException)
        {
            return "-";
        }
    }

    internal static MachineFacts Machine(string loadAverage)
    {
        var cpu = string.Empty;
        try
        {
            // Linux only; elsewhere the CPU model is simply left out.
            cpu = File.Exists("/proc/cpuinfo")
                ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? string.Empty
                : string.Empty;
        }
        catch (IOException)
        {
        }

        var gc = $"{(GCSettings.IsServerGC ? "server" : "workstation")}, {GCSettings.LatencyMode}";
        return new MachineFacts(Environment.ProcessorCount, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes,
            RuntimeInformation.OSDescription, $"{RuntimeInformation.FrameworkDescription} ({RuntimeInformation.ProcessArchitecture})", cpu, gc, loadAverage);
    }
}
