using Exchange.Reconciliation.Persons;
using Exchange.Store;

namespace Exchange.Server.Linking;

internal static class PersonRecords
{
    public static PersonRecord From(SourceRecord record) => new()
    {
        Id = record.Id,
        Role = record.Kind == StoredRecordKind.Register ? RecordRole.Register : RecordRole.Enrollment,
        NationalId = record.NationalId,
        Name = record.NameKey,
        NamePinyin = record.NamePinyin,
        SurnamePinyin = record.SurnamePinyin,
        Gender = record.Gender,
        BirthDate = record.BirthDate,
        Division = record.Division,
        ResidenceDivision = record.ResidenceDivision,
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
