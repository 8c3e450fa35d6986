using BenchmarkDotNet.Running;

// `dotnet run -c Release --project bench/Exchange.Bench.Micro` runs every benchmark; BenchmarkDotNet's own
// options follow `--` (e.g. `-- --filter *Matcher* --job short`).
BenchmarkSwitcher.FromAssembly(typeof(Exchange.Bench.Micro.MatcherBenchmarks).Assembly).Run(args);
