using System.Collections.Frozen;

namespace Exchange.Names;

/// <summary>Compound surnames and the surname readings that differ from a character's everyday reading.</summary>
internal static class Surnames
{
    /// <summary>
    /// Multi-character surnames, in simplified form. Left out on purpose: 宗政 濮阳 乐正 谷梁 梁丘 段干 左丘, whose
    /// first character is a common single surname and whose second commonly starts a given name (宗政华 is far
    /// more often 宗 + 政华), so treating them as compound would split many more names wrongly than rightly.
    /// </summary>
    internal static readonly FrozenSet<string> Compound = new[]
    {
        "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙",
        "宇文", "司徒", "夏侯", "轩辕", "令狐", "钟离", "端木", "独孤", "南宫", "西门",
        "万俟", "闻人", "申屠", "澹台", "太史", "公羊", "呼延", "第五", "司空", "司寇",
        "东郭", "东门", "南门", "百里", "赫连", "拓跋", "完颜", "淳于", "单于", "鲜于",
        "闾丘", "仲孙", "叔孙", "太叔", "颛孙", "公冶", "公西", "巫马", "漆雕", "壤驷",
        "亓官", "子车", "宰父", "羊舌", "微生", "归海", "夹谷",
        // Manchu clan names still written in full by some.
        "爱新觉罗", "叶赫那拉",
    }.ToFrozenSet(StringComparer.Ordinal);

    internal static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> CompoundLookup =
        Compound.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Longest first, so that a four-character clan name wins over a two-character prefix.</summary>
    internal static readonly int[] CompoundLengths = [4, 2];

    /// <summary>
    /// Readings used when the character (or compound) is the surname, where Unihan's first kMandarin reading is
    /// the everyday one (单 dān, 曾 céng, 长 zhǎng) or is the same toneless syllable but worth pinning (华, 燕).
    /// </summary>
    internal static readonly FrozenDictionary<string, string> Readings = new Dictionary<string, string>
    {
        ["单"] = "shan",
        ["曾"] = "zeng",
        ["区"] = "ou",
        ["仇"] = "qiu",
        ["解"] = "xie",
        ["朴"] = "piao",
        ["查"] = "zha",
        ["盖"] = "ge",
        ["乐"] = "yue",
        ["覃"] = "qin",
        ["缪"] = "miao",
        ["翟"] = "zhai",
        ["种"] = "chong",
        ["重"] = "chong",
        ["柏"] = "bai",
        ["燕"] = "yan",
        ["华"] = "hua",
        ["长"] = "chang",
        ["卜"] = "bu",
        ["阚"] = "kan",
        ["薄"] = "bo",
        ["秘"] = "bi",
        ["召"] = "shao",
        ["繁"] = "po",
        ["句"] = "gou",
        ["员"] = "yun",
        ["能"] = "nai",
        ["祭"] = "zhai",
        ["折"] = "she",
        ["乜"] = "nie",
        ["都"] = "du",
        ["藏"] = "zang",
        ["洗"] = "xian",
        // 𠮷 (U+20BB7, a variant of 吉) is a real surname outside the BMP, so the table cannot know it.
        ["\U00020BB7"] = "ji",
        ["尉迟"] = "yu chi",
        ["万俟"] = "mo qi",
        ["长孙"] = "zhang sun",
        ["单于"] = "chan yu",
        ["澹台"] = "tan tai",
        ["子车"] = "zi ju",
        ["拓跋"] = "tuo ba",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    internal static readonly FrozenDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> ReadingLookup =
        Readings.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The longest reading above, in chars, for sizing buffers.</summary>
    internal static readonly int MaxReadingLength = LongestReading();

    private static int LongestReading()
    {
        var longest = 0;
        foreach (var reading in Readings.Values)
        {
            longest = Math.Max(longest, reading.Length);
        }

        return longest;
    }
}
