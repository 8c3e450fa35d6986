using System.CommandLine;
using Exchange.Contracts.V1;
using Grpc.Core;
using Spectre.Console;

namespace Exchange.Cli;

internal static class ChangesCommand
{
    public static Command Create()
    {
        var client = new ClientOptions();
        var after = new Option<long>("--after") { Description = "Cursor of the last change already seen.", DefaultValueFactory = _ => 0 };
        var source = new Option<string>("--source") { Description = "Only this source system.", DefaultValueFactory = _ => "" };
        var max = new Option<int>("--max") { Description = "Most changes to show.", DefaultValueFactory = _ => 100 };
        var command = new Command("changes", "List record versions stored after a cursor.") { after, source, max };
        client.AddWithPurposeTo(command);
        command.SetAction((result, cancellationToken) => ClientOptions.ReportFailuresAsync(async () =>
        {
            using var channel = client.Open(result);
            using var call = new RecordService.RecordServiceClient(channel).ListChanges(
                new ListChangesRequest { Purpose = result.GetValue(client.Purpose)!, AfterCursor = result.GetValue(after), SourceSystem = result.GetValue(source)!, MaxChanges = result.GetValue(max) },
                cancellationToken: cancellationToken);
            var changes = new List<RecordChange>();
            await foreach (var change in call.ResponseStream.ReadAllAsync(cancellationToken))
            {
                changes.Add(change);
            }

            AnsiConsole.Write(Render.Records(changes.Select(c => c.Record), mask: true));
            AnsiConsole.MarkupLineInterpolated($"{changes.Count} changes; resume with --after {(changes.Count > 0 ? changes[^1].Cursor : result.GetValue(after))}");
            return 0;
        }));
        return command;
    }
}
