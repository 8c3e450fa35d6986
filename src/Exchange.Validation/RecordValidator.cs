using Exchange.Contracts.V1;

namespace Exchange.Validation;

/// <summary>Data-quality flags kept on stored records for later reconciliation.</summary>
public static class RecordFlags
{
    public const string CheckCharacterMismatch = "NATIONAL_ID_CHECK_CHARACTER_MISMATCH";
    public const string Legacy15Digit = "NATIONAL_ID_LEGACY_15_DIGIT";
    public const string BirthDateDiffersFromId = "BIRTH_DATE_DIFFERS_FROM_NATIONAL_ID";
    public const string GenderDiffersFromId = "GENDER_DIFFERS_FROM_NATIONAL_ID";
}

/// <summary>The facts about one pushed record that storage and authorization need.</summary>
public sealed class ValidatedRecord
{
    public RecordKind Kind { get; init; }

    /// <summary>18-character national ID, or empty when the record has none.</summary>
    public string NationalId { get; init; } = string.Empty;

    /// <summary>The division that places the record in a region (hukou or insuring division); empty for a retraction.</summary>
    public string Division { get; init; } = string.Empty;

    public IReadOnlyList<string> Flags { get; init; } = [];

    public IReadOnlyList<FieldError> Errors { get; init; } = [];

    public bool IsValid => Errors.Count == 0;
}

/// <summary>Checks one record envelope. A bad record is rejected alone; questionable data is flagged.</summary>
public sealed class RecordValidator(TimeProvider clock)
{
    public const int MaxRecordIdLength = 128;
    public const int MaxNameLength = 64;

    public ValidatedRecord Validate(RecordEnvelope envelope)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var errors = new List<FieldError>();
        var flags = new List<string>();

        ValidateRecordId(envelope.RecordId, errors);
        if (envelope.Version < 1)
        {
            errors.Add(Error("version", "OUT_OF_RANGE", "The version must be at least 1."));
        }

        if (envelope.Retracted)
        {
            if (envelope.BodyCase != RecordEnvelope.BodyOneofCase.None)
            {
                errors.Add(Error("retracted", "BODY_NOT_ALLOWED", "A retraction carries no record body."));
            }

            return new ValidatedRecord { Kind = RecordKind.Unspecified, Errors = errors };
        }

