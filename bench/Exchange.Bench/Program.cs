using System.Globalization;

namespace Exchange.Bench;

/// <summary>Entry point: parses the command line by hand (no new packages) and runs one benchmark.</summary>
internal static class Program
{
    private const string Usage = """
        Usage: exchange-bench all [--full] [--store sqlite|postgres|both] [--connection PG] [--ingest N] [--persons N] [--scale 250000,500000,1000000]
                                 [--linkage N] [--clients 64] [--seconds 10] [--rate N] [--out bench/results.md] [--chart bench/results.svg]
               exchange-bench ingest [--records N] [--store sqlite|postgres|both] [--connection PG] [--out FILE]
               exchange-bench queries [--persons 1000000] [--clients 64] [--seconds 10] [--rate N] [--out FILE]
               exchange-bench linkage [--records N] [--seed S] [--people P] [--out FILE]
               exchange-bench coverage [--persons 250000,500000,1000000] [--out FILE]
               exchange-bench store --postgres CONNECTION [--people 1000000] [--out FILE]

          all           ingest, queries, scale and linkage, each against its ceiling; writes results.md and results.svg.
                        Defaults fit 10 minutes on 2 cores (100k-record ingest per store); --full: 1M ingest and linkage.
          --store S     sqlite: SQLite only; postgres or both (default): the ingest also on PostgreSQL, each run on a
                        fresh database created and dropped here
          --connection  PostgreSQL connection string of a role that may create databases; default EXCHANGE_TEST_POSTGRES,
                        else the output of scripts/postgres-up (run from the repository root)
          --rate N      open-loop query rate (calls/s offered by all clients together); default half of GetPerson's
                        closed-loop calls/s in the same run

          --records N   current records (register + enrollment) to link, about; default 1000000
          --seed S      generator seed; default 1
          --people P    generate exactly P people instead of sizing from --records
          --out FILE    Markdown report; default bench/results-linkage.md (folder created)
        """;

