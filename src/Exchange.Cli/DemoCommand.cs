using Microsoft.Extensions.Hosting;
using System.CommandLine;
using Exchange.Client;
using Exchange.Contracts.V1;
using Exchange.Pki;
using Exchange.Server;
using Grpc.Core;
using Spectre.Console;

namespace Exchange.Cli;

internal static class DemoCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "Port for the demo hub.", DefaultValueFactory = _ => 5443 };
        var dir = CertsCommands.CertDirectoryOption();
        var data = CertsCommands.DataDirectoryOption();
        var keepRunning = new Option<bool>("--keep-running") { Description = "Leave the hub running after the demo (Ctrl+C stops it)." };
        var command = new Command("demo", "Create certificates, start the hub on 127.0.0.1, push sample records as a PS and an HR client, and show what was stored.")
        {
            port, dir, data, keepRunning,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var certificates = new CertificateDirectory(result.GetValue(dir)!.FullName);
            var dataDirectory = result.GetValue(data)!.FullName;

            AnsiConsole.Write(new Rule("[bold]1. Development PKI and client registry[/]").LeftJustified());
            await DevelopmentPki.InitAsync(certificates, dataDirectory, DevelopmentPki.DefaultClients, force: false, TimeProvider.System, cancellationToken);
            AnsiConsole.MarkupLineInterpolated($"CA, server and client certificates in {certificates.Root}; clients registered in {dataDirectory}.");

            AnsiConsole.Write(new Rule("[bold]2. Hub[/]").LeftJustified());
            await using var app = HubApplication.Build([], new Dictionary<string, string?>
            {
                ["Hub:Port"] = result.GetValue(port).ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Hub:DataDirectory"] = dataDirectory,
                ["Hub:CertificateDirectory"] = certificates.Root,
                ["Logging:LogLevel:Default"] = "Error",
            });
            var address = await HubApplication.StartAsync(app, cancellationToken);
            AnsiConsole.MarkupLineInterpolated($"Hub listening on [bold]{address}[/] (HTTP/2 over TLS, client certificate required).");

            using var ps = HubChannel.Create(address, certificates.Client("ps-gd"), certificates.CaCertificate);
            using var hr = HubChannel.Create(address, certificates.Client("hr-gd"), certificates.CaCertificate);
            using var hrBeijing = HubChannel.Create(address, certificates.Client("hr-bj"), certificates.CaCertificate);
            var samples = Path.Combine(AppContext.BaseDirectory, "samples");

            AnsiConsole.Write(new Rule("[bold]3. Pushes[/]").LeftJustified());
            AnsiConsole.MarkupLine("ps-gd (public security, Guangdong) pushes the population register:");
            await PushCommand.PushFileAsync(new RecordService.RecordServiceClient(ps), new FileInfo(Path.Combine(samples, "register-gd.csv")), new PushOptions(BatchSize: 4), cancellationToken);
            AnsiConsole.MarkupLine("hr-gd (social insurance, Guangdong) pushes enrollments:");
            await PushCommand.PushFileAsync(new RecordService.RecordServiceClient(hr), new FileInfo(Path.Combine(samples, "enrollment-gd.csv")), new PushOptions(BatchSize: 4), cancellationToken);

            AnsiConsole.Write(new Rule("[bold]4. What the hub stored[/]").LeftJustified());
            var records = new List<StoredRecord>();
            using (var call = new RecordService.RecordServiceClient(hr).ListChanges(new ListChangesRequest { Purpose = "benefit-verification" }, cancellationToken: cancellationToken))
            {
                await foreach (var change in call.ResponseStream.ReadAllAsync(cancellationToken))
                {
                    records.Add(change.Record);
                }
            }

            AnsiConsole.MarkupLineInterpolated($"{records.Count} record versions in the Guangdong scope (national IDs masked on screen):");
            AnsiConsole.Write(Render.Records(records, mask: true));
            var someone = records.First(r => r.Kind == RecordKind.Register && r.NormalizedNationalId.Length > 0).NormalizedNationalId;
            var byId = await new RecordService.RecordServiceClient(hr).GetRecordsAsync(new GetRecordsRequest { Purpose = "benefit-verification", NationalId = someone }, cancellationToken: cancellationToken);
            AnsiConsole.MarkupLineInterpolated($"GetRecords({Render.MaskId(someone)}) as hr-gd: {byId.Records.Count} records, from {string.Join(" and ", byId.Records.Select(r => r.SourceSystem).Distinct())}.");

            AnsiConsole.Write(new Rule("[bold]5. Persons: every record linked to one person, and why[/]").LeftJustified());
            var persons = new PersonService.PersonServiceClient(hr);
            var links = new List<LinkExplanation>();
            foreach (var record in records.Where(r => r.Current))
            {
                links.Add(await persons.ExplainRecordAsync(new ExplainRecordRequest { Purpose = "benefit-verification", SourceSystem = record.SourceSystem, RecordId = record.Envelope.RecordId }, cancellationToken: cancellationToken));
            }

            var byPerson = new Table().Border(TableBorder.Rounded).AddColumns("person", "records", "how linked");
            foreach (var person in links.GroupBy(l => l.PersonId).OrderBy(g => g.Key))
            {
                byPerson.AddRow(
                    person.Key.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    Markup.Escape(string.Join("\n", person.Select(l => l.RecordId))),
                    Markup.Escape(string.Join("\n", person.Select(l => l.MatchedRecordId.Length == 0 ? l.Method : $"{l.Method} p={l.MatchProbability:P1}: " + string.Join(", ", l.Fields.Where(f => f.Level != "missing").Select(f => $"{f.Field} {f.Level}"))))));
            }

            AnsiConsole.Write(byPerson);
            using (var call = persons.ListReviewItems(new ListReviewItemsRequest { Purpose = "benefit-verification" }, cancellationToken: cancellationToken))
            {
                await foreach (var item in call.ResponseStream.ReadAllAsync(cancellationToken))
                {
                    AnsiConsole.MarkupLineInterpolated($"Review queue: {item.SourceSystem}/{item.RecordId} [yellow]{item.Reason}[/] (person {item.CandidatePersonId}); decide with `exchange review confirm|reject --id {item.ReviewId}`.");
                }
            }

            AnsiConsole.Write(new Rule("[bold]6. Least privilege[/]").LeftJustified());
            await ShowRefusalAsync("hr-bj (Beijing) asks for Guangdong records", () =>
                new RecordService.RecordServiceClient(hrBeijing).GetRecordsAsync(new GetRecordsRequest { Purpose = "benefit-verification", NationalId = someone, DivisionPrefix = "44" }, cancellationToken: cancellationToken).ResponseAsync);
            await ShowRefusalAsync("hr-gd reads for a purpose it is not registered for (fraud-audit)", () =>
                new RecordService.RecordServiceClient(hr).GetRecordsAsync(new GetRecordsRequest { Purpose = "fraud-audit", NationalId = someone }, cancellationToken: cancellationToken).ResponseAsync);
            using (var noToken = HubChannel.Create(
                address,
                System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(certificates.Client("hr-gd"), null),
                System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(certificates.CaCertificate),
                new HubChannelOptions { UseAccessTokens = false }))
            {
                await ShowRefusalAsync("hr-gd calls with its certificate but no access token", () =>
                    new RecordService.RecordServiceClient(noToken).GetRecordsAsync(new GetRecordsRequest { Purpose = "benefit-verification", NationalId = someone }, cancellationToken: cancellationToken).ResponseAsync);
            }

            await ShowRefusalAsync("ps-gd pushes an enrollment", async () =>
            {
                using var call = new RecordService.RecordServiceClient(ps).Push(cancellationToken: cancellationToken);
                await call.RequestStream.WriteAsync(new PushBatch
                {
                    Records = { new RecordEnvelope { RecordId = "x", Version = 1, Enrollment = new EnrollmentRecord { Name = "x", Gender = Gender.Male, BirthDate = new Date { Year = 1990, Month = 1, Day = 1 }, InsuredDivision = "440106", Scheme = InsuranceScheme.EmployeeEndowment, Status = EnrollmentStatus.Active, StartDate = new Date { Year = 2020, Month = 1, Day = 1 } } } },
                }, cancellationToken);
                await call.ResponseStream.MoveNext(cancellationToken);
            });

            if (result.GetValue(keepRunning))
            {
                AnsiConsole.MarkupLineInterpolated($"[bold]The hub keeps running on {address}[/]; press Ctrl+C to stop it.");
                await app.WaitForShutdownAsync(cancellationToken);
            }
            else
            {
                AnsiConsole.MarkupLine("Demo done; the hub is stopped. Run [bold]dotnet run --project src/Exchange.Cli -- serve[/] to run it again on the same data.");
                await app.StopAsync(cancellationToken);
            }

            return 0;
        });
        return command;
    }

    private static async Task ShowRefusalAsync(string what, Func<Task> call)
    {
        try
        {
            await call();
            AnsiConsole.MarkupLineInterpolated($"[red]{what}: allowed (this is a bug)[/]");
        }
        catch (RpcException exception)
        {
            AnsiConsole.MarkupLineInterpolated($"{what}: [yellow]{exception.StatusCode}[/] ({exception.Status.Detail})");
        }
    }
}
