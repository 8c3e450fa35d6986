namespace Exchange.Names.Tests;

public sealed class HanziTableTests
{
    [Fact]
    public void The_embedded_table_loads_with_unihan_coverage()
    {
        Assert.True(HanziTable.Entries.Count > 20_000, $"only {HanziTable.Entries.Count} entries");
        Assert.Equal('国', HanziTable.Entries['國'].Simplified);
        Assert.Equal('龙', HanziTable.Entries['龍'].Simplified);
        Assert.Equal('学', HanziTable.Entries['學'].Simplified);
        Assert.Equal("guo", HanziTable.Entries['國'].Pinyin);
        Assert.Equal("xue", HanziTable.Entries['学'].Pinyin);
    }

    [Fact]
    public void The_resource_says_where_it_came_from()
    {
        using var stream = typeof(ChineseName).Assembly.GetManifestResourceStream(HanziTable.ResourceName);
        Assert.NotNull(stream);
        using var reader = new StreamReader(stream);
        Assert.StartsWith("# Unihan", reader.ReadLine());
    }

    [Fact]
    public void Every_entry_is_a_bmp_ideograph_or_radical_with_lower_case_ascii_pinyin_and_a_stable_simplified_form()
    {
        foreach (var (c, entry) in HanziTable.Entries)
        {
            var isRadical = c is >= '\u2E80' and <= '\u2FDF';
            Assert.True(ChineseName.IsHan(c) || isRadical, $"U+{(int)c:X4} is not in a Han block");
            Assert.True(ChineseName.IsHan(entry.Simplified), $"U+{(int)c:X4} simplifies outside the Han blocks");
            Assert.Matches("^[a-z]{0,6}$", entry.Pinyin);
            // Simplifying twice must change nothing, or stored names would drift.
            if (HanziTable.Entries.TryGetValue(entry.Simplified, out var simplified))
            {
                Assert.Equal(entry.Simplified, simplified.Simplified);
            }
        }

        Assert.Equal(6, HanziTable.MaxPinyinLength);
    }

    [Fact]
    public void Pinyin_strings_are_shared_between_characters() =>
        Assert.Same(HanziTable.Entries['张'].Pinyin, HanziTable.Entries['章'].Pinyin);
}
