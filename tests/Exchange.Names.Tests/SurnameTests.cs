namespace Exchange.Names.Tests;

public sealed class SurnameTests
{
    [Theory]
    [InlineData("欧阳娜娜", "欧阳", "娜娜", "ou yang")]
    [InlineData("司马光", "司马", "光", "si ma")]
    [InlineData("诸葛亮", "诸葛", "亮", "zhu ge")]
    [InlineData("尉迟恭", "尉迟", "恭", "yu chi")]
    [InlineData("爱新觉罗溥仪", "爱新觉罗", "溥仪", "ai xin jue luo")]
    [InlineData("张伟", "张", "伟", "zhang")]
    [InlineData("章伟", "章", "伟", "zhang")]
    [InlineData("曾国藩", "曾", "国藩", "zeng")]
    [InlineData("单田芳", "单", "田芳", "shan")]
    [InlineData("王", "王", "", "wang")]
    public void Surname_given_and_surname_pinyin(string name, string surname, string given, string surnamePinyin)
    {
        Assert.Equal(surname, ChineseName.Surname(name));
        Assert.Equal(given, ChineseName.Given(name));
        Assert.Equal(surnamePinyin, ChineseName.SurnamePinyin(name));
    }

    [Theory]
    // Nobody is called by a compound surname alone: 东方 is 东 + 方.
    [InlineData("东方", "东", "方")]
    // Deliberately not compound: 宗 + 政华 is the likelier reading.
    [InlineData("宗政华", "宗", "政华")]
    public void A_compound_surname_needs_a_given_name_and_must_be_listed(string name, string surname, string given)
    {
        Assert.Equal(surname, ChineseName.Surname(name));
        Assert.Equal(given, ChineseName.Given(name));
    }

    [Fact]
    public void A_latin_name_is_its_own_surname_with_no_given_name()
    {
        Assert.Equal("zhangwei", ChineseName.Surname("zhangwei"));
        Assert.Equal(string.Empty, ChineseName.Given("zhangwei"));
        Assert.Equal("zhangwei", ChineseName.SurnamePinyin("zhangwei"));
    }

    [Fact]
    public void A_supplementary_plane_surname_is_one_character()
    {
        Assert.Equal("\U00020BB7", ChineseName.Surname("\U00020BB7伟"));
        Assert.Equal("伟", ChineseName.Given("\U00020BB7伟"));
        Assert.Equal("ji", ChineseName.SurnamePinyin("\U00020BB7伟"));
    }

    [Fact]
    public void Empty_gives_empty()
    {
        Assert.Equal(string.Empty, ChineseName.Surname(string.Empty));
        Assert.Equal(string.Empty, ChineseName.Given(string.Empty));
        Assert.Equal(string.Empty, ChineseName.SurnamePinyin(string.Empty));
    }

    [Fact]
    public void Every_multi_character_surname_reading_belongs_to_a_listed_compound_surname()
    {
        foreach (var surname in Surnames.Readings.Keys)
        {
            // Surrogate pairs are one character.
            if (surname.Length > 1 && !char.IsSurrogatePair(surname, 0))
            {
                Assert.True(Surnames.Compound.Contains(surname), $"{surname} has a reading but is not a listed compound surname");
            }
        }
    }

    [Fact]
    public void Surname_data_is_already_normalized_and_every_character_has_a_reading()
    {
        foreach (var surname in Surnames.Compound)
        {
            Assert.Contains(surname.Length, Surnames.CompoundLengths);
            Assert.Equal(surname, ChineseName.Normalize(surname));
            Assert.DoesNotContain("?", ChineseName.SurnamePinyin(surname + "伟"));
        }

        foreach (var (surname, reading) in Surnames.Readings)
        {
            Assert.Equal(surname, ChineseName.Normalize(surname));
            Assert.Matches("^[a-z]+( [a-z]+)*$", reading);
        }
    }

    [Theory]
    [InlineData('张', true)]
    [InlineData('\u3400', true)]   // Extension A
    [InlineData('\u9FFF', true)]
    [InlineData('\uF900', true)]   // compatibility ideograph
    [InlineData('a', false)]
    [InlineData('·', false)]
    [InlineData('\u3007', false)]  // 〇 is a number sign here, not a name character
    [InlineData('\uD842', false)]  // half of a surrogate pair
    public void IsHan_covers_the_bmp_ideograph_blocks(char c, bool expected) =>
        Assert.Equal(expected, ChineseName.IsHan(c));
}
