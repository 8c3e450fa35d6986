using System.CommandLine;
using Exchange.Client;
using Exchange.Contracts.V1;
using Grpc.Core;
using Grpc.Net.Client;
using Spectre.Console;

namespace Exchange.Cli;

/// <summary>Options shared by the commands that call a hub.</summary>
internal sealed class ClientOptions
{
    public Option<Uri> Hub { get; } = new("--hub")
    {
        Description = "Address of the hub.",
        DefaultValueFactory = _ => new Uri("https://localhost:5443"),
        CustomParser = result =>
        {
            var text = result.Tokens.Single().Value;
            if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps)
            {
                return uri;
            }

            result.AddError($"--hub must be an https:// address, not '{text}'.");
            return null;
        },
    };

    public Option<FileInfo> Cert { get; } = new("--cert")
    {
        Description = "This client's certificate and key (.pfx), e.g. certs/dev/clients/ps-gd.pfx.",
        Required = true,
    };

    public Option<FileInfo> Ca { get; } = new("--ca")
    {
        Description = "The hub's CA certificate (PEM), the only issuer trusted for the hub's certificate.",
        DefaultValueFactory = _ => new FileInfo("certs/dev/ca.crt"),
    };

    /// <summary>The purpose a read of person data states (only commands that read person data add it).</summary>
    public Option<string> Purpose { get; } = new("--purpose")
    {
        Description = "Why you read person data; one of the purposes registered for your client (e.g. benefit-verification).",
        Required = true,
    };

    public Option<string?> CertPassword { get; } = new("--cert-password")
    {
        Description = "Password of the .pfx, if it has one (or set EXCHANGE_CERT_PASSWORD).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("EXCHANGE_CERT_PASSWORD"),
    };

    /// <summary>Adds the connection options and --purpose.</summary>
    public void AddWithPurposeTo(Command command)
    {
        AddTo(command);
        command.Options.Add(Purpose);
    }

    public void AddTo(Command command)
    {
        command.Options.Add(CertPassword);
        command.Options.Add(Hub);
        command.Options.Add(Cert);
        command.Options.Add(Ca);
    }

    public GrpcChannel Open(ParseResult result) =>
        HubChannel.Create(result.GetValue(Hub)!, result.GetValue(Cert)!.FullName, result.GetValue(Ca)!.FullName, result.GetValue(CertPassword));

    /// <summary>Runs a call and turns a gRPC failure into a readable message and exit code 2.</summary>
    public static async Task<int> ReportFailuresAsync(Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (RpcException exception)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]{exception.StatusCode}[/]: {exception.Status.Detail}");
            return 2;
        }
    }
}

internal static class Render
{
    public static string Date(Date? date) => date is null ? "" : $"{date.Year:D4}-{date.Month:D2}-{date.Day:D2}";

    /// <summary>Shows the first 6 and last 4 characters of a national ID only: screens are not a secure place.</summary>
    public static string MaskId(string id) => id.Length < 12 ? id : id[..6] + new string('*', id.Length - 10) + id[^4..];

    public static Table Records(IEnumerable<StoredRecord> records, bool mask)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumns("source/record", "v", "national ID", "name", "sex", "born", "division", "status", "flags");
        foreach (var record in records)
        {
            var envelope = record.Envelope;
            var id = mask ? MaskId(record.NormalizedNationalId) : record.NormalizedNationalId;
            var (name, gender, born, division, status) = envelope.BodyCase switch
            {
                RecordEnvelope.BodyOneofCase.Register => (
                    envelope.Register.Name, envelope.Register.Gender, envelope.Register.BirthDate, envelope.Register.HukouDivision,
                    envelope.Register.VitalStatus == VitalStatus.Deceased
                        ? $"died {Date(envelope.Register.DeathDate)}"
                        : envelope.Register.ResidenceDivision is { Length: > 0 } lives && lives != envelope.Register.HukouDivision ? $"alive, lives in {lives}" : "alive"),
                RecordEnvelope.BodyOneofCase.Enrollment => (
                    envelope.Enrollment.Name, envelope.Enrollment.Gender, envelope.Enrollment.BirthDate, envelope.Enrollment.InsuredDivision,
                    $"{Scheme(envelope.Enrollment.Scheme)} {envelope.Enrollment.Status.ToString().ToLowerInvariant()} {Date(envelope.Enrollment.StartDate)}..{Date(envelope.Enrollment.EndDate)}"),
                _ => ("", Gender.Unspecified, null, "", envelope.Retracted ? "retracted" : ""),
            };
            table.AddRow(
                new[]
                {
                    $"{record.SourceSystem}/{envelope.RecordId}", envelope.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), id,
                    name, Sex(gender), Date(born), division, status, string.Join(' ', record.Flags.Select(ShortFlag)),
                }
                    .Select(Markup.Escape)
                    .ToArray());
        }

        return table;
    }

    private static string Scheme(InsuranceScheme scheme) => scheme switch
    {
        InsuranceScheme.EmployeeEndowment => "employee pension",
        InsuranceScheme.ResidentEndowment => "resident pension",
        InsuranceScheme.EmployeeMedical => "employee medical",
        InsuranceScheme.ResidentMedical => "resident medical",
        InsuranceScheme.Unemployment => "unemployment",
        InsuranceScheme.WorkInjury => "work injury",
        InsuranceScheme.Maternity => "maternity",
        _ => "?",
    };

    private static string ShortFlag(string flag) => flag switch
    {
        "NATIONAL_ID_CHECK_CHARACTER_MISMATCH" => "check-char",
        "NATIONAL_ID_LEGACY_15_DIGIT" => "15-digit",
        "BIRTH_DATE_DIFFERS_FROM_NATIONAL_ID" => "birth≠ID",
        "GENDER_DIFFERS_FROM_NATIONAL_ID" => "sex≠ID",
        _ => flag,
    };

    private static string Sex(Gender gender) => gender switch { Gender.Male => "M", Gender.Female => "F", _ => "?" };
}
