using System.Globalization;
using System.Net;
using System.Text;

namespace Exchange.Bench;

/// <summary>bench/results.md (the headline table, then each benchmark's details) and bench/results.svg (the ratios).</summary>
internal static class ResultsReport
{
    // Linear growth means the time ratio follows the size ratio. Medians of 3 on this shared machine still
    // move by 5-10 % from run to run, so "linear" allows that much; a quadratic scan would sit near 25 %.
    private const double LinearEnough = 0.9;
    private const string LinearTarget = "linear growth (ratio >= 90 %)";

    private sealed record Headline(string Area, string Figure, string Measured, string Ceiling, double? Ratio, string Target, bool? Met);

    private static IReadOnlyList<Headline> Headlines(AllResult r)
    {
        var ingest = r.Ingest;
        var lowerName = ingest.Transport.RecordsPerSecond <= ingest.Storage.RecordsPerSecond ? "transport" : "storage";
        var ingestRatio = ingest.Hub.RatioTo(ingest.Transport, ingest.Storage);
        var q = r.Queries;
        var first = r.Scale.First();
        var last = r.Scale.Last();
        var growth = (double)last.Persons / first.Persons;
        var linkageRate = r.Linkage.Records / r.Linkage.EngineTime.TotalSeconds;
        var joinRate = r.Linkage.Records / r.Linkage.ExactJoin.Elapsed.TotalSeconds;
        return
        [
            new("1 ingest", $"SQLite, {N(ingest.Records)} records, records/s (reconciliation and audit on)", N(ingest.Hub.RecordsPerSecond),
                $"transport {N(ingest.Transport.RecordsPerSecond)}, storage {N(ingest.Storage.RecordsPerSecond)} (lower: {lowerName})", ingestRatio, ">= 50% of the lower ceiling", ingestRatio >= 0.5),
            PostgresHeadline(ingest),
            .. QueryHeadlines(q),
            new("3 scale", $"gap scan at {N(last.Persons)} persons, s", S(last.GapSeconds),
                $"linear from {N(first.Persons)}: {S(first.GapSeconds * growth)}", first.GapSeconds * growth / last.GapSeconds, LinearTarget, first.GapSeconds * growth / last.GapSeconds >= LinearEnough),
            new("3 scale", $"summary at {N(last.Persons)} persons, s", S(last.SummarySeconds),
                $"linear from {N(first.Persons)}: {S(first.SummarySeconds * growth)}", first.SummarySeconds * growth / last.SummarySeconds, LinearTarget, first.SummarySeconds * growth / last.SummarySeconds >= LinearEnough),
            new("3 scale", $"peak memory during the {N(ingest.Records)}-record ingest (hub and client in one process, resident, the mapped store file excluded), MiB", N(ingest.Hub.PeakMemory / 1048576.0),
                $"before the ingest: {N(ingest.MemoryBefore / 1048576.0)}", null, "bounded (streaming)", null),
            new("4 linkage", $"engine (blocking + EM + decisions), {N(r.Linkage.Records)} records, records/s", N(linkageRate),
                $"exact-ID join {N(joinRate)}", linkageRate / joinRate, "-", null),
            new("4 linkage", "matcher alone, comparisons/s (one thread)", N(r.Matcher.ComparisonsPerSecond),
                $"ID equality on the same pairs {N(r.Matcher.IdComparisonsPerSecond)}", r.Matcher.ComparisonsPerSecond / r.Matcher.IdComparisonsPerSecond, "-", null),
        ];
    }

    private static IEnumerable<Headline> QueryHeadlines(QueryResult q) =>
    [
        new("2 queries", $"GetPerson at saturation, {q.GetPerson.Clients} clients in a closed loop, {N(q.Persons)} persons: calls/s (p50 / p99)", $"{N(q.GetPerson.CallsPerSecond)} ({Ms(q.GetPerson.P50Ms)} / {Ms(q.GetPerson.P99Ms)})",
            $"no-op unary {N(q.NoOp.CallsPerSecond)} ({Ms(q.NoOp.P50Ms)} / {Ms(q.NoOp.P99Ms)})", q.GetPerson.CallsPerSecond / q.NoOp.CallsPerSecond, "p99 < 5 ms at saturation", q.GetPerson.P99Ms < 5),
        OpenLoopHeadline(q),
        new("2 queries", $"FindPersons (name + birth date), {q.FindPersons.Clients} clients: calls/s (p50 / p99)", $"{N(q.FindPersons.CallsPerSecond)} ({Ms(q.FindPersons.P50Ms)} / {Ms(q.FindPersons.P99Ms)})",
            $"no-op unary {N(q.NoOp.CallsPerSecond)}", q.FindPersons.CallsPerSecond / q.NoOp.CallsPerSecond, "-", null),
    ];

