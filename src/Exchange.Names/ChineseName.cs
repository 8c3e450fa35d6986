using System.Buffers;
using System.Collections.Frozen;
using System.Globalization;

namespace Exchange.Names;

/// <summary>
/// Normalizes Chinese personal names so that the same person written on different systems compares equal
/// (traditional or simplified, full- or half-width, with or without separators), and derives toneless pinyin
/// and the surname for fuzzy matching and blocking.
/// </summary>
public static class ChineseName
{
    // Names are short; anything longer goes to a pooled array rather than the stack.
    private const int StackBufferLength = 256;

    /// <summary>
    /// Folds full-width letters and digits to ASCII, removes all white space and the middle dots and hyphens
    /// used between parts of minority and foreign names, converts traditional Han characters (and CJK
    /// compatibility ideographs and radicals) to simplified and lower-cases Latin letters. Returns "" for null
    /// or blank input. Idempotent.
    /// </summary>
    public static string Normalize(string? raw)
    {
        if (string.IsNullOrEmpty(raw))
        {
            return string.Empty;
        }

        // Folding is char for char or a drop, so the result is never longer than the input. The repository runs
        // with InvariantGlobalization, where string.Normalize(FormKC) is a no-op, so width and compatibility
        // folding are done here and through the table instead.
        char[]? rented = null;
        Span<char> buffer = raw.Length <= StackBufferLength
            ? stackalloc char[StackBufferLength]
            : (rented = ArrayPool<char>.Shared.Rent(raw.Length));
        try
        {
            var table = HanziTable.Entries;
            var length = 0;
            foreach (var c in raw)
            {
                var folded = Fold(c, table);
                if (folded != '\0')
                {
                    buffer[length++] = folded;
                }
            }

            var result = buffer[..length];
            // Already-normalized names (the common case when re-reading stored data) cost no allocation.
            return result.SequenceEqual(raw) ? raw : new string(result);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// Toneless pinyin of a normalized name, one space between syllables: 张伟 gives "zhang wei". Runs of
    /// other characters (Latin letters, digits) become their own lower-cased token; a Han character without
    /// a known reading gives "?". The surname part uses surname readings (曾 zeng, 单 shan, 尉迟 yu chi).
    /// </summary>
    public static string ToPinyin(string normalized)
    {
        if (string.IsNullOrEmpty(normalized))
        {
            return string.Empty;
        }

        var span = normalized.AsSpan();
        return WritePinyin(span, SurnameLength(span), surnameOnly: false);
    }

    /// <summary>
    /// The surname of a normalized Han name: a compound surname (欧阳, 司马, ...) when the name starts with one
    /// and has a given name after it, otherwise the first character. A name that does not start with a Han
    /// character has no recognizable surname order, so the whole string is returned.
    /// </summary>
    public static string Surname(string normalized)
    {
        if (string.IsNullOrEmpty(normalized))
        {
            return string.Empty;
        }

        var surnameLength = SurnameLength(normalized);
        return surnameLength == 0 ? normalized : normalized[..surnameLength];
    }

    /// <summary>What follows <see cref="Surname"/>: "" for a non-Han name or a one-character name.</summary>
    public static string Given(string normalized)
    {
        if (string.IsNullOrEmpty(normalized))
        {
            return string.Empty;
        }

        var surnameLength = SurnameLength(normalized);
        return surnameLength == 0 ? string.Empty : normalized[surnameLength..];
    }

    /// <summary>Pinyin of <see cref="Surname"/> only, as a blocking key: 章伟 and 张伟 both give "zhang".</summary>
    public static string SurnamePinyin(string normalized)
    {
        if (string.IsNullOrEmpty(normalized))
        {
            return string.Empty;
        }

        var span = normalized.AsSpan();
        var surnameLength = SurnameLength(span);
        // A non-Han name has no surname to cut out, so its key is the whole name's pinyin.
        return WritePinyin(span, surnameLength, surnameOnly: surnameLength > 0);
    }

    /// <summary>
    /// A BMP Han ideograph: CJK Unified Ideographs, Extension A and the compatibility block. Supplementary
    /// ideographs come as surrogate pairs and cannot be recognized from one char.
    /// </summary>
    public static bool IsHan(char c) =>
        c is >= '\u4E00' and <= '\u9FFF' or >= '\u3400' and <= '\u4DBF' or >= '\uF900' and <= '\uFAFF';

    /// <summary>The char to keep for <paramref name="c"/>, or '\0' to drop it.</summary>
    private static char Fold(char c, FrozenDictionary<char, HanEntry> table)
    {
        if (c is >= '\uFF01' and <= '\uFF5E')
        {
            c = (char)(c - 0xFEE0);
        }

        if (c < '\u0080')
        {
            return c switch
            {
                >= 'A' and <= 'Z' => (char)(c | 0x20),
                '-' or <= ' ' or '\u007F' => '\0',
                _ => c,
            };
        }

        // Kangxi and CJK radicals (U+2E80..U+2FDF) look like ideographs and turn up in text copied from PDFs;
        // the table maps them to the ideograph as NFKC would.
        if (IsHan(c) || c is >= '\u2E80' and <= '\u2FDF')
        {
            return table.TryGetValue(c, out var entry) ? entry.Simplified : c;
        }

        if (IsNameSeparator(c) || char.IsWhiteSpace(c))
        {
            return '\0';
        }

        // Zero-width spaces, byte-order marks and stray control characters come in with copy-pasted names.
        var category = char.GetUnicodeCategory(c);
        if (category is UnicodeCategory.Format or UnicodeCategory.Control)
        {
            return '\0';
        }

        return char.ToLowerInvariant(c);
    }

    // · U+00B7, ・ U+30FB, • U+2022, ‧ U+2027, ･ U+FF65 and ‐ U+2010: written between the parts of
    // transliterated minority and foreign names (阿卜杜拉·买买提), or left out, for the same person.
    private static bool IsNameSeparator(char c) =>
        c is '\u00B7' or '\u30FB' or '\u2022' or '\u2027' or '\uFF65' or '\u2010';

    /// <summary>Chars in the surname, or 0 when the name does not start with a Han character.</summary>
    private static int SurnameLength(ReadOnlySpan<char> name)
    {
        var first = HanLengthAt(name, 0);
        if (first == 0)
        {
            return 0;
        }

        foreach (var length in Surnames.CompoundLengths)
        {
            // A compound needs a given name after it: a person called just 东方 is 东 + 方.
            if (name.Length > length && Surnames.CompoundLookup.Contains(name[..length]))
            {
                return length;
            }
        }

        return first;
    }

    /// <summary>1 for a BMP Han char, 2 for a supplementary ideograph's surrogate pair, else 0.</summary>
    private static int HanLengthAt(ReadOnlySpan<char> text, int index)
    {
        var c = text[index];
        if (IsHan(c))
        {
            return 1;
        }

        // Extensions B to H and the compatibility supplement live in planes 2 and 3.
        if (char.IsHighSurrogate(c) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]))
        {
            var codePoint = char.ConvertToUtf32(c, text[index + 1]);
            return codePoint is >= 0x20000 and <= 0x3FFFF ? 2 : 0;
        }

        return 0;
    }

