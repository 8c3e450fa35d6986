using System.CommandLine;
using Exchange.Contracts.V1;
using Spectre.Console;

namespace Exchange.Cli;

internal static class GetCommand
{
    public static Command Create()
    {
        var client = new ClientOptions();
        var nationalId = new Option<string>("--national-id") { Description = "18- or 15-digit national ID.", Required = true };
        var region = new Option<string>("--region") { Description = "Division prefix inside your scope.", DefaultValueFactory = _ => "" };
        var command = new Command("get", "Show the stored records for a national ID.") { nationalId, region };
        client.AddWithPurposeTo(command);
        command.SetAction((result, cancellationToken) => ClientOptions.ReportFailuresAsync(async () =>
        {
            using var channel = client.Open(result);
            var response = await new RecordService.RecordServiceClient(channel).GetRecordsAsync(
                new GetRecordsRequest { Purpose = result.GetValue(client.Purpose)!, NationalId = result.GetValue(nationalId)!, DivisionPrefix = result.GetValue(region)! },
                cancellationToken: cancellationToken);
            if (response.Records.Count == 0)
            {
                AnsiConsole.MarkupLine("No records within your scope.");
                return 1;
            }

            AnsiConsole.Write(Render.Records(response.Records, mask: false));
            return 0;
        }));
        return command;
    }
}