    // The latency target at a stated load: the rate both calls were offered, the p99 from each call's scheduled send.
    // The ratio is the no-op's p99 over GetPerson's (100 % = as fast as a call that does nothing). Met only if the
    // hub also kept up with the rate: a p99 over the calls that got through a backlog would flatter it.
    private static Headline OpenLoopHeadline(QueryResult q)
    {
        var (get, noOp) = (q.GetPersonOpen, q.NoOpOpen);
        var offered = get.OfferedPerSecond ?? double.NaN;
        var keptUp = get.CallsPerSecond >= 0.95 * offered;
        return new("2 queries",
            $"GetPerson at a fixed rate, {N(offered)} calls/s offered by {get.Clients} clients (open loop; {Share(offered, q.GetPerson.CallsPerSecond)} of its saturation): achieved calls/s (p50 / p99 from the scheduled send)",
            $"{N(get.CallsPerSecond)} ({Ms(get.P50Ms)} / {Ms(get.P99Ms)})",
            $"no-op unary at the same rate: {N(noOp.CallsPerSecond)} ({Ms(noOp.P50Ms)} / {Ms(noOp.P99Ms)})",
            noOp.P99Ms / get.P99Ms, $"p99 < 5 ms at {N(offered)} calls/s", get.P99Ms < 5 && keptUp);
    }

    private static string Share(double part, double whole) => (part / whole * 100).ToString("F0", CultureInfo.InvariantCulture) + " %";

    private static Headline PostgresHeadline(IngestResult ingest)
    {
        if (ingest.Postgres is not { } pg)
        {
            return new("1 ingest", $"PostgreSQL (not measured: {ingest.PostgresNotMeasured})", "not measured", "-", null, ">= 50% of the lower ceiling", null);
        }

        var lowerName = ingest.Transport.RecordsPerSecond <= pg.Storage.RecordsPerSecond ? "transport" : "storage";
        var ratio = pg.Hub.RatioTo(ingest.Transport, pg.Storage);
        return new("1 ingest", $"PostgreSQL, {N(pg.Hub.Records)} records, records/s (reconciliation and audit on)", N(pg.Hub.RecordsPerSecond),
            $"transport {N(ingest.Transport.RecordsPerSecond)}, storage (COPY) {N(pg.Storage.RecordsPerSecond)} (lower: {lowerName})", ratio, ">= 50% of the lower ceiling", ratio >= 0.5);
    }

