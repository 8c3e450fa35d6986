using Exchange.Reconciliation.Persons;
using Exchange.Store;

namespace Exchange.Server.Linking;

internal static class PersonRecords
{
    public static PersonRecord From(SourceRecord record) => From(
        record.Id, record.Kind, record.NationalId, record.NameKey, record.NamePinyin, record.SurnamePinyin, record.Gender, record.BirthDate, record.Division, record.ResidenceDivision);

    /// <summary>The same from the columns alone, for queries that read only what linkage compares.</summary>
    public static PersonRecord From(
        long id, StoredRecordKind kind, string nationalId, string nameKey, string namePinyin, string surnamePinyin, int gender, DateOnly? birthDate, string division, string residenceDivision) => new()
    {
        Id = id,
        Role = kind == StoredRecordKind.Register ? RecordRole.Register : RecordRole.Enrollment,
        NationalId = nationalId,
        Name = nameKey,
        NamePinyin = namePinyin,
        SurnamePinyin = surnamePinyin,
        Gender = gender,
        BirthDate = birthDate,
        Division = division,
        ResidenceDivision = residenceDivision,
    };

    /// <summary>Records an automatic decision on a link (the online linker and the re-link write links alike).</summary>
    public static void Apply(RecordLink link, MatchDecision decision, long personId, string methodPrefix, int modelVersion, DateTime now)
    {
        link.PersonId = personId;
        link.Method = methodPrefix + MethodOf(decision.Outcome);
        link.Weight = double.IsNaN(decision.Weight) ? 0 : decision.Weight;
        link.Levels = decision.BestCandidateRecordId is null ? string.Empty : DescribeLevels(decision.Levels);
        link.MatchedSourceRecordId = decision.BestCandidateRecordId;
        link.RuleVersion = PersonLinkage.RuleVersion;
        link.ModelVersion = modelVersion;
        link.LinkedAtUtc = now;
    }

    public static string MethodOf(MatchOutcome outcome) => outcome switch
    {
        MatchOutcome.Linked => "auto",
        MatchOutcome.NewPersonPendingReview => "new-pending-review",
        _ => "new",
    };

    /// <summary>"national_id=exact;name=same pinyin;..." for explanations.</summary>
    public static string DescribeLevels(int[] levels)
    {
        var comparisons = PersonLinkage.Spec.Comparisons;
        return string.Join(';', comparisons.Select((c, i) => $"{c.Name}={(levels.Length > i && levels[i] >= 0 ? c.Levels[levels[i]] : "missing")}"));
    }
}
