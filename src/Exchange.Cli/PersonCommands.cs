using System.CommandLine;
using System.Globalization;
using Exchange.Contracts.V1;
using Grpc.Core;
using Spectre.Console;

namespace Exchange.Cli;

/// <summary>Reconciled persons: explain links, work the review queue, split, merge, re-link.</summary>
internal static class PersonCommands
{
    public static IEnumerable<Command> Create()
    {
        yield return Person();
        yield return Explain();
        yield return Review();
        yield return Split();
        yield return Merge();
        yield return Relink();
    }

    private static Command Person()
    {
        var client = new ClientOptions();
        var id = new Option<long>("--id") { Description = "Person id.", Required = true };
        var command = new Command("person", "Show a person and why each of its records is linked to it.") { id };
        client.AddWithPurposeTo(command);
        command.SetAction((result, token) => ClientOptions.ReportFailuresAsync(async () =>
        {
            using var channel = client.Open(result);
            var response = await new PersonService.PersonServiceClient(channel).GetPersonAsync(new GetPersonRequest { Purpose = result.GetValue(client.Purpose)!, PersonId = result.GetValue(id) }, cancellationToken: token);
            var p = response.Person;
            AnsiConsole.MarkupLineInterpolated($"[bold]Person {p.PersonId}[/]: {p.Name} {p.Gender} born {Render.Date(p.BirthDate)}, ID {p.NationalId}, division {p.Division}{(p.InRegister ? "" : " [yellow](unknown to register)[/]")}{(p.Deceased ? $" died {Render.Date(p.DeathDate)}" : "")}{(p.MergedIntoPersonId != 0 ? $" merged into {p.MergedIntoPersonId}" : "")}");
            AnsiConsole.Write(Render.Records(response.Records.Select(r => r.Record), mask: false));
            AnsiConsole.Write(Links(response.Records.Select(r => r.Link)));
            return 0;
        }));
        return command;
    }

    private static Command Explain()
    {
        var client = new ClientOptions();
        var source = new Option<string>("--source") { Description = "Source system (client id) of the record.", Required = true };
        var record = new Option<string>("--record") { Description = "Record id at that source.", Required = true };
        var command = new Command("explain", "Why a record is linked to its person: score, per-field agreement, rule and model version.") { source, record };
        client.AddWithPurposeTo(command);
        command.SetAction((result, token) => ClientOptions.ReportFailuresAsync(async () =>
        {
            using var channel = client.Open(result);
            var link = await new PersonService.PersonServiceClient(channel).ExplainRecordAsync(
                new ExplainRecordRequest { Purpose = result.GetValue(client.Purpose)!, SourceSystem = result.GetValue(source)!, RecordId = result.GetValue(record)! }, cancellationToken: token);
            AnsiConsole.MarkupLineInterpolated($"{link.SourceSystem}/{link.RecordId} -> person [bold]{link.PersonId}[/] ({link.Method}{(link.Sticky ? $", decided by {link.DecidedBy}" : "")})");
            if (link.MatchedRecordId.Length > 0)
            {
                AnsiConsole.MarkupLineInterpolated($"best match {link.MatchedSourceSystem}/{link.MatchedRecordId}: weight {link.MatchWeight:F1} bits, probability {link.MatchProbability:P2}");
            }

            var table = new Table().Border(TableBorder.Rounded).AddColumns("field", "agreement", "evidence (bits)");
            foreach (var field in link.Fields)
            {
                table.AddRow(field.Field, Markup.Escape(field.Level), field.Weight.ToString("+0.0;-0.0;0", CultureInfo.InvariantCulture));
            }

            AnsiConsole.Write(table);
            AnsiConsole.MarkupLineInterpolated($"rules {link.RuleVersion}, model version {link.ModelVersion}, linked {link.LinkedAt.ToDateTime():u}");
            return 0;
        }));
        return command;
    }