    public static string Markdown(AllResult r)
    {
        var m = r.Machine;
        var text = new StringBuilder();
        void Line(string line = "") => text.Append(line).Append('\n');
        Line("# Exchange benchmarks");
        Line();
        Line($"Run {r.StartedUtc:yyyy-MM-dd HH:mm} UTC, {r.Elapsed.TotalMinutes:F1} min, commit {r.Commit}, by `dotnet run -c Release --project bench/Exchange.Bench -- all`.");
        Line($"Machine: {m.ProcessorCount} cores ({m.Cpu}), {m.TotalAvailableMemoryBytes / (double)(1L << 30):F1} GiB, {m.Os}, {m.Runtime}, GC {m.Gc}; " +
             $"1-minute load average {m.LoadAverage} (above {m.ProcessorCount} means other work competed for the cores).");
        if (LoadAbove(m.LoadAverage, m.ProcessorCount))
        {
            Line();
            Line($"**The load average was above the {m.ProcessorCount} cores**: other work (on this machine, other engineers' builds and tests) ran at the same time, " +
                 "so every figure here is pessimistic, the ceilings included, and the ratios are the more telling numbers.");
        }

        Line();
        Line("Each figure is measured against its ceiling in the same run; the ratio is the headline.");
        Line();
        Line("| area | figure | measured | ceiling | ratio | target | met |");
        Line("|---|---|---:|---|---:|---|---|");
        foreach (var h in Headlines(r))
        {
            Line($"| {h.Area} | {h.Figure} | {h.Measured} | {h.Ceiling} | {(h.Ratio is { } ratio ? Percent(ratio) : "-")} | {h.Target} | {(h.Met is { } met ? met ? "yes" : "**no**" : "-")} |");
        }

        Line();
        Line("![ratios](results.svg)");
        Line();
        text.Append(IngestSection(r.Ingest));
        text.Append(QuerySection(r.Queries));
        Line("## 3. Scale");
        Line();
        Line(CoverageBenchmark.Report(r.Scale).Replace("# Coverage scan benchmark", "Coverage scans of a real hub (from `coverage`, same code):", StringComparison.Ordinal));
        Line($"Peak memory (resident and the process's own: RssAnon, without the SQLite file the hub maps for reads) during the {N(r.Ingest.Records)}-record ingest: {N(r.Ingest.Hub.PeakMemory / 1048576.0)} MiB (sampled every 100 ms; hub and client " +
             $"in one process; {N(r.Ingest.MemoryBefore / 1048576.0)} MiB before it started). `all --full` measures it during a 1M-record ingest.");
        Line();
        Line("## 4. Linkage");
        Line();
        Line($"From `linkage` ({N(r.Linkage.Records)} current records, {N(r.Linkage.People)} people): engine {S(r.Linkage.EngineTime.TotalSeconds)} s, " +
             $"exact-ID join {r.Linkage.ExactJoin.Elapsed.TotalSeconds:F3} s; engine precision / recall {r.Linkage.EngineQuality.Precision:F4} / {r.Linkage.EngineQuality.Recall:F4}, " +
             $"exact-ID join {r.Linkage.ExactJoinQuality.Precision:F4} / {r.Linkage.ExactJoinQuality.Recall:F4}.");
        Line($"Matcher alone: {N(r.Matcher.Pairs)} candidate pairs of {N(r.Matcher.Records)} records scored in {S(r.Matcher.ScoreSeconds)} s on one thread " +
             $"({N(r.Matcher.ComparisonsPerSecond)} comparisons/s); the same pairs compared by ID only in {r.Matcher.IdSeconds:F3} s. " +
             "Per-pair figures with BenchmarkDotNet: `dotnet run -c Release --project bench/Exchange.Bench.Micro`.");
        return text.ToString();
    }

