namespace Exchange.Names.Tests;

public sealed class NormalizeTests
{
    [Theory]
    [InlineData("張偉", "张伟")]
    // Unihan lists 志 as the first kSimplifiedVariant of 誌 (the second is an Extension G character).
    [InlineData("黃誌強", "黄志强")]
    [InlineData("歐陽娜娜", "欧阳娜娜")]
    [InlineData("龍", "龙")]
    [InlineData("张伟", "张伟")]
    public void Traditional_characters_become_simplified(string raw, string expected) =>
        Assert.Equal(expected, ChineseName.Normalize(raw));

    [Fact]
    public void Full_width_latin_is_folded_lower_cased_and_its_spaces_removed() =>
        Assert.Equal("zhangwei", ChineseName.Normalize("ＺＨＡＮＧ　Ｗｅｉ"));

    [Theory]
    [InlineData("Zhang Wei", "zhangwei")]
    [InlineData("ＬＩ－Ｎａ２", "lina2")]
    [InlineData("O'Brien", "o'brien")]
    public void Latin_names_are_lower_cased_without_spaces_or_hyphens(string raw, string expected) =>
        Assert.Equal(expected, ChineseName.Normalize(raw));

    [Theory]
    [InlineData("阿卜杜拉·买买提")]   // U+00B7
    [InlineData("阿卜杜拉・买买提")]   // U+30FB
    [InlineData("阿卜杜拉•买买提")]   // U+2022
    [InlineData("阿卜杜拉‧买买提")]   // U+2027
    [InlineData("阿卜杜拉･买买提")]   // U+FF65
    [InlineData("阿卜杜拉‐买买提")]   // U+2010
    [InlineData("阿卜杜拉-买买提")]
    [InlineData("阿卜杜拉 买买提")]
    [InlineData("阿卜杜拉买买提")]
    public void Separators_in_minority_names_are_removed(string raw) =>
        Assert.Equal("阿卜杜拉买买提", ChineseName.Normalize(raw));

    [Theory]
    [InlineData(" 张 伟 ")]
    [InlineData("张\u3000伟")]
    [InlineData("\t张\u00A0伟\r\n")]
    [InlineData("张\u200B伟")] // zero-width space from copy-paste
    [InlineData("張\uFEFF偉")]
    public void White_space_and_invisible_characters_inside_a_han_name_are_removed(string raw) =>
        Assert.Equal("张伟", ChineseName.Normalize(raw));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\u3000\t")]
    [InlineData("·")]
    public void Null_or_blank_gives_empty(string? raw) =>
        Assert.Equal(string.Empty, ChineseName.Normalize(raw));

    [Fact]
    public void Compatibility_ideographs_and_radicals_fold_as_nfkc_would_and_then_simplify()
    {
        // U+F900 is canonically 豈 U+8C48, whose simplified form is 岂.
        Assert.Equal("岂", ChineseName.Normalize("\uF900"));
        // Kangxi radical ⼈ U+2F08 looks like 人 and NFKC says it is 人.
        Assert.Equal("王人", ChineseName.Normalize("王\u2F08"));
    }

    [Fact]
    public void Non_ascii_latin_letters_are_lower_cased() =>
        Assert.Equal("müller", ChineseName.Normalize("MÜLLER"));

    [Fact]
    public void An_already_normalized_name_is_returned_without_a_copy()
    {
        var normalized = new string("张伟".AsSpan());
        Assert.Same(normalized, ChineseName.Normalize(normalized));
    }

    [Fact]
    public void Long_input_beyond_the_stack_buffer_is_normalized_too()
    {
        var raw = string.Concat(Enumerable.Repeat("張 ", 400));
        Assert.Equal(new string('张', 400), ChineseName.Normalize(raw));
    }

    [Fact]
    public void Supplementary_plane_ideographs_are_kept()
    {
        // 𠮷 (U+20BB7) is a real surname; it must survive normalization intact.
        Assert.Equal("\U00020BB7伟", ChineseName.Normalize("\U00020BB7 偉"));
    }

    [Fact]
    public void Normalizing_is_idempotent_for_every_character_in_the_table()
    {
        foreach (var c in HanziTable.Entries.Keys)
        {
            var once = ChineseName.Normalize(c.ToString());
            Assert.Equal(once, ChineseName.Normalize(once));
        }
    }
}
