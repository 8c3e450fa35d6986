using System.CommandLine;
using System.Globalization;
using System.Text;
using Exchange.Contracts.V1;
using Google.Protobuf;
using Grpc.Core;
using Spectre.Console;

namespace Exchange.Cli;

/// <summary>`exchange gaps|conflicts|summary`: the coverage answers, as a table, CSV or JSON.</summary>
internal static class CoverageCommands
{
    private enum Format
    {
        Table,
        Csv,
        Json,
    }

    public static IEnumerable<Command> Create()
    {
        yield return List("gaps", "Eligible persons without active endowment insurance.", c => c.ListCoverageGaps);
        var conflicts = new Command("conflicts", "Records that are wrong: pension after death, two regions, someone else's ID, unknown to register.");
        conflicts.Subcommands.Add(List("deceased", "Deceased persons with an active endowment enrollment.", c => c.ListDeceasedWithActiveEnrollment));
        conflicts.Subcommands.Add(List("multi-region", "Persons with active endowment enrollments in more than one province.", c => c.ListMultiRegionEnrollments));
        conflicts.Subcommands.Add(List("wrong-id", "Enrollments carrying another register person's national ID.", c => c.ListWrongPersonIds));
        conflicts.Subcommands.Add(List("unknown", "Persons known only from enrollments.", c => c.ListUnknownToRegister));
        yield return conflicts;
        yield return Summary();
    }

    private sealed class QueryOptions
    {
        public ClientOptions Client { get; } = new();

        public Option<string> Purpose { get; } = new("--purpose") { Description = "Why you ask: enrollment-drive, benefit-verification, fraud-audit or statistics.", Required = true };

        public Option<string> Region { get; } = new("--region") { Description = "Division prefix inside your scope.", DefaultValueFactory = _ => "" };

        public Option<int> MinAge { get; } = new("--min-age") { Description = "Only persons at least this old." };

        public Option<int> MaxAge { get; } = new("--max-age") { Description = "Only persons at most this old." };

        public Option<string> Sex { get; } = new("--sex") { Description = "M or F.", DefaultValueFactory = _ => "" };

        public Option<string> Migrant { get; } = new("--migrant") { Description = "any, yes or no.", DefaultValueFactory = _ => "any" };

        public Option<Format> Output { get; } = new("--format") { Description = "table, csv or json.", DefaultValueFactory = _ => Format.Table };

        public Option<int> Max { get; } = new("--max") { Description = "Most results (0 = all).", DefaultValueFactory = _ => 0 };

        public void AddTo(Command command)
        {
            Client.AddTo(command);
            foreach (var option in new Option[] { Purpose, Region, MinAge, MaxAge, Sex, Migrant, Output, Max })
            {
                command.Options.Add(option);
            }
        }

        public CoverageQuery Query(ParseResult result) => new()
        {
            Purpose = result.GetValue(Purpose)!,
            DivisionPrefix = result.GetValue(Region)!,
            MinAge = result.GetValue(MinAge),
            MaxAge = result.GetValue(MaxAge),
            Sex = result.GetValue(Sex)!.ToUpperInvariant() switch { "M" => Gender.Male, "F" => Gender.Female, _ => Gender.Unspecified },
            Migrant = result.GetValue(Migrant)!.ToLowerInvariant() switch { "yes" => MigrantFilter.Migrants, "no" => MigrantFilter.Locals, _ => MigrantFilter.Any },
            MaxResults = result.GetValue(Max),
        };
    }

    private static Command List(string name, string description, Func<CoverageService.CoverageServiceClient, Func<CoverageQuery, Metadata?, DateTime?, CancellationToken, AsyncServerStreamingCall<PersonFact>>> call)
    {
        var options = new QueryOptions();
        var command = new Command(name, description);
        options.AddTo(command);
        command.SetAction((result, token) => ClientOptions.ReportFailuresAsync(async () =>
        {
            using var channel = options.Client.Open(result);
            using var stream = call(new CoverageService.CoverageServiceClient(channel))(options.Query(result), null, null, token);
            var facts = new List<PersonFact>();
            await foreach (var fact in stream.ResponseStream.ReadAllAsync(token))
            {
                facts.Add(fact);
            }

            Write(result.GetValue(options.Output), facts);
            return 0;
        }));
        return command;
    }

