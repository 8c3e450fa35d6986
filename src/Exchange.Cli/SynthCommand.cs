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
            var truth = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(folder.FullName)).AddColumns("truth", "persons");
            foreach (var (label, value) in new (string, int)[]
            {
                ("people", summary.People), ("in the register", summary.InRegister), ("deceased", summary.Deceased), ("migrants", summary.Migrants),
                ("eligible", summary.Eligible), ("covered", summary.Covered), ("gap (eligible, not covered)", summary.Gap),
                ("enrolled in two regions", summary.MultiRegion), ("deceased with active pension", summary.DeceasedWithActiveEndowment),
            })
            {
                truth.AddRow(label, value.ToString("N0", CultureInfo.InvariantCulture));
            }

            var faults = new Table().Border(TableBorder.Rounded).AddColumns("records", "count");
            faults.AddRow("register records (CSV rows)", $"{summary.RegisterRecords:N0} ({summary.RegisterRows:N0})");
            faults.AddRow("enrollment records (CSV rows)", $"{summary.EnrollmentRecords:N0} ({summary.EnrollmentRows:N0})");
            foreach (var (fault, count) in summary.Faults)
            {
                faults.AddRow("fault: " + Markup.Escape(fault), count.ToString("N0", CultureInfo.InvariantCulture));
            }

            AnsiConsole.Write(new Columns(truth, faults));
            AnsiConsole.MarkupLineInterpolated($"Push with: exchange push --file {Path.Combine(folder.FullName, "register.csv")} --cert certs/dev/clients/ps-national.pfx, then enrollment.csv with hr-national.pfx.");
            return 0;
        });
        return command;
    }
}
