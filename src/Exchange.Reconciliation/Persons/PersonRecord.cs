using Exchange.Names;

namespace Exchange.Reconciliation.Persons;

/// <summary>Which ministry's view of a person a record is.</summary>
public enum RecordRole
{
    /// <summary>Population register (PS): authoritative for identity.</summary>
    Register = 1,

    /// <summary>Insurance enrollment (HR): attaches to a person.</summary>
    Enrollment = 2,
}

/// <summary>
/// A source record reduced to what linkage compares, normalized once: 18-character national ID (15-digit
/// IDs already converted), simplified name and its toneless pinyin, sex, birth date, divisions.
/// </summary>
public sealed record PersonRecord
{
    public required long Id { get; init; }

    public required RecordRole Role { get; init; }

    /// <summary>18 characters, or empty when the record has none.</summary>
    public string NationalId
    {
        get => _nationalId;
        init
        {
            _nationalId = value;
            IdCheckValid = value.Length == 18 && IsCheckValid(value);
        }
    }

    /// <summary>The ID's GB 11643 check character fits its 17 digits.</summary>
    public bool IdCheckValid { get; private init; }

    private readonly string _nationalId = string.Empty;

    private static bool IsCheckValid(string id)
    {
        foreach (var c in id.AsSpan(0, 17))
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return Exchange.Validation.NationalId.ComputeCheckCharacter(id.AsSpan(0, 17)) == id[17];
    }

    /// <summary>Simplified, width-folded name without spaces or dots.</summary>
    public string Name { get; init; } = string.Empty;

    public string NamePinyin { get; init; } = string.Empty;

    public string SurnamePinyin { get; init; } = string.Empty;

    /// <summary>1 male, 2 female (as exchange.v1.Gender), 0 unknown.</summary>
    public int Gender { get; init; }

    public DateOnly? BirthDate { get; init; }

    /// <summary>Hukou division (register) or insuring division (enrollment).</summary>
    public string Division { get; init; } = string.Empty;

    /// <summary>Division of residence (register only).</summary>
    public string ResidenceDivision { get; init; } = string.Empty;

    /// <summary>Builds a record, normalizing the name (traditional to simplified, pinyin).</summary>
    public static PersonRecord Create(long id, RecordRole role, string nationalId, string rawName, int gender, DateOnly? birthDate, string division, string residenceDivision = "")
    {
        var name = ChineseName.Normalize(rawName);
        return new PersonRecord
        {
            Id = id,
            Role = role,
            NationalId = nationalId,
            Name = name,
            NamePinyin = ChineseName.ToPinyin(name),
            SurnamePinyin = ChineseName.SurnamePinyin(name),
            Gender = gender,
            BirthDate = birthDate,
            Division = division,
            ResidenceDivision = residenceDivision,
        };
    }
}
