using Exchange.Contracts.V1;

namespace Exchange.Validation.Tests;

public sealed class NationalIdTests
{
    private static readonly DateOnly Today = new(2026, 12, 4);

    [Theory]
    // The worked examples of GB 11643-1999 and common references.
    [InlineData("11010519491231002", 'X')]
    [InlineData("44052418800101001", '4')]
    [InlineData("44010619850312123", '7')]
    public void Check_character_follows_GB_11643(string first17, char expected) =>
        Assert.Equal(expected, NationalId.ComputeCheckCharacter(first17));

    [Fact]
    public void A_valid_18_character_id_yields_birth_date_gender_and_division()
    {
        var id = NationalId.Parse("11010519491231002X", Today).Value!;

        Assert.Equal("11010519491231002X", id.Normalized);
        Assert.True(id.CheckCharacterMatches);
        Assert.False(id.IsLegacy15);
        Assert.Equal(new DateOnly(1949, 12, 31), id.BirthDate);
        Assert.Equal(Gender.Female, id.Gender); // 17th digit 2 is even
        Assert.Equal("110105", id.BirthDivision);
    }

    [Fact]
    public void An_odd_17th_digit_means_male() =>
        Assert.Equal(Gender.Male, NationalId.Parse("440106198503121237", Today).Value!.Gender);

    [Fact]
    public void A_15_digit_legacy_id_converts_to_18_with_the_century_and_a_check_character()
    {
        var id = NationalId.Parse("110105491231002", Today).Value!;

        Assert.Equal("11010519491231002X", id.Normalized);
        Assert.True(id.IsLegacy15);
        Assert.Equal(new DateOnly(1949, 12, 31), id.BirthDate);
        Assert.Equal(Gender.Female, id.Gender);
    }

    [Fact]
    public void A_wrong_check_character_is_parsed_and_flagged_not_rejected()
    {
        var id = NationalId.Parse("110105194912310021", Today).Value;

        Assert.NotNull(id);
        Assert.False(id.CheckCharacterMatches);
        Assert.Equal("110105194912310021", id.Normalized);
    }

    [Theory]
    [InlineData(" 11010519491231002x ", "11010519491231002X")]
    [InlineData("１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X")]
    [InlineData("110105 19491231 002X", "11010519491231002X")]
    public void Full_width_digits_spaces_and_lower_case_x_are_normalized(string raw, string expected) =>
        Assert.Equal(expected, NationalId.Parse(raw, Today).Value!.Normalized);

    [Theory]
    [InlineData("", "REQUIRED")]
    [InlineData("1101051949123100", "INVALID_LENGTH")]
    [InlineData("1101051949123100X2", "INVALID_FORMAT")]
    [InlineData("11010A491231002", "INVALID_FORMAT")]
    [InlineData("99010519491231002X", "UNKNOWN_DIVISION")]
    [InlineData("110105194913310028", "INVALID_BIRTH_DATE")]
    [InlineData("110105194902300025", "INVALID_BIRTH_DATE")]
    [InlineData("110105209912310028", "IN_FUTURE")]
    [InlineData("110105180012310028", "INVALID_BIRTH_DATE")]
    public void Structural_errors_are_rejected_with_a_reason(string raw, string code)
    {
        var result = NationalId.Parse(raw, Today);

        Assert.Null(result.Value);
        Assert.Equal(code, result.ErrorCode);
    }

    [Theory]
    [InlineData("440106", true)]
    [InlineData("110000", true)]
    [InlineData("820000", true)]
    [InlineData("990000", false)]
    [InlineData("44010", false)]
    [InlineData("44010a", false)]
    [InlineData("", false)]
    public void Division_codes_are_six_digits_under_a_known_province(string code, bool valid) =>
        Assert.Equal(valid, DivisionCode.IsValid(code));

    [Theory]
    [InlineData("", true)]
    [InlineData("44", true)]
    [InlineData("4401", true)]
    [InlineData("440106", true)]
    [InlineData("4", false)]
    [InlineData("99", false)]
    [InlineData("440", false)]
    public void Region_scopes_are_empty_or_2_4_6_digit_prefixes(string scope, bool valid) =>
        Assert.Equal(valid, DivisionCode.IsValidScope(scope));
}