    /// <summary>The ingest part's details (also written alone by `ingest --out`).</summary>
    public static string IngestSection(IngestResult ingest)
    {
        var text = new StringBuilder();
        void Line(string line = "") => text.Append(line).Append('\n');
        Line("## 1. Ingest");
        Line();
        Line($"{N(ingest.Records)} records of the synthetic registry ({N(ingest.RegisterRecords)} register lines pushed as PS, {N(ingest.EnrollmentRecords)} enrollment lines as HR, " +
             "including older versions), read from the CSV files `exchange push` reads and pushed by the CLI's client (RecordCsv, RecordPusher, HubChannel; mTLS, " +
             "one bidirectional stream per file, 1,000 records per batch, 4 batches in flight). Every run starts from a fresh store. " +
             "Where a run shows several rates, it ran that many times and counts by its median; its seconds and JIT are the median run's. " +
             "Each hub run was paired with a storage-ceiling run right after it (in the first round both hubs ran first, and their peak memory is that round's, " +
             "before any ceiling's rows were resident), and the ratio in the headline is the median of the paired ratios.");
        Line();
        Line("**Warm-up.** Before the measured runs, each of them (no-op hub, hubs, storage loads) ran in the same process over the first " +
             $"{N(ingest.WarmUp.ColdHub.Records)} records (the first lines of each file) on a store of its own, the SQLite hub {ingest.WarmUp.HubRounds} times (a fresh hub and store each time), " +
             $"and the measurement waited until the JIT went quiet ({ingest.WarmUp.JitSettled.TotalSeconds:F0} s after the last of them). A process starts on unoptimized code and " +
             "recompiles what runs often in the background, in two steps of 30 calls each: code that runs once per batch is optimized only after some 60 batches. For the hub " +
             "(ASP.NET Core, gRPC, EF Core, the linker) that compilation took a third of a core throughout a 100k-record push on this machine. The measured runs show a " +
             "long-running hub, and the ceilings were warmed the same way. The JIT column says what was still compiled during each run (a newly started hub compiles its own " +
             "DI and EF code whatever ran before). The hub's first push after start is in the table as the cold-start figure.");
        Line();
        Line("| run | records | seconds | records/s | peak memory (MiB) | JIT during the run: methods (CPU s) |");
        Line("|---|---:|---:|---:|---:|---:|");
        var runs = new[]
        {
            ingest.Hub, ingest.Transport, ingest.StorageMultiRow, ingest.StoragePrepared, ingest.Postgres?.Hub, ingest.Postgres?.Storage, ingest.WarmUp.ColdHub, ingest.WarmUp.ColdPostgresHub,
        }.OfType<IngestRun>().ToList();
        foreach (var run in runs)
        {
            var rate = run.Repeats.Count > 1 ? $"{N(run.RecordsPerSecond)} (median of {string.Join(" / ", run.Repeats.Select(N))})" : N(run.RecordsPerSecond);
            Line($"| {run.Name} | {N(run.Records)} | {S(run.Seconds)} | {rate} | {N(run.PeakMemory / 1048576.0)} | {N(run.Jit.Methods)} ({run.Jit.Time.TotalSeconds:F1}) |");
        }

        if (ingest.Postgres is null)
        {
            Line($"| hub (PostgreSQL, online linking) | not measured | - | - | - | - |");
            Line($"| storage: rows into PostgreSQL, binary COPY | not measured | - | - | - | - |");
        }

        Line();
        Line("Audit log during each hub run (the hub's `AuditLog` singleton: entries written, group commits, time inside commits; after minus before the push). " +
             "Each batch is acknowledged only after its push.batch entry is durable, and a stream stores its next batch once the previous ack is sent, so these commits are " +
             "on the ingest's path (reading and validating the next batches run ahead meanwhile): the share (commit time / ingest time) approximates what the audit adds to the ingest.");
        Line();
        Line("| run | audit entries | commits | entries per commit | commit time (s) | share of the ingest time |");
        Line("|---|---:|---:|---:|---:|---:|");
        foreach (var run in new[] { ingest.Hub, ingest.Postgres?.Hub })
        {
            if (run?.Audit is { } audit)
            {
                Line($"| {run.Name} | {N(audit.EntriesWritten)} | {N(audit.Commits)} | {(audit.Commits == 0 ? "-" : (audit.EntriesWritten / (double)audit.Commits).ToString("F1", CultureInfo.InvariantCulture))} | " +
                     $"{audit.CommitTime.TotalSeconds:F2} | {Percent(audit.CommitTime.TotalSeconds / run.Seconds)} |");
            }
            else
            {
                Line($"| {run?.Name ?? "hub (PostgreSQL, online linking)"} | not measured | - | - | - | - |");
            }
        }

        Line();
        Line("- **hub**: `HubApplication` as `exchange serve` runs it: per-call registry authentication, validation, versioned storage, online linking " +
             "(blocking-key lookups, scoring, persons, links, events) in each batch's transaction, and the audit log (a durable entry per push batch and per call before its acknowledgement, group-committed); " +
             "SQLite in WAL mode with synchronous=FULL, or PostgreSQL (the server's own settings; the store's binary COPY path for new rows) on a database created for the run and dropped after it.");
        Line("- **transport ceiling**: Kestrel with the hub's TLS settings and a RecordService that acknowledges every batch with the same per-record results and stores nothing.");
        Line("- **storage ceiling**: the rows the hub writes per record (version, source record, person, link, blocking keys, person event), built before the clock " +
             "starts and written one transaction per 1,000-record batch, no hub and no linking decisions; once by multi-row INSERTs (up to 200k records), once by one prepared " +
             "single-row INSERT per table; the faster is the SQLite ceiling. For PostgreSQL the same rows, one binary COPY per table and batch (as PostgresBulk writes), into a " +
             "freshly migrated database of its own, dropped after.");
        Line(ingest.Postgres is null
            ? $"- **PostgreSQL**: not measured in this run ({ingest.PostgresNotMeasured})."
            : "- **PostgreSQL** shares the transport ceiling with SQLite (the no-op hub stores nothing, whatever the store).");
        Line($"- Records the hub rejected (validation) or the client could not convert: {N(ingest.Hub.Rejected)}; a rejected record is acknowledged like a stored one and counts in records/s.");
        Line();
        return text.ToString();
    }

