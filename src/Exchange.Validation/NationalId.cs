using Exchange.Contracts.V1;

namespace Exchange.Validation;

/// <summary>A resident identity number that passed structural validation (GB 11643-1999).</summary>
/// <param name="Normalized">18 characters: 17 digits and the check character (a 15-digit ID converted).</param>
/// <param name="IsLegacy15">The input was a 15-digit legacy number.</param>
/// <param name="CheckCharacterMatches">The input's check character is right (always true for 15-digit input).</param>
public sealed record NationalId(
    string Normalized,
    bool IsLegacy15,
    bool CheckCharacterMatches,
    string BirthDivision,
    DateOnly BirthDate,
    Gender Gender)
{
    private static readonly int[] Weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    private const string CheckCharacters = "10X98765432";

    /// <summary>The earliest birth year accepted in an ID; older dates are typos.</summary>
    public const int MinimumBirthYear = 1890;

    /// <summary>The GB 11643 check character of the first 17 digits.</summary>
    public static char ComputeCheckCharacter(ReadOnlySpan<char> first17)
    {
        if (first17.Length != 17)
        {
            throw new ArgumentException("Exactly 17 digits are needed.", nameof(first17));
        }

        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            var digit = first17[i] - '0';
            if (digit is < 0 or > 9)
            {
                throw new ArgumentException("Only digits are allowed.", nameof(first17));
            }

            sum += digit * Weights[i];
        }

        return CheckCharacters[sum % 11];
    }

    /// <summary>
    /// Trims, folds full-width digits and letters to ASCII and upper-cases x, so that the same ID typed on
    /// different systems compares equal. Does not validate.
    /// </summary>
    public static string Clean(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return string.Empty;
        }

        Span<char> buffer = stackalloc char[Math.Min(raw.Length, 64)];
        var length = 0;
        foreach (var c in raw)
        {
            var folded = c switch
            {
                >= '\uFF10' and <= '\uFF19' => (char)(c - '\uFF10' + '0'),
                '\uFF38' or '\uFF58' or 'x' => 'X',
                ' ' or '\u3000' or '\t' or '-' => '\0',
                _ => c,
            };
            if (folded == '\0')
            {
                continue;
            }

            if (length == buffer.Length)
            {
                return raw.Trim();
            }

            buffer[length++] = folded;
        }

        return new string(buffer[..length]);
    }

    /// <summary>Parses an 18- or 15-character ID, or says which rule it breaks.</summary>
    public static NationalIdResult Parse(string? raw, DateOnly today)
    {
        var cleaned = Clean(raw);
        if (cleaned.Length == 0)
        {
            return NationalIdResult.Fail("REQUIRED", "A national ID is required.");
        }

        string first17;
        bool legacy;
        var checkMatches = true;
        switch (cleaned.Length)
        {
            case 18:
                if (!AllDigits(cleaned.AsSpan(0, 17)) || !(char.IsAsciiDigit(cleaned[17]) || cleaned[17] == 'X'))
                {
                    return NationalIdResult.Fail("INVALID_FORMAT", "An 18-character ID is 17 digits followed by a digit or X.");
                }

                first17 = cleaned[..17];
                legacy = false;
                checkMatches = ComputeCheckCharacter(first17) == cleaned[17];
                break;
            case 15:
                if (!AllDigits(cleaned))
                {
                    return NationalIdResult.Fail("INVALID_FORMAT", "A 15-character legacy ID is 15 digits.");
                }

                // GB 11643 conversion: the two-digit year gains the century "19".
                first17 = string.Concat(cleaned.AsSpan(0, 6), "19", cleaned.AsSpan(6, 9));
                legacy = true;
                break;
            default:
                return NationalIdResult.Fail("INVALID_LENGTH", $"A national ID has 18 characters (or 15 for a legacy ID), not {cleaned.Length}.");
        }

        var division = first17[..6];
        if (!DivisionCode.IsValid(division))
        {
            return NationalIdResult.Fail("UNKNOWN_DIVISION", $"The ID's first six digits ({division}) are not a GB/T 2260 division code.");
        }

        var year = int.Parse(first17.AsSpan(6, 4));
        var month = int.Parse(first17.AsSpan(10, 2));
        var day = int.Parse(first17.AsSpan(12, 2));
        if (year < MinimumBirthYear || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return NationalIdResult.Fail("INVALID_BIRTH_DATE", "The ID's digits 7 to 14 are not a valid birth date.");
        }

        var birthDate = new DateOnly(year, month, day);
        if (birthDate > today)
        {
            return NationalIdResult.Fail("IN_FUTURE", "The ID's birth date is in the future.");
        }

        // The 17th digit (the sequence's last) is odd for men and even for women.
        var gender = (first17[16] - '0') % 2 == 1 ? Gender.Male : Gender.Female;
        var normalized = legacy ? first17 + ComputeCheckCharacter(first17) : cleaned;
        return NationalIdResult.Ok(new NationalId(normalized, legacy, checkMatches, division, birthDate, gender));
    }

    private static bool AllDigits(ReadOnlySpan<char> span)
    {
        foreach (var c in span)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>Either a parsed <see cref="NationalId"/> or the reason it is not one.</summary>
public sealed record NationalIdResult(NationalId? Value, string? ErrorCode, string? ErrorDescription)
{
    public static NationalIdResult Ok(NationalId value) => new(value, null, null);

    public static NationalIdResult Fail(string code, string description) => new(null, code, description);
}