    private static Command Summary()
    {
        var options = new QueryOptions();
        var digits = new Option<int>("--group-digits") { Description = "Group regions by 2 (province), 4 or 6 digits.", DefaultValueFactory = _ => 2 };
        var command = new Command("summary", "Coverage per region: population, eligible, covered, gaps, rate; migrants and age bands.") { digits };
        options.AddTo(command);
        command.SetAction((result, token) => ClientOptions.ReportFailuresAsync(async () =>
        {
            using var channel = options.Client.Open(result);
            var query = options.Query(result);
            query.GroupDigits = result.GetValue(digits);
            var summary = await new CoverageService.CoverageServiceClient(channel).GetCoverageSummaryAsync(query, cancellationToken: token);
            switch (result.GetValue(options.Output))
            {
                case Format.Json:
                    Console.WriteLine(JsonFormatter.Default.Format(summary));
                    break;
                case Format.Csv:
                    Console.WriteLine("region,group,population,eligible,covered,gaps,coverage_rate");
                    foreach (var region in summary.Regions.Append(summary.Overall))
                    {
                        foreach (var (group, counts) in Groups(region))
                        {
                            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{region.Region},{group},{counts.Population},{counts.Eligible},{counts.Covered},{counts.Gaps},{counts.CoverageRate:F4}"));
                        }
                    }

                    break;
                default:
                    var table = new Table().Border(TableBorder.Rounded).Title($"coverage at {Render.Date(summary.ReferenceDate)}")
                        .AddColumns("region", "population", "eligible", "covered", "gaps", "rate", "migrant rate", "local rate", "16-29", "30-44", "45-59", "60+");
                    foreach (var region in summary.Regions.Append(summary.Overall))
                    {
                        table.AddRow(
                            new[] { region.Region, N(region.Total.Population), N(region.Total.Eligible), N(region.Total.Covered), N(region.Total.Gaps), P(region.Total), P(region.Migrants), P(region.Locals) }
                                .Concat(new[] { "16-29", "30-44", "45-59", "60+" }.Select(b => P(region.AgeBands[b])))
                                .ToArray());
                    }

                    AnsiConsole.Write(table);
                    break;
            }

            return 0;
        }));
        return command;
    }

    private static IEnumerable<(string Group, CoverageCounts Counts)> Groups(RegionCoverage region)
    {
        yield return ("all", region.Total);
        yield return ("migrants", region.Migrants);
        yield return ("locals", region.Locals);
        foreach (var (band, counts) in region.AgeBands.OrderBy(b => b.Key, StringComparer.Ordinal))
        {
            yield return ("age " + band, counts);
        }
    }

    private static void Write(Format format, List<PersonFact> facts)
    {
        switch (format)
        {
            case Format.Json:
                // One JSON object per line: easy to stream into other tools.
                foreach (var fact in facts)
                {
                    Console.WriteLine(JsonFormatter.Default.Format(fact));
                }

                break;
            case Format.Csv:
                Console.WriteLine("person_id,national_id,name,sex,birth_date,age,division,hukou_division,residence_division,migrant,in_register,death_date,enrollments");
                foreach (var f in facts)
                {
                    var enrollments = string.Join(' ', f.Enrollments.Select(e => $"{e.SourceSystem}/{e.RecordId}:{e.Scheme}:{e.InsuredDivision}"));
                    Console.WriteLine(string.Join(',', new[]
                    {
                        f.PersonId.ToString(CultureInfo.InvariantCulture), f.NationalId, Csv(f.Name), f.Gender.ToString(), Render.Date(f.BirthDate),
                        f.Age.ToString(CultureInfo.InvariantCulture), f.Division, f.HukouDivision, f.ResidenceDivision, f.Migrant ? "yes" : "no",
                        f.InRegister ? "yes" : "no", Render.Date(f.DeathDate), Csv(enrollments),
                    }));
                }

                break;
            default:
                var table = new Table().Border(TableBorder.Rounded).AddColumns("person", "national ID", "name", "sex", "age", "division", "migrant", "enrollments");
                foreach (var f in facts)
                {
                    table.AddRow(
                        N(f.PersonId), Render.MaskId(f.NationalId), Markup.Escape(f.Name), f.Gender.ToString(), f.Age.ToString(CultureInfo.InvariantCulture),
                        f.Division, f.Migrant ? "yes" : "", Markup.Escape(string.Join("\n", f.Enrollments.Select(e => $"{e.RecordId} {e.Scheme} {e.InsuredDivision}"))));
                }

                AnsiConsole.Write(table);
                AnsiConsole.MarkupLineInterpolated($"{facts.Count} persons.");
                break;
        }
    }

    private static string Csv(string value) =>
        value.IndexOfAny([',', '"', '\n']) < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string P(CoverageCounts counts) => counts.Eligible == 0 ? "-" : counts.CoverageRate.ToString("P1", CultureInfo.InvariantCulture);
}
