using Exchange.Contracts.V1;

namespace Exchange.Validation.Tests;

public sealed class RecordValidatorTests
{
    private readonly RecordValidator _validator = new(new FixedClock(new DateTimeOffset(2026, 12, 4, 8, 0, 0, TimeSpan.Zero)));

    private static RecordEnvelope Register(Action<RegisterRecord>? change = null)
    {
        var record = new RegisterRecord
        {
            NationalId = "440106198503121237",
            Name = "张伟",
            Gender = Gender.Male,
            BirthDate = new Date { Year = 1985, Month = 3, Day = 12 },
            HukouDivision = "440106",
            ResidenceDivision = "440305",
            VitalStatus = VitalStatus.Alive,
        };
        change?.Invoke(record);
        return new RecordEnvelope { RecordId = "R-1", Version = 1, Register = record };
    }

    private static RecordEnvelope Enrollment(Action<EnrollmentRecord>? change = null)
    {
        var record = new EnrollmentRecord
        {
            NationalId = "",
            Name = "李丽",
            Gender = Gender.Female,
            BirthDate = new Date { Year = 1992, Month = 7, Day = 8 },
            InsuredDivision = "440304",
            Scheme = InsuranceScheme.ResidentEndowment,
            Status = EnrollmentStatus.Active,
            StartDate = new Date { Year = 2016, Month = 1, Day = 1 },
        };
        change?.Invoke(record);
        return new RecordEnvelope { RecordId = "E-1", Version = 3, Enrollment = record };
    }

    [Fact]
    public void A_complete_register_record_is_valid_and_placed_by_its_hukou_division()
    {
        var result = _validator.Validate(Register());

        Assert.True(result.IsValid);
        Assert.Equal(RecordKind.Register, result.Kind);
        Assert.Equal("440106", result.Division);
        Assert.Empty(result.Flags);
    }

    [Fact]
    public void An_enrollment_without_national_id_is_valid()
    {
        var result = _validator.Validate(Enrollment());

        Assert.True(result.IsValid);
        Assert.Equal("", result.NationalId);
        Assert.Equal("440304", result.Division);
    }

    [Fact]
    public void A_birth_in_the_future_is_rejected() =>
        AssertError(Register(r => r.BirthDate = new Date { Year = 2027, Month = 1, Day = 1 }), "register.birth_date", "IN_FUTURE");

    [Fact]
    public void An_impossible_date_is_rejected() =>
        AssertError(Register(r => r.BirthDate = new Date { Year = 1985, Month = 2, Day = 30 }), "register.birth_date", "INVALID_DATE");

    [Fact]
    public void A_death_before_birth_is_rejected() =>
        AssertError(
            Register(r =>
            {
                r.VitalStatus = VitalStatus.Deceased;
                r.DeathDate = new Date { Year = 1980, Month = 1, Day = 1 };
            }),
            "register.death_date",
            "BEFORE_BIRTH");

    [Fact]
    public void A_deceased_person_needs_a_death_date() =>
        AssertError(Register(r => r.VitalStatus = VitalStatus.Deceased), "register.death_date", "REQUIRED");

    [Fact]
    public void A_living_person_has_no_death_date() =>
        AssertError(Register(r => r.DeathDate = new Date { Year = 2020, Month = 1, Day = 1 }), "register.death_date", "NOT_ALLOWED");

    [Fact]
    public void Unset_and_unknown_enum_values_are_rejected()
    {
        AssertError(Register(r => r.Gender = Gender.Unspecified), "register.gender", "REQUIRED");
        AssertError(Register(r => r.VitalStatus = (VitalStatus)42), "register.vital_status", "REQUIRED");
        AssertError(Enrollment(e => e.Scheme = (InsuranceScheme)99), "enrollment.scheme", "REQUIRED");
        AssertError(Enrollment(e => e.Status = EnrollmentStatus.Unspecified), "enrollment.status", "REQUIRED");
    }

    [Fact]
    public void Division_codes_are_checked() =>
        AssertError(Register(r => r.HukouDivision = "4401"), "register.hukou_division", "UNKNOWN_DIVISION");

    [Fact]
    public void An_end_before_the_start_is_rejected() =>
        AssertError(Enrollment(e => e.EndDate = new Date { Year = 2015, Month = 1, Day = 1 }), "enrollment.end_date", "BEFORE_START");

    [Fact]
    public void Every_problem_of_a_record_is_reported_at_once()
    {
        var result = _validator.Validate(Register(r =>
        {
            r.Name = "";
            r.HukouDivision = "";
            r.NationalId = "123";
        }));

        Assert.Equal(
            ["register.hukou_division", "register.name", "register.national_id"],
            result.Errors.Select(e => e.Field).Order().ToArray());
    }

    [Fact]
    public void A_wrong_check_character_is_stored_with_a_flag()
    {
        var result = _validator.Validate(Register(r => r.NationalId = "440106198503121230"));

        Assert.True(result.IsValid);
        Assert.Contains(RecordFlags.CheckCharacterMismatch, result.Flags);
    }

    [Fact]
    public void A_15_digit_id_is_normalized_and_flagged()
    {
        var result = _validator.Validate(Register(r => r.NationalId = "440106850312123"));

        Assert.True(result.IsValid);
        Assert.Equal("440106198503121237", result.NationalId);
        Assert.Contains(RecordFlags.Legacy15Digit, result.Flags);
    }

    [Fact]
    public void Birth_date_and_gender_that_disagree_with_the_id_are_flagged()
    {
        var result = _validator.Validate(Register(r =>
        {
            r.BirthDate = new Date { Year = 1985, Month = 3, Day = 21 };
            r.Gender = Gender.Female;
        }));

        Assert.True(result.IsValid);
        Assert.Contains(RecordFlags.BirthDateDiffersFromId, result.Flags);
        Assert.Contains(RecordFlags.GenderDiffersFromId, result.Flags);
    }

    [Fact]
    public void Envelope_rules_apply_to_every_kind()
    {
        AssertError(new RecordEnvelope { RecordId = "", Version = 1, Register = Register().Register }, "record_id", "REQUIRED");
        AssertError(new RecordEnvelope { RecordId = "has space", Version = 1, Register = Register().Register }, "record_id", "INVALID_FORMAT");
        AssertError(new RecordEnvelope { RecordId = "R", Version = 0, Register = Register().Register }, "version", "OUT_OF_RANGE");
        AssertError(new RecordEnvelope { RecordId = "R", Version = 1 }, "body", "REQUIRED");
        AssertError(new RecordEnvelope { RecordId = "R", Version = 2, Retracted = true, Register = Register().Register }, "retracted", "BODY_NOT_ALLOWED");
    }

    [Fact]
    public void A_retraction_without_body_is_valid() =>
        Assert.True(_validator.Validate(new RecordEnvelope { RecordId = "R", Version = 2, Retracted = true }).IsValid);

    private void AssertError(RecordEnvelope envelope, string field, string code)
    {
        var result = _validator.Validate(envelope);
        Assert.False(result.IsValid);
        Assert.Contains(result.Errors, e => e.Field == field && e.Code == code);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
