using System.CommandLine;
using System.Globalization;
using Exchange.Synthetic;
using Spectre.Console;

namespace Exchange.Cli;

internal static class SynthCommand
{
    public static Command Create()
    {
        var people = new Option<int>("--people") { Description = "Number of true persons.", DefaultValueFactory = _ => 20_000 };
        var seed = new Option<int>("--seed") { Description = "Random seed (same seed, same files).", DefaultValueFactory = _ => 1 };
        var output = new Option<DirectoryInfo>("--out") { Description = "Output folder.", DefaultValueFactory = _ => new DirectoryInfo("synthetic") };
        var command = new Command("synth", "Write a synthetic Chinese registry (register.csv, enrollment.csv) with truth labels and realistic faults.") { people, seed, output };
        command.SetAction(result =>
        {
            var folder = result.GetValue(output)!;
            folder.Create();
            var summary = RegistryGenerator.WriteFiles(new GeneratorOptions { People = result.GetValue(people), Seed = result.GetValue(seed) }, folder.FullName);
            AnsiConsole.MarkupLineInterpolated($"Wrote {folder.FullName}: {summary}");
            AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"Push with: exchange push --file {Path.Combine(folder.FullName, "register.csv")} --cert <a national ps certificate>"));
            return 0;
        });
        return command;
    }
}