        return envelope.BodyCase switch
        {
            RecordEnvelope.BodyOneofCase.Register => ValidateRegister(envelope.Register, today, errors, flags),
            RecordEnvelope.BodyOneofCase.Enrollment => ValidateEnrollment(envelope.Enrollment, today, errors, flags),
            _ => new ValidatedRecord
            {
                Errors = [.. errors, Error("body", "REQUIRED", "Exactly one of register or enrollment is required.")],
            },
        };
    }

    private static ValidatedRecord ValidateRegister(RegisterRecord record, DateOnly today, List<FieldError> errors, List<string> flags)
    {
        const string prefix = "register.";
        var id = ValidateNationalId(prefix + "national_id", record.NationalId, required: true, today, errors, flags);
        ValidateName(prefix + "name", record.Name, errors);
        ValidateGender(prefix + "gender", record.Gender, errors);
        var birth = ValidateDate(prefix + "birth_date", record.BirthDate, required: true, today, errors);
        ValidateDivision(prefix + "hukou_division", record.HukouDivision, required: true, errors);
        ValidateDivision(prefix + "residence_division", record.ResidenceDivision, required: false, errors);
        CompareWithId(id, birth, record.Gender, flags);

        switch (record.VitalStatus)
        {
            case VitalStatus.Alive:
                if (record.DeathDate is not null)
                {
                    errors.Add(Error(prefix + "death_date", "NOT_ALLOWED", "A living person has no death date."));
                }

                break;
            case VitalStatus.Deceased:
                var death = ValidateDate(prefix + "death_date", record.DeathDate, required: true, today, errors);
                if (death is not null && birth is not null && death < birth)
                {
                    errors.Add(Error(prefix + "death_date", "BEFORE_BIRTH", "The death date is before the birth date."));
                }

                break;
            default:
                errors.Add(Error(prefix + "vital_status", "REQUIRED", "The vital status must be ALIVE or DECEASED."));
                break;
        }

        return new ValidatedRecord
        {
            Kind = RecordKind.Register,
            NationalId = id?.Normalized ?? string.Empty,
            Division = record.HukouDivision,
            Flags = flags,
            Errors = errors,
        };
    }

    private static ValidatedRecord ValidateEnrollment(EnrollmentRecord record, DateOnly today, List<FieldError> errors, List<string> flags)
    {
        const string prefix = "enrollment.";
        var id = ValidateNationalId(prefix + "national_id", record.NationalId, required: false, today, errors, flags);
        ValidateName(prefix + "name", record.Name, errors);
        ValidateGender(prefix + "gender", record.Gender, errors);
        var birth = ValidateDate(prefix + "birth_date", record.BirthDate, required: true, today, errors);
        ValidateDivision(prefix + "insured_division", record.InsuredDivision, required: true, errors);
        CompareWithId(id, birth, record.Gender, flags);

        if (record.Scheme == InsuranceScheme.Unspecified || !Enum.IsDefined(record.Scheme))
        {
            errors.Add(Error(prefix + "scheme", "REQUIRED", "The insurance scheme must be one of the defined schemes."));
        }

        if (record.Status == EnrollmentStatus.Unspecified || !Enum.IsDefined(record.Status))
        {
            errors.Add(Error(prefix + "status", "REQUIRED", "The enrollment status must be ACTIVE, SUSPENDED or TERMINATED."));
        }

        // Enrollments may be registered ahead of their start, but not decades ahead.
        var start = ValidateDate(prefix + "start_date", record.StartDate, required: true, today.AddYears(1), errors);
        var end = ValidateDate(prefix + "end_date", record.EndDate, required: false, DateOnly.MaxValue, errors);
        if (start is not null && birth is not null && start < birth)
        {
            errors.Add(Error(prefix + "start_date", "BEFORE_BIRTH", "Coverage cannot start before birth."));
        }

        if (start is not null && end is not null && end < start)
        {
            errors.Add(Error(prefix + "end_date", "BEFORE_START", "The end date is before the start date."));
        }

        return new ValidatedRecord
        {
            Kind = RecordKind.Enrollment,
            NationalId = id?.Normalized ?? string.Empty,
            Division = record.InsuredDivision,
            Flags = flags,
            Errors = errors,
        };
    }

    private static void ValidateRecordId(string recordId, List<FieldError> errors)
    {
        if (string.IsNullOrEmpty(recordId))
        {
            errors.Add(Error("record_id", "REQUIRED", "A record id is required."));
        }
        else if (recordId.Length > MaxRecordIdLength || !recordId.All(c => c is >= '!' and <= '~'))
        {
            errors.Add(Error("record_id", "INVALID_FORMAT", $"A record id is 1 to {MaxRecordIdLength} printable ASCII characters without spaces."));
        }
    }

    private static NationalId? ValidateNationalId(string field, string raw, bool required, DateOnly today, List<FieldError> errors, List<string> flags)
    {
        if (!required && string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        var result = NationalId.Parse(raw, today);
        if (result.Value is null)
        {
            errors.Add(Error(field, result.ErrorCode!, result.ErrorDescription!));
            return null;
        }

        if (!result.Value.CheckCharacterMatches)
        {
            flags.Add(RecordFlags.CheckCharacterMismatch);
        }

        if (result.Value.IsLegacy15)
        {
            flags.Add(RecordFlags.Legacy15Digit);
        }

        return result.Value;
    }

    private static void ValidateName(string field, string name, List<FieldError> errors)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            errors.Add(Error(field, "REQUIRED", "A name is required."));
        }
        else if (name.Length > MaxNameLength || name.Any(char.IsControl))
        {
            errors.Add(Error(field, "INVALID_FORMAT", $"A name has at most {MaxNameLength} characters and no control characters."));
        }
    }

    private static void ValidateGender(string field, Gender gender, List<FieldError> errors)
    {
        if (gender is not (Gender.Male or Gender.Female))
        {
            errors.Add(Error(field, "REQUIRED", "The gender must be MALE or FEMALE."));
        }
    }

    private static DateOnly? ValidateDate(string field, Date? date, bool required, DateOnly latest, List<FieldError> errors)
    {
        if (date is null)
        {
            if (required)
            {
                errors.Add(Error(field, "REQUIRED", "A date is required."));
            }

            return null;
        }

        if (date.Year is < NationalId.MinimumBirthYear or > 9999 || date.Month is < 1 or > 12
            || date.Day < 1 || date.Day > DateTime.DaysInMonth(date.Year, date.Month))
        {
            errors.Add(Error(field, "INVALID_DATE", $"{date.Year:D4}-{date.Month:D2}-{date.Day:D2} is not a valid date after {NationalId.MinimumBirthYear}."));
            return null;
        }

        var value = new DateOnly(date.Year, date.Month, date.Day);
        if (value > latest)
        {
            errors.Add(Error(field, "IN_FUTURE", $"The date {value:yyyy-MM-dd} is in the future."));
            return null;
        }

        return value;
    }

    private static void ValidateDivision(string field, string code, bool required, List<FieldError> errors)
    {
        if (string.IsNullOrEmpty(code))
        {
            if (required)
            {
                errors.Add(Error(field, "REQUIRED", "A 6-digit GB/T 2260 division code is required."));
            }

            return;
        }

        if (!DivisionCode.IsValid(code))
        {
            errors.Add(Error(field, "UNKNOWN_DIVISION", $"'{Truncate(code)}' is not a 6-digit GB/T 2260 division code."));
        }
    }

    // The ID encodes birth date and sex; a disagreement is a data-quality fact to reconcile, not a rejection.
    private static void CompareWithId(NationalId? id, DateOnly? birthDate, Gender gender, List<string> flags)
    {
        if (id is null)
        {
            return;
        }

        if (birthDate is not null && birthDate != id.BirthDate)
        {
            flags.Add(RecordFlags.BirthDateDiffersFromId);
        }

        if (gender is Gender.Male or Gender.Female && gender != id.Gender)
        {
            flags.Add(RecordFlags.GenderDiffersFromId);
        }
    }

    private static string Truncate(string value) => value.Length <= 16 ? value : value[..16] + "…";

    private static FieldError Error(string field, string code, string description) =>
        new() { Field = field, Code = code, Description = description };
}