    private static Command Review()
    {
        var review = new Command("review", "The review queue of uncertain and conflicting links.");
        var client = new ClientOptions();
        var region = new Option<string>("--region") { Description = "Division prefix inside your scope.", DefaultValueFactory = _ => "" };
        var max = new Option<int>("--max") { Description = "Most items.", DefaultValueFactory = _ => 50 };
        var list = new Command("list", "Open review items, highest impact first.") { region, max };
        client.AddWithPurposeTo(list);
        list.SetAction((result, token) => ClientOptions.ReportFailuresAsync(async () =>
        {
            using var channel = client.Open(result);
            using var call = new PersonService.PersonServiceClient(channel).ListReviewItems(
                new ListReviewItemsRequest { Purpose = result.GetValue(client.Purpose)!, DivisionPrefix = result.GetValue(region)!, MaxItems = result.GetValue(max) }, cancellationToken: token);
            var table = new Table().Border(TableBorder.Rounded).AddColumns("id", "reason", "record", "now in", "candidate", "p", "fields", "impact");
            await foreach (var item in call.ResponseStream.ReadAllAsync(token))
            {
                table.AddRow(
                    item.ReviewId.ToString(CultureInfo.InvariantCulture),
                    item.Reason == ReviewReason.Uncertain ? "uncertain" : "[red]ID of another person[/]",
                    Markup.Escape($"{item.SourceSystem}/{item.RecordId}"),
                    item.CurrentPersonId.ToString(CultureInfo.InvariantCulture),
                    item.CandidatePersonId.ToString(CultureInfo.InvariantCulture),
                    item.MatchProbability.ToString("P1", CultureInfo.InvariantCulture),
                    Markup.Escape(string.Join(", ", item.Fields.Select(f => $"{f.Field}: {f.Level}"))),
                    item.Impact.ToString("F2", CultureInfo.InvariantCulture));
            }

            AnsiConsole.Write(table);
            return 0;
        }));
        review.Subcommands.Add(list);
        review.Subcommands.Add(Decide("confirm", "Link the record to the candidate person (sticky).", ReviewDecision.Confirm));
        review.Subcommands.Add(Decide("reject", "Keep the record apart from the candidate person (sticky).", ReviewDecision.Reject));
        return review;
    }

    private static Command Decide(string name, string description, ReviewDecision decision)
    {
        var client = new ClientOptions();
        var id = new Option<long>("--id") { Description = "Review item id.", Required = true };
        var command = new Command(name, description) { id };
        client.AddTo(command);
        command.SetAction((result, token) => ClientOptions.ReportFailuresAsync(async () =>
        {
            using var channel = client.Open(result);
            var link = await new PersonService.PersonServiceClient(channel).DecideReviewAsync(
                new DecideReviewRequest { ReviewId = result.GetValue(id), Decision = decision }, cancellationToken: token);
            AnsiConsole.MarkupLineInterpolated($"{link.SourceSystem}/{link.RecordId} is now linked to person [bold]{link.PersonId}[/] ({link.Method}, sticky).");
            return 0;
        }));
        return command;
    }

    private static Command Split()
    {
        var client = new ClientOptions();
        var source = new Option<string>("--source") { Description = "Source system of the record.", Required = true };
        var record = new Option<string>("--record") { Description = "Record id.", Required = true };
        var command = new Command("split", "Unlink a record from its person: it becomes a person of its own (sticky).") { source, record };
        client.AddTo(command);
        command.SetAction((result, token) => ClientOptions.ReportFailuresAsync(async () =>
        {
            using var channel = client.Open(result);
            var link = await new PersonService.PersonServiceClient(channel).SplitRecordAsync(
                new SplitRecordRequest { SourceSystem = result.GetValue(source)!, RecordId = result.GetValue(record)! }, cancellationToken: token);
            AnsiConsole.MarkupLineInterpolated($"{link.SourceSystem}/{link.RecordId} is now person [bold]{link.PersonId}[/] (sticky).");
            return 0;
        }));
        return command;
    }

