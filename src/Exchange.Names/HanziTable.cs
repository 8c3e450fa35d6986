using System.Collections.Frozen;

namespace Exchange.Names;

/// <summary>One row of Data/hanzi.tsv: the simplified form of a Han character and its toneless pinyin.</summary>
/// <param name="Pinyin">Empty when Unihan gives no kMandarin reading for the character or its simplified form.</param>
internal readonly record struct HanEntry(char Simplified, string Pinyin);

/// <summary>The embedded Unihan-derived table, parsed on first use.</summary>
internal static class HanziTable
{
    internal const string ResourceName = "Exchange.Names.hanzi.tsv";

    // The nested holder defers the ~27,000-row parse until a name is first looked at, and the CLR makes
    // the one-time initialization thread-safe without a lock on every call.
    private static class Holder
    {
        internal static readonly FrozenDictionary<char, HanEntry> Entries = Load(out MaxPinyinLength);
        internal static readonly int MaxPinyinLength;
    }

    internal static FrozenDictionary<char, HanEntry> Entries => Holder.Entries;

    /// <summary>The longest syllable in the table ("shuang"), used to size output buffers.</summary>
    internal static int MaxPinyinLength => Holder.MaxPinyinLength;

    private static FrozenDictionary<char, HanEntry> Load(out int maxPinyinLength)
    {
        using var stream = typeof(HanziTable).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Embedded resource {ResourceName} is missing from {typeof(HanziTable).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);

        var entries = new Dictionary<char, HanEntry>(capacity: 28_000);
        // About 400 distinct syllables: share one string per syllable instead of one per character.
        var syllables = new Dictionary<string, string>(StringComparer.Ordinal);
        var syllableLookup = syllables.GetAlternateLookup<ReadOnlySpan<char>>();
        maxPinyinLength = 0;

        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            // <char> TAB <simplified char> TAB <pinyin>
            if (line.Length < 4 || line[1] != '\t' || line[3] != '\t')
            {
                throw new InvalidDataException($"{ResourceName} line {lineNumber} is not '<char>\\t<simplified>\\t<pinyin>': '{line}'.");
            }

            var pinyinSpan = line.AsSpan(4);
            if (!syllableLookup.TryGetValue(pinyinSpan, out var pinyin))
            {
                pinyin = pinyinSpan.ToString();
                syllables.Add(pinyin, pinyin);
            }

            maxPinyinLength = Math.Max(maxPinyinLength, pinyin.Length);
            entries[line[0]] = new HanEntry(line[2], pinyin);
        }

        return entries.ToFrozenDictionary();
    }
}
