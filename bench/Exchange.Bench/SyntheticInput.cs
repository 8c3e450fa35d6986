using Exchange.Reconciliation.Persons;
using Exchange.Synthetic;
using Exchange.Validation;

namespace Exchange.Bench;

/// <summary>The current rows of a generated registry, before conversion (kept apart so conversion is timed alone).</summary>
internal sealed record CurrentRows(SyntheticRegistry Registry, List<RegisterRow> Register, List<EnrollmentRow> Enrollment)
{
    public int Count => Register.Count + Enrollment.Count;
}

/// <summary>Linkage input: records as the hub stores them, and each record's true person (a dense index).</summary>
internal sealed record LinkageInput(List<PersonRecord> Records, int[] TruePerson, int RegisterRecords);

/// <summary>
/// The synthetic registry as linkage input, converted exactly as tests/Exchange.Reconciliation.Tests/SyntheticRegistry.cs
/// does (copied, not referenced: the bench must not depend on the test project).
/// </summary>
internal static class SyntheticInput
{
    /// <summary>
    /// How many people give about <paramref name="records"/> current records: the records-per-person ratio
    /// (about 3.7) is measured on a pilot population with the same seed, not assumed.
    /// </summary>
    public static (int People, double RecordsPerPerson) PeopleFor(int records, int seed)
    {
        var pilotPeople = Math.Clamp((int)(records / 3.7), 1_000, 50_000);
        var pilot = Current(RegistryGenerator.Generate(new GeneratorOptions { People = pilotPeople, Seed = seed }));
        var ratio = (double)pilot.Count / pilotPeople;
        return (Math.Max(1, (int)Math.Round(records / ratio)), ratio);
    }

    public static CurrentRows Generate(int people, int seed) =>
        Current(RegistryGenerator.Generate(new GeneratorOptions { People = people, Seed = seed }));

    /// <summary>Rows to PersonRecords (name normalization and pinyin happen here) plus the truth.</summary>
    public static LinkageInput Prepare(CurrentRows rows)
    {
        var today = rows.Registry.Options.ReferenceDate;
        var records = new List<PersonRecord>(rows.Count);
        var truth = new int[rows.Count];
        foreach (var row in rows.Register)
        {
            truth[records.Count] = PersonIndex(row.PersonId);
            records.Add(PersonRecord.Create(records.Count, RecordRole.Register, Normalize(row.NationalId, today), row.Name,
                row.Sex == Sex.Male ? 1 : 2, row.BirthDate, row.HukouDivision, row.ResidenceDivision));
        }

        foreach (var row in rows.Enrollment)
        {
            truth[records.Count] = PersonIndex(row.PersonId);
            records.Add(PersonRecord.Create(records.Count, RecordRole.Enrollment, Normalize(row.NationalId, today), row.Name,
                row.Sex == Sex.Male ? 1 : 2, row.BirthDate, row.InsuredDivision));
        }

        return new LinkageInput(records, truth, rows.Register.Count);
    }

    private static CurrentRows Current(SyntheticRegistry registry) =>
        new(registry, Latest(registry.RegisterRows(), r => r.RecordId, r => r.Version), Latest(registry.EnrollmentRows(), r => r.RecordId, r => r.Version));

    // A later version of a record replaces the earlier one, as in the hub's current view. A dictionary rather than
    // GroupBy: same result, without holding a grouping of a million records.
    private static List<TRow> Latest<TRow>(IEnumerable<TRow> rows, Func<TRow, string> recordId, Func<TRow, int> version)
    {
        var list = new List<TRow>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if (!index.TryGetValue(recordId(row), out var at))
            {
                index[recordId(row)] = list.Count;
                list.Add(row);
            }
            else if (version(row) > version(list[at]))
            {
                list[at] = row;
            }
        }

        return list;
    }

    // "P-123" (SyntheticRegistry.PersonId) to 122: a dense index, so truth is an int array, not a string per record.
    private static int PersonIndex(string personId) => int.Parse(personId.AsSpan(2), System.Globalization.CultureInfo.InvariantCulture) - 1;

    // As the hub stores it: 15-digit IDs converted, full-width folded.
    private static string Normalize(string nationalId, DateOnly today) =>
        nationalId.Length == 0 ? string.Empty : NationalId.Parse(nationalId, today).Value?.Normalized ?? NationalId.Clean(nationalId);
}
