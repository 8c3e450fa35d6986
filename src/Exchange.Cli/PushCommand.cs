using System.CommandLine;
using Exchange.Client;
using Exchange.Contracts.V1;
using Spectre.Console;

namespace Exchange.Cli;

internal static class PushCommand
{
    public static Command Create()
    {
        var client = new ClientOptions();
        var file = new Option<FileInfo>("--file") { Description = "CSV file of register or enrollment records (see README).", Required = true };
        var batchSize = new Option<int>("--batch-size") { Description = "Records per batch.", DefaultValueFactory = _ => 1_000 };
        var command = new Command("push", "Push a CSV file of records to the hub, with progress and a summary.") { file, batchSize };
        client.AddTo(command);
        command.SetAction((result, cancellationToken) => ClientOptions.ReportFailuresAsync(async () =>
        {
            using var channel = client.Open(result);
            var summary = await PushFileAsync(new RecordService.RecordServiceClient(channel), result.GetValue(file)!, new PushOptions(BatchSize: result.GetValue(batchSize)), cancellationToken);
            return summary.Rejected == 0 ? 0 : 1;
        }));
        return command;
    }

    public static async Task<PushSummary> PushFileAsync(RecordService.RecordServiceClient client, FileInfo file, PushOptions options, CancellationToken cancellationToken)
    {
        if (!file.Exists)
        {
            throw new FileNotFoundException($"No such file: {file.FullName}");
        }

        // One cheap pass for the total, so the bar can show how far along the push is.
        var total = Math.Max(1, File.ReadLines(file.FullName).LongCount() - 1);
        var summary = new PushSummary();
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(Markup.Escape(file.Name), maxValue: total);
                using var reader = new StreamReader(file.FullName);
                var records = RecordCsv.ReadAsync(
                    reader,
                    error =>
                    {
                        summary.AddLocalRejection(error.RecordId, error.Field, $"line {error.Line}: {error.Description}");
                        task.Increment(1);
                    },
                    cancellationToken);
                await RecordPusher.PushAsync(client, records, options, summary, new SynchronousProgress(s => task.Value = s.Acknowledged), cancellationToken);
                task.Value = task.MaxValue;
            });

        Print(file.Name, summary);
        return summary;
    }

    public static void Print(string name, PushSummary summary)
    {
        var totals = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(name))
            .AddColumns("stored", "stored as history", "unchanged duplicates", "rejected", "flagged for reconciliation");
        totals.AddRow($"[green]{summary.Stored}[/]", $"{summary.StoredAsHistory}", $"{summary.Duplicates}", summary.Rejected > 0 ? $"[red]{summary.Rejected}[/]" : "0", $"{summary.Flagged}");
        AnsiConsole.Write(totals);
        if (summary.RejectionReasons.Count == 0)
        {
            return;
        }

        var reasons = new Table().Border(TableBorder.Simple).AddColumns("rejection reason", "records");
        foreach (var (reason, count) in summary.RejectionReasons.OrderByDescending(r => r.Value))
        {
            reasons.AddRow(Markup.Escape(reason), count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        AnsiConsole.Write(reasons);
        foreach (var example in summary.Examples.Take(5))
        {
            foreach (var error in example.Errors)
            {
                AnsiConsole.MarkupLineInterpolated($"  [grey]{example.RecordId} v{example.Version}[/] {error.Field}: {error.Description}");
            }
        }
    }

    /// <summary>Reports on the caller's thread; Progress&lt;T&gt; would post to a context the console does not have.</summary>
    private sealed class SynchronousProgress(Action<PushSummary> report) : IProgress<PushSummary>
    {
        public void Report(PushSummary value) => report(value);
    }
}