    private static string QuerySection(QueryResult q)
    {
        var text = new StringBuilder();
        void Line(string line = "") => text.Append(line).Append('\n');
        Line("## 2. Queries");
        Line();
        Line($"{N(q.Persons)} persons seeded in {S(q.SeedSeconds)} s (one register record each, with its link and blocking keys, as a push leaves them; " +
             $"the seed is StoreLoader's, not a push). {q.GetPerson.Clients} clients, each on its own mTLS connection, each measurement " +
             $"{S(q.GetPerson.Seconds)} s after a 3 s warm-up (at saturation, longer until the JIT is quiet); latency is measured at the client.");
        Line();
        Line("| call | load | calls/s | p50 (ms) | p99 (ms) | CPU ms/call | errors |");
        Line("|---|---|---:|---:|---:|---:|---:|");
        foreach (var run in new[] { q.GetPerson, q.FindPersons, q.NoOp, q.GetPersonOpen, q.NoOpOpen })
        {
            Line($"| {run.Name} | {run.Load} | {N(run.CallsPerSecond)} | {run.P50Ms:F2} | {run.P99Ms:F2} | {run.CpuMsPerCall:F3} | {run.Errors} |");
        }

        Line();
        Line("GetPerson by a random person id; FindPersons by a random person's name and birth date (purpose stated, national client); the no-op unary is " +
             "RecordService.GetRecords on the transport-ceiling server. **Saturation** (closed loop): each client calls again as soon as it has its answer, " +
             $"so {q.GetPerson.Clients} calls are always in flight and latency is about {q.GetPerson.Clients} / throughput (Little's law): that p99 is the queue, and a p99 under 5 ms there " +
             $"needs about {N(q.GetPerson.Clients / 0.005)} calls/s (compare the no-op's saturation throughput). **Open loop**: the same clients and connections " +
             $"together offer a fixed rate ({N(q.GetPersonOpen.OfferedPerSecond ?? double.NaN)} calls/s, {Share(q.GetPersonOpen.OfferedPerSecond ?? double.NaN, q.GetPerson.CallsPerSecond)} " +
             "of GetPerson's saturation throughput, or `--rate`), GetPerson and then the no-op; each call is sent at its scheduled time whether or not " +
             "earlier ones have been answered, and its latency runs from that scheduled time, so a late send is counted (no coordinated omission). " +
             "Calls/s there is what was achieved. CPU ms/call is the process's CPU time over the measured window per call, hub and clients together " +
             "(one process); at a low rate it also carries the process's idle work, so compare it within a load.");
        Line();
        return text.ToString();
    }

