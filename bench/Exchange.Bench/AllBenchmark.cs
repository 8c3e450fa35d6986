using System.Diagnostics;
using System.Globalization;

namespace Exchange.Bench;

/// <summary>What `all` runs; the defaults fit ten minutes on two cores, --full runs the issue's 1M sizes.</summary>
internal sealed record AllOptions
{
    public int IngestRecords { get; init; } = 100_000;

    public int QueryPersons { get; init; } = 1_000_000;

    public int[] ScaleSizes { get; init; } = [250_000, 500_000, 1_000_000];

    public int LinkageRecords { get; init; } = 100_000;

    public int Clients { get; init; } = 64;

    public TimeSpan QueryDuration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>`--rate`: the open-loop query rate, calls/s; null: half of GetPerson's closed-loop throughput in the same run.</summary>
    public int? QueryRate { get; init; }

    public string Out { get; init; } = Path.Combine("bench", "results.md");

    public string Chart { get; init; } = Path.Combine("bench", "results.svg");

    /// <summary>Whether the ingest also runs on PostgreSQL (`--store sqlite` turns it off).</summary>
    public bool Postgres { get; init; } = true;

    /// <summary>`--connection`: an administrative connection string (a role that may create databases); null: EXCHANGE_TEST_POSTGRES, then scripts/postgres-up.</summary>
    public string? Connection { get; init; }

    public static AllOptions Full => new() { IngestRecords = 1_000_000, LinkageRecords = 1_000_000 };
}

internal sealed record AllResult(
    DateTime StartedUtc, TimeSpan Elapsed, MachineFacts Machine, string Commit,
    IngestResult Ingest, QueryResult Queries, List<CoverageBenchmark.Row> Scale, LinkageResult Linkage, MatcherResult Matcher);

/// <summary>Every benchmark at its default size, in one process, one after the other (never two at once).</summary>
internal static class AllBenchmark
{
    public static async Task<int> RunAsync(AllOptions options)
    {
        using var progress = new Progress();
        var started = DateTime.UtcNow;
        var loadBefore = LinkageBenchmark.LoadAverage();
        var watch = Stopwatch.StartNew();
        var commit = Commit(); // the code that runs, read before anything can change the working tree

        progress.Write($"1/4 ingest: {options.IngestRecords:N0} records");
        var (postgres, notMeasured) = options.Postgres ? PostgresConnection.Resolve(options.Connection, progress) : (null, "--store sqlite");
        var ingest = await IngestBenchmark.RunAsync(options.IngestRecords, progress, postgres, notMeasured);

        progress.Write($"2/4 queries: {options.QueryPersons:N0} persons, {options.Clients} clients, {options.QueryDuration.TotalSeconds:F0} s per call");
        var queries = await QueryBenchmark.RunAsync(options.QueryPersons, options.Clients, options.QueryDuration, progress, options.QueryRate);

        progress.Write($"3/4 scale: gap scan and summary at {string.Join(", ", options.ScaleSizes.Select(s => s.ToString("N0", CultureInfo.InvariantCulture)))} persons");
        var scale = new List<CoverageBenchmark.Row>();
        foreach (var size in options.ScaleSizes.Order())
        {
            var row = await CoverageBenchmark.MeasureAsync(size);
            progress.Write($"scale {size:N0}: gap scan {row.GapSeconds:F2} s, summary {row.SummarySeconds:F2} s");
            scale.Add(row);
        }

        progress.Write($"4/4 linkage: {options.LinkageRecords:N0} records");
        var linkage = LinkageBenchmark.Run(new LinkageOptions { Records = options.LinkageRecords }, progress);
        var matcher = MatcherThroughput.Run(options.LinkageRecords, progress);

        var machine = LinkageBenchmark.Machine($"{loadBefore} before, {LinkageBenchmark.LoadAverage()} after");
        var result = new AllResult(started, watch.Elapsed, machine, commit, ingest, queries, scale, linkage, matcher);
        var markdown = ResultsReport.Markdown(result);
        var svg = ResultsReport.Chart(result);
        foreach (var (path, text) in new[] { (options.Out, markdown), (options.Chart, svg) })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            await File.WriteAllTextAsync(path, text);
        }

        Console.WriteLine(markdown);
        progress.Write($"all done in {watch.Elapsed.TotalMinutes:F1} min; written to {Path.GetFullPath(options.Out)} and {Path.GetFullPath(options.Chart)}");
        return 0;
    }

    internal static string Commit()
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", "rev-parse --short HEAD") { RedirectStandardOutput = true, RedirectStandardError = true });
            var commit = git!.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            using var status = Process.Start(new ProcessStartInfo("git", "status --porcelain --untracked-files=no") { RedirectStandardOutput = true, RedirectStandardError = true });
            var dirty = status!.StandardOutput.ReadToEnd().Trim().Length > 0;
            status.WaitForExit();
            return commit.Length == 0 ? "unknown" : dirty ? commit + " (with uncommitted changes)" : commit;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown";
        }
    }
}

/// <summary>Where the PostgreSQL runs go: --connection, else EXCHANGE_TEST_POSTGRES, else what scripts/postgres-up prints.</summary>
internal static class PostgresConnection
{
    public const string Variable = "EXCHANGE_TEST_POSTGRES";

    /// <returns>The connection string, or null and why not.</returns>
    public static (string? Connection, string? Why) Resolve(string? given, Progress progress)
    {
        if (!string.IsNullOrWhiteSpace(given))
        {
            return (given, null);
        }

        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } fromEnvironment)
        {
            return (fromEnvironment, null);
        }

        var script = Path.Combine("scripts", "postgres-up");
        if (!File.Exists(script))
        {
            return (null, $"no --connection, no {Variable}, and no {script} under {Directory.GetCurrentDirectory()}");
        }

        try
        {
            progress.Write($"PostgreSQL: running {script}");
            using var process = Process.Start(new ProcessStartInfo(script) { RedirectStandardOutput = true })!;
            var output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            return process.ExitCode == 0 && output.Length > 0 ? (output, null) : (null, $"{script} failed (exit code {process.ExitCode})");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (null, $"{script} could not run: {e.Message}");
        }
    }
}