    public static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }

        if (args[0] == "all")
        {
            try
            {
                return AllBenchmark.RunAsync(ParseAll(args.AsSpan(1))).GetAwaiter().GetResult();
            }
            catch (FormatException e)
            {
                Console.Error.WriteLine(e.Message);
                Console.Error.WriteLine(Usage);
                return 2;
            }
        }

        if (args[0] is "ingest" or "queries")
        {
            // One part of `all` alone, figures on stderr (for trying sizes; `all` writes the results).
            var part = ParseAll(args.AsSpan(1).ToArray().Select(a => a == "--records" ? "--ingest" : a).ToArray());
            using var partProgress = new Progress();
            if (args[0] == "queries")
            {
                var queriesStarted = DateTime.UtcNow;
                var queriesLoad = LinkageBenchmark.LoadAverage();
                var queries = QueryBenchmark.RunAsync(part.QueryPersons, part.Clients, part.QueryDuration, partProgress, part.QueryRate).GetAwaiter().GetResult();
                if (args.Contains("--out"))
                {
                    var machine = LinkageBenchmark.Machine($"{queriesLoad} before, {LinkageBenchmark.LoadAverage()} after");
                    File.WriteAllText(part.Out, ResultsReport.QueriesAlone(queries, machine, queriesStarted));
                    partProgress.Write($"written to {Path.GetFullPath(part.Out)}");
                }

                return 0;
            }

            var startedUtc = DateTime.UtcNow;
            var commit = AllBenchmark.Commit();
            var loadBefore = LinkageBenchmark.LoadAverage();
            var (postgres, notMeasured) = part.Postgres ? PostgresConnection.Resolve(part.Connection, partProgress) : (null, "--store sqlite");
            var ingest = IngestBenchmark.RunAsync(part.IngestRecords, partProgress, postgres, notMeasured).GetAwaiter().GetResult();
            if (args.Contains("--out"))
            {
                // A 1M-record ingest does not fit in `all`'s ten minutes; this keeps its figures, peak memory included.
                var machine = LinkageBenchmark.Machine($"{loadBefore} before, {LinkageBenchmark.LoadAverage()} after");
                File.WriteAllText(part.Out, ResultsReport.IngestAlone(ingest, machine, startedUtc, commit));
                partProgress.Write($"written to {Path.GetFullPath(part.Out)}");
            }

            return 0;
        }

        if (args[0] == "coverage")
        {
            var sizes = args.Length >= 3 && args[1] == "--persons"
                ? args[2].Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray()
                : [250_000, 500_000, 1_000_000];
            var outIndex = Array.IndexOf(args, "--out");
            var output = outIndex > 0 && outIndex + 1 < args.Length ? args[outIndex + 1] : "bench/results-coverage.md";
            return CoverageBenchmark.RunAsync(sizes, output).GetAwaiter().GetResult();
        }

        if (args[0] == "store")
        {
            string? Value(string name) => Array.IndexOf(args, name) is var i and > 0 && i + 1 < args.Length ? args[i + 1] : null;
            var postgres = Value("--postgres") ?? Environment.GetEnvironmentVariable("EXCHANGE_TEST_POSTGRES");
            if (postgres is null)
            {
                Console.Error.WriteLine("store needs --postgres CONNECTION (or EXCHANGE_TEST_POSTGRES), a role that may create databases.");
                return 2;
            }

            var people = int.Parse(Value("--people") ?? "1000000", CultureInfo.InvariantCulture);
            return StoreBenchmark.RunAsync(people, postgres, Value("--out") ?? "bench/results-store.md").GetAwaiter().GetResult();
        }

        if (args[0] != "linkage")
        {
            Console.Error.WriteLine($"Unknown command '{args[0]}'.");
            Console.Error.WriteLine(Usage);
            return 2;
        }

        LinkageOptions options;
        try
        {
            options = ParseLinkage(args.AsSpan(1));
        }
        catch (FormatException e)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine(Usage);
            return 2;
        }

        using var progress = new Progress();
        var result = LinkageBenchmark.Run(options, progress);
        var markdown = LinkageReport.ToMarkdown(result);
        var outPath = Path.GetFullPath(options.Out);
        Directory.CreateDirectory(Path.GetDirectoryName(outPath)!);
        File.WriteAllText(outPath, markdown);
        Console.WriteLine();
        Console.WriteLine(markdown);
        Console.WriteLine($"Written to {outPath}");
        return 0;
    }

    private static LinkageOptions ParseLinkage(ReadOnlySpan<string> args)
    {
        var options = new LinkageOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (i + 1 >= args.Length)
            {
                throw new FormatException($"{name} needs a value.");
            }

            var value = args[++i];
            options = name switch
            {
                "--records" => options with { Records = PositiveInt(name, value) },
                "--seed" => options with { Seed = int.Parse(value, CultureInfo.InvariantCulture) },
                "--people" => options with { People = PositiveInt(name, value) },
                "--out" => options with { Out = value },
                _ => throw new FormatException($"Unknown option '{name}'."),
            };
        }

        return options;
    }

    private static AllOptions ParseAll(ReadOnlySpan<string> args)
    {
        var options = args.Contains("--full") ? AllOptions.Full : new AllOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (name == "--full")
            {
                continue;
            }

            if (i + 1 >= args.Length)
            {
                throw new FormatException($"{name} needs a value.");
            }

            var value = args[++i];
            options = name switch
            {
                "--store" => value switch
                {
                    "sqlite" => options with { Postgres = false },
                    "postgres" or "both" => options with { Postgres = true },
                    _ => throw new FormatException($"--store {value}: one of sqlite (SQLite only), postgres or both (SQLite and PostgreSQL, the default)."),
                },
                "--connection" => options with { Connection = value, Postgres = true },
                "--ingest" => options with { IngestRecords = PositiveInt(name, value) },
                "--persons" => options with { QueryPersons = PositiveInt(name, value) },
                "--scale" => options with { ScaleSizes = [.. value.Split(',').Select(v => PositiveInt(name, v))] },
                "--linkage" => options with { LinkageRecords = PositiveInt(name, value) },
                "--clients" => options with { Clients = PositiveInt(name, value) },
                "--seconds" => options with { QueryDuration = TimeSpan.FromSeconds(PositiveInt(name, value)) },
                "--rate" => options with { QueryRate = PositiveInt(name, value) },
                "--out" => options with { Out = value },
                "--chart" => options with { Chart = value },
                _ => throw new FormatException($"Unknown option '{name}'."),
            };
        }

        return options;
    }

    private static int PositiveInt(string name, string value) =>
        int.TryParse(value.Replace("_", string.Empty, StringComparison.Ordinal), NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new FormatException($"{name} must be a positive whole number, not '{value}'.");
}

/// <summary>What the linkage benchmark runs on.</summary>
internal sealed record LinkageOptions
{
    public int Records { get; init; } = 1_000_000;

    public int Seed { get; init; } = 1;

    /// <summary>When set, the exact number of people to generate (reproduces a test's data set).</summary>
    public int? People { get; init; }

    public string Out { get; init; } = Path.Combine("bench", "results-linkage.md");
}
