using Exchange.Reconciliation.Persons;
using Exchange.Synthetic;
using Exchange.Validation;

namespace Exchange.Reconciliation.Tests;

/// <summary>The synthetic Chinese registry as linkage input: current versions only, with each record's true person.</summary>
internal static class SyntheticPersons
{
    public static (List<PersonRecord> Records, string[] TruePerson) Load(int people, int seed)
    {
        var registry = RegistryGenerator.Generate(new GeneratorOptions { People = people, Seed = seed });
        var today = registry.Options.ReferenceDate;
        var records = new List<PersonRecord>();
        var truth = new List<string>();

        // A later version of a record replaces the earlier one, as in the hub's current view.
        var register = registry.RegisterRows().GroupBy(r => r.RecordId).Select(g => g.MaxBy(r => r.Version)!);
        foreach (var row in register)
        {
            records.Add(PersonRecord.Create(records.Count, RecordRole.Register, Normalize(row.NationalId, today), row.Name,
                row.Sex == Sex.Male ? 1 : 2, row.BirthDate, row.HukouDivision, row.ResidenceDivision));
            truth.Add(row.PersonId);
        }

        var enrollments = registry.EnrollmentRows().GroupBy(r => r.RecordId).Select(g => g.MaxBy(r => r.Version)!);
        foreach (var row in enrollments)
        {
            records.Add(PersonRecord.Create(records.Count, RecordRole.Enrollment, Normalize(row.NationalId, today), row.Name,
                row.Sex == Sex.Male ? 1 : 2, row.BirthDate, row.InsuredDivision));
            truth.Add(row.PersonId);
        }

        return (records, [.. truth]);
    }

    public static HashSet<long> TruePairs(string[] truePerson) => Clustering.PairsOf(truePerson);

    // As the hub stores it: 15-digit IDs converted, full-width folded.
    private static string Normalize(string nationalId, DateOnly today) =>
        nationalId.Length == 0 ? string.Empty : NationalId.Parse(nationalId, today).Value?.Normalized ?? NationalId.Clean(nationalId);
}
