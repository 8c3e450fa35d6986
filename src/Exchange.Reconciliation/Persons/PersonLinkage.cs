using System.Globalization;

namespace Exchange.Reconciliation.Persons;

/// <summary>
/// The hub's person-linkage configuration: what is compared, at which levels, and how records are
/// blocked. Changing a comparison or a rule changes <see cref="RuleVersion"/>.
/// </summary>
public static class PersonLinkage
{
    /// <summary>Stored with every link, so that a link can be traced to the rules that made it.</summary>
    public const string RuleVersion = "person-linkage/1";

    public static LinkageSpec<PersonRecord> Spec { get; } = new(
        [
            new("national_id", ["disagree", "one edit or transposition", "exact"], CompareIds),
            new("name", ["disagree", "same surname sound", "one character differs", "same pinyin", "exact"], CompareNames, r => r.Name),
            new("birth_date", ["disagree", "one component off", "exact"], CompareBirthDates),
            new("gender", ["disagree", "exact"], (a, b) => a.Gender == 0 || b.Gender == 0 ? Comparison<PersonRecord>.Missing : a.Gender == b.Gender ? 1 : 0),
            new("division", ["disagree", "same province", "same county"], CompareDivisions),
        ],
        [
            new("national_id", r => Blank(r.NationalId)),
            // An ID with one wrong digit keeps two of its three parts (division, birth date, sequence).
            new("id division+birth", r => r.NationalId.Length == 18 ? r.NationalId[..14] : null),
            new("id division+sequence", r => r.NationalId.Length == 18 ? string.Concat(r.NationalId.AsSpan(0, 6), r.NationalId.AsSpan(14, 3)) : null),
            new("id birth+sequence", r => r.NationalId.Length == 18 ? r.NationalId[6..17] : null),
            new("birth date+sex+surname sound", r => r.BirthDate is { } birth && r.SurnamePinyin.Length > 0 ? $"{birth:yyyyMMdd}|{r.Gender}|{r.SurnamePinyin}" : null),
            new("name sound+birth year", r => r.BirthDate is { } birth && r.NamePinyin.Length > 0 ? $"{r.NamePinyin}|{birth.Year}" : null),
            // A record without ID whose birth year was mistyped still keeps month and day.
            new("name sound+birth month and day", r => r.BirthDate is { } birth && r.NamePinyin.Length > 0 ? $"{r.NamePinyin}|{birth.Month:D2}{birth.Day:D2}" : null),
        ])
    {
        MaxBlockSize = 1_000,
    };

    /// <summary>Default decision thresholds, as match probabilities.</summary>
    public static Thresholds DefaultThresholds { get; } = new(Upper: 0.95, Lower: 0.5);

    /// <summary>The blocking keys of a record, one per rule (null where the rule has no key).</summary>
    public static string?[] BlockingKeys(PersonRecord record)
    {
        var keys = new string?[Spec.BlockingRules.Count];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = Spec.BlockingRules[i].Key(record) is { Length: > 0 } key ? $"{i}:{key}" : null;
        }

        return keys;
    }

    private static string? Blank(string value) => value.Length == 0 ? null : value;

    private static int CompareIds(PersonRecord a, PersonRecord b)
    {
        if (a.NationalId.Length == 0 || b.NationalId.Length == 0)
        {
            return Comparison<PersonRecord>.Missing;
        }

        if (a.NationalId == b.NationalId)
        {
            return 2;
        }

        // GB 11643's check character catches every single wrong digit and every adjacent swap: two IDs
        // that both pass it cannot be one typo apart. They are two people (born the same day in the same
        // county, say), not a typo.
        if (a.IdCheckValid && b.IdCheckValid)
        {
            return 0;
        }

        return StringMetrics.EditDistance(a.NationalId.AsSpan(0, 17), b.NationalId.AsSpan(0, 17), 1) <= 1 ? 1 : 0;
    }

    private static int CompareNames(PersonRecord a, PersonRecord b)
    {
        if (a.Name.Length == 0 || b.Name.Length == 0)
        {
            return Comparison<PersonRecord>.Missing;
        }

        if (a.Name == b.Name)
        {
            return 4;
        }

        if (a.NamePinyin == b.NamePinyin)
        {
            return 3;
        }

        if (a.Name.Length == b.Name.Length && StringMetrics.EditDistance(a.Name, b.Name, 1) <= 1)
        {
            return 2;
        }

        return a.SurnamePinyin.Length > 0 && a.SurnamePinyin == b.SurnamePinyin ? 1 : 0;
    }

    private static int CompareBirthDates(PersonRecord a, PersonRecord b)
    {
        if (a.BirthDate is not { } x || b.BirthDate is not { } y)
        {
            return Comparison<PersonRecord>.Missing;
        }

        if (x == y)
        {
            return 2;
        }

        var sameParts = (x.Year == y.Year ? 1 : 0) + (x.Month == y.Month ? 1 : 0) + (x.Day == y.Day ? 1 : 0);
        var swapped = x.Year == y.Year && x.Month == y.Day && x.Day == y.Month;
        return sameParts == 2 || swapped ? 1 : 0;
    }

    private static int CompareDivisions(PersonRecord a, PersonRecord b)
    {
        if (a.Division.Length != 6 || b.Division.Length != 6)
        {
            return Comparison<PersonRecord>.Missing;
        }

        static bool Same(string x, string y, int length) => x.Length >= length && y.Length >= length && x.AsSpan(0, length).SequenceEqual(y.AsSpan(0, length));

        // A migrant's enrollment sits where they live, which the register holds as residence.
        if (Same(a.Division, b.Division, 6) || Same(a.ResidenceDivision, b.Division, 6) || Same(a.Division, b.ResidenceDivision, 6))
        {
            return 2;
        }

        return Same(a.Division, b.Division, 2) || Same(a.ResidenceDivision, b.Division, 2) || Same(a.Division, b.ResidenceDivision, 2) ? 1 : 0;
    }

    internal static string Format(DateOnly date) => date.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
}

/// <summary>Decision thresholds as match probabilities: at or above Upper a link is made automatically,
/// between Lower and Upper it goes to review, below Lower the record is another person.</summary>
public sealed record Thresholds(double Upper, double Lower)
{
    public double UpperWeight => FellegiSunterModel.WeightOf(Upper);

    public double LowerWeight => FellegiSunterModel.WeightOf(Lower);
}