    private static Command Merge()
    {
        var client = new ClientOptions();
        var from = new Option<long>("--from") { Description = "Person whose records move.", Required = true };
        var into = new Option<long>("--into") { Description = "Person that receives them.", Required = true };
        var command = new Command("merge", "Move every record of one person to another (sticky).") { from, into };
        client.AddTo(command);
        command.SetAction((result, token) => ClientOptions.ReportFailuresAsync(async () =>
        {
            using var channel = client.Open(result);
            var merged = await new PersonService.PersonServiceClient(channel).MergePersonsAsync(
                new MergePersonsRequest { FromPersonId = result.GetValue(from), IntoPersonId = result.GetValue(into) }, cancellationToken: token);
            AnsiConsole.MarkupLineInterpolated($"{merged.RecordsMoved} records moved; person {merged.Person.PersonId} now has {merged.Person.RecordCount}.");
            return 0;
        }));
        return command;
    }

    private static Command Relink()
    {
        var client = new ClientOptions();
        var dryRun = new Option<bool>("--dry-run") { Description = "Report what would change; change nothing." };
        var upper = new Option<double>("--upper") { Description = "Auto-link threshold (probability); 0 keeps the current one." };
        var lower = new Option<double>("--lower") { Description = "Review threshold (probability); 0 keeps the current one." };
        var command = new Command("relink", "Retrain the linkage model on the whole store and re-link every record no human decided (admin).") { dryRun, upper, lower };
        client.AddTo(command);
        command.SetAction((result, token) => ClientOptions.ReportFailuresAsync(async () =>
        {
            using var channel = client.Open(result);
            var response = await AnsiConsole.Status().StartAsync("Re-linking the store...", _ =>
                new PersonService.PersonServiceClient(channel).RelinkAsync(
                    new RelinkRequest { DryRun = result.GetValue(dryRun), UpperThreshold = result.GetValue(upper), LowerThreshold = result.GetValue(lower) },
                    cancellationToken: token).ResponseAsync);
            var table = new Table().Border(TableBorder.Rounded).Title(response.DryRun ? "dry run: nothing changed" : $"model version {response.ModelVersion}")
                .AddColumns("records", "unchanged", "changed", "kept (human)", "new persons", "review items", "candidate pairs", "reduction ratio");
            table.AddRow(
                response.Records.ToString(CultureInfo.InvariantCulture), response.Unchanged.ToString(CultureInfo.InvariantCulture),
                response.Changed.ToString(CultureInfo.InvariantCulture), response.StickyKept.ToString(CultureInfo.InvariantCulture),
                response.NewPersons.ToString(CultureInfo.InvariantCulture), response.ReviewItems.ToString(CultureInfo.InvariantCulture),
                response.CandidatePairs.ToString(CultureInfo.InvariantCulture), response.ReductionRatio.ToString("F6", CultureInfo.InvariantCulture));
            AnsiConsole.Write(table);
            foreach (var change in response.SampleChanges.Take(20))
            {
                AnsiConsole.MarkupLineInterpolated($"  {change.SourceSystem}/{change.RecordId}: person {change.FromPersonId} -> {change.ToPersonId} ({change.Method})");
            }

            return 0;
        }));
        return command;
    }

    private static Table Links(IEnumerable<LinkExplanation> links)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumns("record", "method", "best match", "p", "agreement");
        foreach (var link in links)
        {
            table.AddRow(
                Markup.Escape($"{link.SourceSystem}/{link.RecordId}"),
                Markup.Escape(link.Method + (link.Sticky ? " (sticky)" : "")),
                Markup.Escape(link.MatchedRecordId.Length == 0 ? "-" : $"{link.MatchedSourceSystem}/{link.MatchedRecordId}"),
                link.MatchedRecordId.Length == 0 ? "-" : link.MatchProbability.ToString("P2", CultureInfo.InvariantCulture),
                Markup.Escape(string.Join(", ", link.Fields.Where(f => f.Level != "missing").Select(f => $"{f.Field} {f.Level}"))));
        }

        return table;
    }
}
