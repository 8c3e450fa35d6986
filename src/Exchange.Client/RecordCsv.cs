using System.Globalization;
using System.Runtime.CompilerServices;
using CsvHelper;
using CsvHelper.Configuration;
using Exchange.Contracts.V1;

namespace Exchange.Client;

/// <summary>A CSV line that could not become a record, with the reason.</summary>
public sealed record CsvLineError(long Line, string RecordId, string Field, string Description);

/// <summary>
/// Reads records from CSV (UTF-8, header row). The header decides the kind:
/// register files have hukou_division, enrollment files have insured_division. See certs/../README for columns.
/// Values are converted, not validated: the hub validates, so that every client gets the same rules.
/// </summary>
public static class RecordCsv
{
    public static readonly IReadOnlyList<string> RegisterColumns =
        ["record_id", "version", "national_id", "name", "gender", "birth_date", "hukou_division", "residence_division", "vital_status", "death_date"];

    public static readonly IReadOnlyList<string> EnrollmentColumns =
        ["record_id", "version", "national_id", "name", "gender", "birth_date", "insured_division", "scheme", "status", "start_date", "end_date"];

    /// <summary>Yields the envelopes of a CSV file; lines that cannot be converted go to <paramref name="onError"/>.</summary>
    public static async IAsyncEnumerable<RecordEnvelope> ReadAsync(
        TextReader text, Action<CsvLineError> onError, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var configuration = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            TrimOptions = TrimOptions.Trim,
            PrepareHeaderForMatch = args => args.Header.Trim().ToLowerInvariant(),
            MissingFieldFound = null,
        };
        using var csv = new CsvReader(text, configuration);
        if (!await csv.ReadAsync())
        {
            yield break;
        }

        csv.ReadHeader();
        var header = csv.HeaderRecord ?? [];
        var isRegister = header.Contains("hukou_division", StringComparer.OrdinalIgnoreCase);
        var isEnrollment = header.Contains("insured_division", StringComparer.OrdinalIgnoreCase);
        if (isRegister == isEnrollment)
        {
            throw new InvalidDataException("The header must name either hukou_division (register file) or insured_division (enrollment file).");
        }

        while (await csv.ReadAsync())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var line = csv.Parser.RawRow;
            var recordId = Field(csv, "record_id");
            RecordEnvelope envelope;
            try
            {
                envelope = isRegister ? ReadRegister(csv) : ReadEnrollment(csv);
            }
            catch (FormatException exception)
            {
                onError(new CsvLineError(line, recordId, exception.Source ?? "line", exception.Message));
                continue;
            }

            yield return envelope;
        }
    }

    private static RecordEnvelope ReadRegister(CsvReader csv)
    {
        var envelope = Envelope(csv);
        if (envelope.Retracted)
        {
            return envelope;
        }

        envelope.Register = new RegisterRecord
        {
            NationalId = Field(csv, "national_id"),
            Name = Field(csv, "name"),
            Gender = ParseGender(Field(csv, "gender")),
            BirthDate = ParseDate(csv, "birth_date"),
            HukouDivision = Field(csv, "hukou_division"),
            ResidenceDivision = Field(csv, "residence_division"),
            VitalStatus = ParseEnum(Field(csv, "vital_status"), "vital_status", VitalStatus.Unspecified, ("alive", VitalStatus.Alive), ("deceased", VitalStatus.Deceased)),
            DeathDate = ParseDate(csv, "death_date"),
        };
        return envelope;
    }

    private static RecordEnvelope ReadEnrollment(CsvReader csv)
    {
        var envelope = Envelope(csv);
        if (envelope.Retracted)
        {
            return envelope;
        }

        envelope.Enrollment = new EnrollmentRecord
        {
            NationalId = Field(csv, "national_id"),
            Name = Field(csv, "name"),
            Gender = ParseGender(Field(csv, "gender")),
            BirthDate = ParseDate(csv, "birth_date"),
            InsuredDivision = Field(csv, "insured_division"),
            Scheme = ParseEnum(Field(csv, "scheme"), "scheme", InsuranceScheme.Unspecified,
                ("employee_endowment", InsuranceScheme.EmployeeEndowment),
                ("resident_endowment", InsuranceScheme.ResidentEndowment),
                ("employee_medical", InsuranceScheme.EmployeeMedical),
                ("resident_medical", InsuranceScheme.ResidentMedical),
                ("unemployment", InsuranceScheme.Unemployment),
                ("work_injury", InsuranceScheme.WorkInjury),
                ("maternity", InsuranceScheme.Maternity)),
            Status = ParseEnum(Field(csv, "status"), "status", EnrollmentStatus.Unspecified,
                ("active", EnrollmentStatus.Active), ("suspended", EnrollmentStatus.Suspended), ("terminated", EnrollmentStatus.Terminated)),
            StartDate = ParseDate(csv, "start_date"),
            EndDate = ParseDate(csv, "end_date"),
        };
        return envelope;
    }

    private static RecordEnvelope Envelope(CsvReader csv)
    {
        var versionText = Field(csv, "version");
        var version = 1L;
        if (versionText.Length > 0 && !long.TryParse(versionText, NumberStyles.None, CultureInfo.InvariantCulture, out version))
        {
            throw Error("version", $"'{versionText}' is not a whole number.");
        }

        var retracted = Field(csv, "retracted").ToLowerInvariant() is "true" or "yes" or "1";
        return new RecordEnvelope { RecordId = Field(csv, "record_id"), Version = version, Retracted = retracted };
    }

    private static string Field(CsvReader csv, string name) => csv.TryGetField<string>(name, out var value) ? value ?? string.Empty : string.Empty;

    private static Gender ParseGender(string value) => value.ToLowerInvariant() switch
    {
        "m" or "male" or "男" => Gender.Male,
        "f" or "female" or "女" => Gender.Female,
        "" => Gender.Unspecified,
        _ => throw Error("gender", $"'{value}' is not M or F."),
    };

    private static T ParseEnum<T>(string value, string field, T unspecified, params (string Name, T Value)[] names)
    {
        if (value.Length == 0)
        {
            return unspecified;
        }

        foreach (var (name, parsed) in names)
        {
            if (string.Equals(name, value, StringComparison.OrdinalIgnoreCase))
            {
                return parsed;
            }
        }

        throw Error(field, $"'{value}' is not one of {string.Join(", ", names.Select(n => n.Name))}.");
    }

    // Splits yyyy-MM-dd into its parts without checking the calendar: the hub judges validity.
    private static Date? ParseDate(CsvReader csv, string field)
    {
        var value = Field(csv, field);
        if (value.Length == 0)
        {
            return null;
        }

        var parts = value.Split('-');
        if (parts.Length == 3
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var month)
            && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var day))
        {
            return new Date { Year = year, Month = month, Day = day };
        }

        throw Error(field, $"'{value}' is not a yyyy-MM-dd date.");
    }

    private static FormatException Error(string field, string message) => new(message) { Source = field };
}