    private static string WritePinyin(ReadOnlySpan<char> name, int surnameLength, bool surnameOnly)
    {
        var end = surnameOnly ? surnameLength : name.Length;
        // Worst case per char: a separator plus the longest syllable; the surname may use a longer reading.
        var capacity = end * (HanziTable.MaxPinyinLength + 1) + Surnames.MaxReadingLength + 1;

        char[]? rented = null;
        Span<char> buffer = capacity <= StackBufferLength
            ? stackalloc char[StackBufferLength]
            : (rented = ArrayPool<char>.Shared.Rent(capacity));
        try
        {
            var writer = new TokenWriter(buffer);
            if (surnameLength > 0)
            {
                var surname = name[..surnameLength];
                if (Surnames.ReadingLookup.TryGetValue(surname, out var reading))
                {
                    writer.AppendToken(reading);
                }
                else
                {
                    AppendPinyin(ref writer, surname);
                }
            }

            AppendPinyin(ref writer, name[surnameLength..end]);
            return writer.ToString();
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    private static void AppendPinyin(ref TokenWriter writer, ReadOnlySpan<char> text)
    {
        var table = HanziTable.Entries;
        var inOtherRun = false;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            var hanLength = HanLengthAt(text, i);
            if (hanLength > 0)
            {
                var pinyin = hanLength == 1 && table.TryGetValue(c, out var entry) && entry.Pinyin.Length > 0
                    ? entry.Pinyin
                    : "?";
                writer.AppendToken(pinyin);
                inOtherRun = false;
                i += hanLength;
                continue;
            }

            if (char.IsWhiteSpace(c))
            {
                inOtherRun = false;
            }
            else
            {
                if (!inOtherRun)
                {
                    writer.StartToken();
                    inOtherRun = true;
                }

                writer.Append(char.ToLowerInvariant(c));
            }

            i++;
        }
    }

    /// <summary>Appends space-separated tokens into a caller-provided buffer.</summary>
    private ref struct TokenWriter
    {
        private readonly Span<char> _buffer;
        private int _length;

        public TokenWriter(Span<char> buffer)
        {
            _buffer = buffer;
        }

        public void StartToken()
        {
            if (_length > 0)
            {
                _buffer[_length++] = ' ';
            }
        }

        public void Append(char c) => _buffer[_length++] = c;

        public void AppendToken(ReadOnlySpan<char> token)
        {
            StartToken();
            token.CopyTo(_buffer[_length..]);
            _length += token.Length;
        }

        public override readonly string ToString() => new(_buffer[.._length]);
    }
}
