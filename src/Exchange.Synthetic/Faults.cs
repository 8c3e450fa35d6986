using Exchange.Validation;

namespace Exchange.Synthetic;

/// <summary>How IDs and birth dates are damaged. Damaged IDs still parse (the hub stores and flags them, never rejects).</summary>
internal static class Faults
{
    private const string CheckCharacters = "0123456789X";

    /// <summary>The 18-character ID of 17 digits held as a number.</summary>
    public static string FormatId(long idDigits)
    {
        Span<char> id = stackalloc char[18];
        idDigits.TryFormat(id, out _, "D17", System.Globalization.CultureInfo.InvariantCulture);
        id[17] = NationalId.ComputeCheckCharacter(id[..17]);
        return new string(id);
    }

    /// <summary>The 15-digit legacy form of an ID of someone born in the 1900s: division, YYMMDD, sequence.</summary>
    public static string ToLegacy15(string id18) => string.Concat(id18.AsSpan(0, 6), id18.AsSpan(8, 9));

    /// <summary>One character changed (a digit, or the check character); null in the unlikely case no try still parses.</summary>
    public static string? WithTypo(string id18, Random random, DateOnly today)
    {
        var chars = id18.ToCharArray();
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var position = random.Next(18);
            var original = chars[position];
            var alphabet = position == 17 ? CheckCharacters : CheckCharacters[..10];
            var replacement = alphabet[random.Next(alphabet.Length - 1)];
            if (replacement == original)
            {
                // Drawing from all but the last and mapping a hit onto the last keeps the draw uniform over the others.
                replacement = alphabet[^1];
            }

            chars[position] = replacement;
            var candidate = new string(chars);
            chars[position] = original;
            if (ParsesWithWrongCheck(candidate, today))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Two adjacent, different digits swapped; null when no swap keeps the ID parseable.</summary>
    public static string? WithTransposition(string id18, Random random, DateOnly today)
    {
        var chars = id18.ToCharArray();
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var position = random.Next(17);
            if (chars[position] == chars[position + 1] || chars[position + 1] == 'X')
            {
                continue;
            }

            (chars[position], chars[position + 1]) = (chars[position + 1], chars[position]);
            var candidate = new string(chars);
            (chars[position], chars[position + 1]) = (chars[position + 1], chars[position]);
            if (ParsesWithWrongCheck(candidate, today))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>
    /// The date with exactly one of year, month or day moved by one, still a real date no later than
    /// <paramref name="latest"/>. Tries the six moves from a random start until one fits.
    /// </summary>
    public static DateOnly ShiftOneComponent(DateOnly date, DateOnly latest, Random random)
    {
        var start = random.Next(6);
        for (var i = 0; i < 6; i++)
        {
            var move = (start + i) % 6;
            var delta = move % 2 == 0 ? 1 : -1;
            var (year, month, day) = (move / 2) switch
            {
                0 => (date.Year + delta, date.Month, date.Day),
                1 => (date.Year, date.Month + delta, date.Day),
                _ => (date.Year, date.Month, date.Day + delta),
            };
            if (year is >= NationalId.MinimumBirthYear and <= 9999 && month is >= 1 and <= 12
                && day >= 1 && day <= DateTime.DaysInMonth(year, month))
            {
                var shifted = new DateOnly(year, month, day);
                if (shifted <= latest)
                {
                    return shifted;
                }
            }
        }

        // Unreachable for dates after 1890: day - 1 or year - 1 always fits.
        return date;
    }

    private static bool ParsesWithWrongCheck(string candidate, DateOnly today) =>
        NationalId.Parse(candidate, today).Value is { CheckCharacterMatches: false };
}
