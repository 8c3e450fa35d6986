using System.Globalization;
using System.Text;

namespace Exchange.Synthetic;

/// <summary>
/// Writes the five files: UTF-8 without BOM, "\n" line ends, invariant formats, streamed row by row. Column orders are
/// those of Exchange.Client's RecordCsv, so the hub's CLI can push register.csv and enrollment.csv as they are.
/// </summary>
internal static class CsvOutput
{
    public const string RegisterFile = "register.csv";
    public const string EnrollmentFile = "enrollment.csv";
    public const string TruthRecordsFile = "truth-records.csv";
    public const string TruthPersonsFile = "truth-persons.csv";
    public const string TruthFaultsFile = "truth-faults.csv";

    private const string RegisterHeader =
        "record_id,version,national_id,name,gender,birth_date,hukou_division,residence_division,vital_status,death_date";

    private const string EnrollmentHeader =
        "record_id,version,national_id,name,gender,birth_date,insured_division,scheme,status,start_date,end_date";

    private const string TruthPersonsHeader =
        "person_id,in_register,alive,death_date,age,eligible,covered,gap,migrant,multi_region,deceased_with_active_endowment," +
        "hukou_division,residence_division,sex,national_id,name,birth_date";

    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    public static GenerationSummary Write(SyntheticRegistry registry, string outputDirectory)
    {
        Directory.CreateDirectory(outputDirectory);
        var summary = new SummaryBuilder(registry.People);
        using var records = Open(outputDirectory, TruthRecordsFile, "kind,record_id,person_id");
        using var faults = Open(outputDirectory, TruthFaultsFile, "record_id,fault");

        using (var register = Open(outputDirectory, RegisterFile, RegisterHeader))
        {
            string? previous = null;
            foreach (var row in registry.RegisterRows())
            {
                var isNew = row.RecordId != previous;
                previous = row.RecordId;
                summary.AddRegister(row, isNew);
                register.Line(row.RecordId, Int(row.Version), row.NationalId, row.Name, row.Sex.ToCsv(), Date(row.BirthDate),
                    row.HukouDivision, row.ResidenceDivision, row.IsDeceased ? "deceased" : "alive", Date(row.DeathDate));
                if (isNew)
                {
                    WriteTruth(records, faults, "register", row.RecordId, row.PersonId, row.Faults);
                }
            }
        }

        using (var enrollment = Open(outputDirectory, EnrollmentFile, EnrollmentHeader))
        {
            string? previous = null;
            foreach (var row in registry.EnrollmentRows())
            {
                var isNew = row.RecordId != previous;
                previous = row.RecordId;
                summary.AddEnrollment(row, isNew);
                enrollment.Line(row.RecordId, Int(row.Version), row.NationalId, row.Name, row.Sex.ToCsv(), Date(row.BirthDate),
                    row.InsuredDivision, row.Scheme.ToCsv(), row.Status.ToCsv(), Date(row.StartDate), Date(row.EndDate));
                if (isNew)
                {
                    WriteTruth(records, faults, "enrollment", row.RecordId, row.PersonId, row.Faults);
                }
            }
        }

        using (var persons = Open(outputDirectory, TruthPersonsFile, TruthPersonsHeader))
        {
            foreach (var person in registry.Persons())
            {
                summary.AddPerson(person);
                persons.Line(person.PersonId, Bool(person.InRegister), Bool(person.Alive), Date(person.DeathDate), Int(person.Age),
                    Bool(person.Eligible), Bool(person.Covered), Bool(person.Gap), Bool(person.Migrant), Bool(person.MultiRegion),
                    Bool(person.DeceasedWithActiveEndowment), person.HukouDivision, person.ResidenceDivision, person.Sex.ToCsv(),
                    person.NationalId, person.Name, Date(person.BirthDate));
            }
        }

        return summary.Build();
    }

    private static void WriteTruth(CsvFile records, CsvFile faults, string kind, string recordId, string personId, RecordFaults recordFaults)
    {
        records.Line(kind, recordId, personId);
        foreach (var name in recordFaults.Names())
        {
            faults.Line(recordId, name);
        }
    }

    private static CsvFile Open(string directory, string file, string header)
    {
        var writer = new StreamWriter(Path.Combine(directory, file), append: false, Utf8NoBom, bufferSize: 1 << 16) { NewLine = "\n" };
        writer.Write(header);
        writer.Write('\n');
        return new CsvFile(writer);
    }

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Bool(bool value) => value ? "true" : "false";

    private static string Date(DateOnly? value) =>
        value?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? string.Empty;

    private sealed class CsvFile(StreamWriter writer) : IDisposable
    {
        public void Line(params ReadOnlySpan<string> fields)
        {
            for (var i = 0; i < fields.Length; i++)
            {
                if (i > 0)
                {
                    writer.Write(',');
                }

                WriteField(fields[i]);
            }

            writer.Write('\n');
        }

        public void Dispose() => writer.Dispose();

        // Generated values never need quoting; the check keeps the files valid CSV should a table ever change.
        private void WriteField(string value)
        {
            if (value.AsSpan().IndexOfAny(",\"\n\r") < 0)
            {
                writer.Write(value);
                return;
            }

            writer.Write('"');
            writer.Write(value.Replace("\"", "\"\"", StringComparison.Ordinal));
            writer.Write('"');
        }
    }
}
