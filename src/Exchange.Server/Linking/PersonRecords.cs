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

    /// <summary>"national_id=exact;name=same pinyin;..." for explanations.</summary>
    public static string DescribeLevels(int[] levels)
    {
        var comparisons = PersonLinkage.Spec.Comparisons;
        return string.Join(';', comparisons.Select((c, i) => $"{c.Name}={(levels.Length > i && levels[i] >= 0 ? c.Levels[levels[i]] : "missing")}"));
    }
}
