namespace Exchange.Names.Tests;

public sealed class PinyinTests
{
    [Fact]
    public void Homophone_surnames_give_the_same_pinyin()
    {
        Assert.Equal("zhang wei", ChineseName.ToPinyin("张伟"));
        Assert.Equal("zhang wei", ChineseName.ToPinyin("章伟"));
    }

    [Fact]
    public void Traditional_input_gives_the_pinyin_of_its_simplified_form() =>
        Assert.Equal("zhang wei", ChineseName.ToPinyin(ChineseName.Normalize("張偉")));

    [Theory]
    [InlineData("丽", "li")]
    [InlineData("莉", "li")]
    [InlineData("绿", "lv")]
    [InlineData("女", "nv")]
    [InlineData("吕", "lv")]
    [InlineData("略", "lve")]
    public void Toneless_pinyin_writes_u_umlaut_as_v(string name, string expected) =>
        Assert.Equal(expected, ChineseName.ToPinyin(name));

    [Theory]
    [InlineData("曾伟", "zeng wei")]
    [InlineData("单伟", "shan wei")]
    [InlineData("区伟", "ou wei")]
    [InlineData("仇伟", "qiu wei")]
    [InlineData("解伟", "xie wei")]
    [InlineData("朴伟", "piao wei")]
    [InlineData("查伟", "zha wei")]
    [InlineData("盖伟", "ge wei")]
    [InlineData("乐伟", "yue wei")]
    [InlineData("覃伟", "qin wei")]
    [InlineData("缪伟", "miao wei")]
    [InlineData("翟伟", "zhai wei")]
    [InlineData("种伟", "chong wei")]
    [InlineData("重伟", "chong wei")]
    [InlineData("柏伟", "bai wei")]
    [InlineData("燕伟", "yan wei")]
    [InlineData("华伟", "hua wei")]
    [InlineData("尉迟恭", "yu chi gong")]
    [InlineData("万俟伟", "mo qi wei")]
    [InlineData("长孙无忌", "zhang sun wu ji")]
    [InlineData("长伟", "chang wei")]
    [InlineData("\U00020BB7伟", "ji wei")]
    public void The_surname_is_read_as_a_surname(string name, string expected) =>
        Assert.Equal(expected, ChineseName.ToPinyin(name));

    [Theory]
    // Outside the surname the first kMandarin reading stands.
    [InlineData("王曾", "wang ceng")]
    [InlineData("曾曾", "zeng ceng")]
    [InlineData("单单", "shan dan")]
    [InlineData("李乐", "li le")]
    public void Surname_readings_do_not_leak_into_the_given_name(string name, string expected) =>
        Assert.Equal(expected, ChineseName.ToPinyin(name));

    [Fact]
    public void Compound_surname_pinyin_is_syllable_per_character() =>
        Assert.Equal("ou yang na na", ChineseName.ToPinyin("欧阳娜娜"));

    [Theory]
    [InlineData("zhangwei", "zhangwei")]
    [InlineData("张wei", "zhang wei")]
    [InlineData("李a1", "li a1")]
    [InlineData("a李b", "a li b")]
    [InlineData("Zhang Wei", "zhang wei")] // not normalized: white space still separates tokens
    public void Non_han_runs_are_kept_as_their_own_lower_cased_token(string name, string expected) =>
        Assert.Equal(expected, ChineseName.ToPinyin(name));

    [Theory]
    // 䊷 folds to 䌶 and Unihan has no kMandarin for either.
    [InlineData("王䊷", "wang ?")]
    // An Extension A character outside the table.
    [InlineData("王\u4DB6", "wang ?")]
    // A supplementary ideograph counts as one unknown character, not two.
    [InlineData("王\U00020000伟", "wang ? wei")]
    public void Unknown_han_characters_give_a_question_mark(string name, string expected) =>
        Assert.Equal(expected, ChineseName.ToPinyin(name));

    [Fact]
    public void Empty_gives_empty() => Assert.Equal(string.Empty, ChineseName.ToPinyin(string.Empty));

    [Fact]
    public void Long_names_beyond_the_stack_buffer_are_written_in_full()
    {
        var expected = string.Join(' ', Enumerable.Repeat("zhuang", 100));
        Assert.Equal(expected, ChineseName.ToPinyin(new string('庄', 100)));
    }
}