    /// <summary>The query part alone, with the machine, for `queries --out`.</summary>
    public static string QueriesAlone(QueryResult q, MachineFacts m, DateTime startedUtc)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"# Query benchmark\n\nRun {startedUtc:yyyy-MM-dd HH:mm} UTC by `exchange-bench queries --persons {q.Persons}`; ")
            .Append(CultureInfo.InvariantCulture, $"{m.ProcessorCount} cores ({m.Cpu}), {m.Runtime}; 1-minute load average {m.LoadAverage}.\n\n")
            .Append("| figure | measured | ceiling | ratio | target | met |\n|---|---:|---|---:|---|---|\n");
        foreach (var h in QueryHeadlines(q))
        {
            text.Append(CultureInfo.InvariantCulture, $"| {h.Figure} | {h.Measured} | {h.Ceiling} | {(h.Ratio is { } ratio ? Percent(ratio) : "-")} | {h.Target} | {(h.Met is { } met ? met ? "yes" : "**no**" : "-")} |\n");
        }

        return text.Append('\n').Append(QuerySection(q).Replace("## 2. Queries", "## Details", StringComparison.Ordinal)).ToString();
    }

    /// <summary>The ingest part alone, with the machine, for `ingest --out`.</summary>
    public static string IngestAlone(IngestResult ingest, MachineFacts m, DateTime startedUtc, string commit)
    {
        return $"# Ingest benchmark\n\nRun {startedUtc:yyyy-MM-dd HH:mm} UTC by `dotnet run -c Release --project bench/Exchange.Bench -- ingest` ({N(ingest.Records)} records) at commit {commit}; " +
               $"{m.ProcessorCount} cores ({m.Cpu}), {m.TotalAvailableMemoryBytes / (double)(1L << 30):F1} GiB, {m.Runtime}; 1-minute load average {m.LoadAverage}.\n\n" +
               $"SQLite hub {N(ingest.Hub.RecordsPerSecond)} records/s = {Percent(ingest.Hub.RatioTo(ingest.Transport, ingest.Storage))} of the lower ceiling " +
               $"(transport {N(ingest.Transport.RecordsPerSecond)}/s, storage {N(ingest.Storage.RecordsPerSecond)}/s); peak memory {N(ingest.Hub.PeakMemory / 1048576.0)} MiB.\n\n" +
               (ingest.Postgres is { } pg
                   ? $"PostgreSQL hub {N(pg.Hub.RecordsPerSecond)} records/s = {Percent(pg.Hub.RatioTo(ingest.Transport, pg.Storage))} of the lower ceiling " +
                     $"(transport {N(ingest.Transport.RecordsPerSecond)}/s, COPY {N(pg.Storage.RecordsPerSecond)}/s); peak memory {N(pg.Hub.PeakMemory / 1048576.0)} MiB.\n\n"
                   : string.Empty) +
               IngestSection(ingest).Replace("## 1. Ingest", "## Details", StringComparison.Ordinal);
    }

    /// <summary>A horizontal bar per ratio, 0 to 100 % (longer bars are clipped and labelled), with the 50 % ingest target.</summary>
    public static string Chart(AllResult r)
    {
        var bars = Headlines(r).Where(h => h.Ratio is not null).ToList();
        const int left = 430, width = 400, rowHeight = 30, top = 50;
        var height = top + bars.Count * rowHeight + 40;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{left + width + 120}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"10\" y=\"22\" font-size=\"15\" font-weight=\"bold\">Exchange: each figure as a share of its ceiling ({r.StartedUtc:yyyy-MM-dd}, {r.Machine.ProcessorCount} cores)</text>\n");
        for (var i = 0; i < bars.Count; i++)
        {
            var h = bars[i];
            var y = top + i * rowHeight;
            var ratio = h.Ratio!.Value;
            var length = Math.Clamp(ratio, 0, 1) * width;
            var color = h.Met switch { true => "#2e7d32", false => "#c62828", _ => "#1565c0" };
            var label = WebUtility.HtmlEncode($"{h.Area}: {Short(h.Figure)}");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 8}\" y=\"{y + 15}\" text-anchor=\"end\">{label}</text>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{left}\" y=\"{y + 3}\" width=\"{width}\" height=\"18\" fill=\"#eeeeee\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{left}\" y=\"{y + 3}\" width=\"{Math.Max(length, 1):F1}\" height=\"18\" fill=\"{color}\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left + width + 8}\" y=\"{y + 15}\">{WebUtility.HtmlEncode(Percent(ratio))}</text>\n");
        }

        var target = left + width / 2;
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{target}\" y1=\"{top - 5}\" x2=\"{target}\" y2=\"{top + bars.Count * rowHeight}\" stroke=\"#555\" stroke-dasharray=\"4 3\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{target}\" y=\"{top + bars.Count * rowHeight + 16}\" text-anchor=\"middle\">50 % (ingest target)</text>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"10\" y=\"{height - 8}\" fill=\"#555\">green: target met, red: not met, blue: no target. Scale ratios: linear time / measured time.</text>\n");
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    // "13.55 before, 16.18 after": true when either reading is above the core count.
    private static bool LoadAbove(string loadAverage, int cores) =>
        loadAverage.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries)
            .Any(part => double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var load) && load > cores);

    private static string Short(string figure)
    {
        var cut = figure.IndexOfAny([',', '(']);
        return cut > 0 ? figure[..cut].Trim() : figure;
    }

    private static string N(double value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string S(double seconds) => seconds.ToString("F2", CultureInfo.InvariantCulture);

    private static string Ms(double ms) => ms.ToString("F1", CultureInfo.InvariantCulture) + " ms";

    private static string Percent(double ratio) => ratio >= 10 ? ratio.ToString("F0", CultureInfo.InvariantCulture) + "x" : (ratio * 100).ToString(ratio < 0.01 ? "F2" : "F1", CultureInfo.InvariantCulture) + " %";
}
