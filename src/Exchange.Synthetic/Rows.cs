namespace Exchange.Synthetic;

public enum Sex
{
    Male,
    Female,
}

/// <summary>The insurance schemes of the enrollment CSV.</summary>
public enum Scheme
{
    EmployeeEndowment,
    ResidentEndowment,
    EmployeeMedical,
    ResidentMedical,
    Unemployment,
    WorkInjury,
    Maternity,
}

/// <summary>The enrollment statuses of the enrollment CSV.</summary>
public enum EnrollmentState
{
    Active,
    Suspended,
    Terminated,
}

/// <summary>What was done to a record on purpose, or what about its person it exposes. Listed in truth-faults.csv.</summary>
[Flags]
public enum RecordFaults
{
    None = 0,

    /// <summary>One character of the ID is wrong; the check character mismatches.</summary>
    IdTypo = 1 << 0,

    /// <summary>Two adjacent ID digits are swapped; the check character mismatches.</summary>
    IdTransposition = 1 << 1,

    /// <summary>The ID is in the 15-digit legacy form.</summary>
    Legacy15 = 1 << 2,

    /// <summary>The enrollment has no ID.</summary>
    MissingId = 1 << 3,

    /// <summary>One name character is a same-pinyin substitute.</summary>
    Homophone = 1 << 4,

    /// <summary>The name is in traditional characters.</summary>
    Traditional = 1 << 5,

    /// <summary>The birth_date field has one component off by one; the ID still has the true date.</summary>
    BirthOff = 1 << 6,

    /// <summary>The enrollment carries another real person's valid ID.</summary>
    SomeoneElsesId = 1 << 7,

    /// <summary>An ACTIVE endowment enrollment of a deceased person.</summary>
    ActiveAfterDeath = 1 << 8,

    /// <summary>The second-province ACTIVE endowment enrollment of a multi-region person.</summary>
    SecondRegion = 1 << 9,

    /// <summary>An enrollment of a person who has no register record.</summary>
    NotInRegister = 1 << 10,
}

/// <summary>One row of register.csv, with its truth (the true person and the injected faults).</summary>
public sealed record RegisterRow(
    string RecordId,
    int Version,
    string NationalId,
    string Name,
    Sex Sex,
    DateOnly BirthDate,
    string HukouDivision,
    string ResidenceDivision,
    DateOnly? DeathDate,
    string PersonId,
    RecordFaults Faults)
{
    public bool IsDeceased => DeathDate is not null;
}

/// <summary>One row of enrollment.csv, with its truth. <see cref="PersonId"/> is the TRUE person, whatever ID the row carries.</summary>
public sealed record EnrollmentRow(
    string RecordId,
    int Version,
    string NationalId,
    string Name,
    Sex Sex,
    DateOnly BirthDate,
    string InsuredDivision,
    Scheme Scheme,
    EnrollmentState Status,
    DateOnly StartDate,
    DateOnly? EndDate,
    string PersonId,
    RecordFaults Faults)
{
    public bool IsActiveEndowment =>
        Status == EnrollmentState.Active && Scheme is Scheme.EmployeeEndowment or Scheme.ResidentEndowment;
}

/// <summary>
/// The truth about one person (a row of truth-persons.csv). See README.md for the definitions of eligible,
/// covered, gap and multi_region. <see cref="NationalId"/>, <see cref="Name"/> and <see cref="BirthDate"/> are the
/// true values, before any fault.
/// </summary>
public sealed record PersonTruth(
    string PersonId,
    bool InRegister,
    bool Alive,
    DateOnly? DeathDate,
    int Age,
    bool Eligible,
    bool Covered,
    bool Gap,
    bool Migrant,
    bool MultiRegion,
    bool DeceasedWithActiveEndowment,
    string HukouDivision,
    string ResidenceDivision,
    Sex Sex,
    string NationalId,
    string Name,
    DateOnly BirthDate);

/// <summary>The spellings used in the CSV files.</summary>
public static class CsvTokens
{
    private static readonly (RecordFaults Fault, string Name)[] FaultNames =
    [
        (RecordFaults.IdTypo, "id_typo"),
        (RecordFaults.IdTransposition, "id_transposition"),
        (RecordFaults.Legacy15, "legacy_15"),
        (RecordFaults.MissingId, "missing_id"),
        (RecordFaults.Homophone, "homophone"),
        (RecordFaults.Traditional, "traditional"),
        (RecordFaults.BirthOff, "birth_off"),
        (RecordFaults.SomeoneElsesId, "someone_elses_id"),
        (RecordFaults.ActiveAfterDeath, "active_after_death"),
        (RecordFaults.SecondRegion, "second_region"),
        (RecordFaults.NotInRegister, "not_in_register"),
    ];

    /// <summary>Every fault name, in the order truth-faults.csv lists a record's faults.</summary>
    public static IReadOnlyList<string> AllFaultNames { get; } = [.. FaultNames.Select(f => f.Name)];

    public static string ToCsv(this Sex sex) => sex == Sex.Male ? "M" : "F";

    public static string ToCsv(this Scheme scheme) => scheme switch
    {
        Scheme.EmployeeEndowment => "employee_endowment",
        Scheme.ResidentEndowment => "resident_endowment",
        Scheme.EmployeeMedical => "employee_medical",
        Scheme.ResidentMedical => "resident_medical",
        Scheme.Unemployment => "unemployment",
        Scheme.WorkInjury => "work_injury",
        Scheme.Maternity => "maternity",
        _ => throw new ArgumentOutOfRangeException(nameof(scheme), scheme, null),
    };

    public static string ToCsv(this EnrollmentState status) => status switch
    {
        EnrollmentState.Active => "active",
        EnrollmentState.Suspended => "suspended",
        EnrollmentState.Terminated => "terminated",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    /// <summary>The names of the set flags, in a fixed order.</summary>
    public static IEnumerable<string> Names(this RecordFaults faults)
    {
        foreach (var (fault, name) in FaultNames)
        {
            if ((faults & fault) != 0)
            {
                yield return name;
            }
        }
    }
}
