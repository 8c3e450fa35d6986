namespace Exchange.Synthetic;

/// <summary>Which enrollment records a person has; one flag = one record, except <see cref="EmployeeScheme"/>.</summary>
[Flags]
internal enum EnrollmentPlan : ushort
{
    None = 0,

    /// <summary>The person's ACTIVE endowment (employee or resident, see <see cref="EmployeeScheme"/>) in the insured division.</summary>
    ActiveEndowment = 1 << 0,

    /// <summary>A second ACTIVE endowment in another province (multi-region).</summary>
    SecondRegionEndowment = 1 << 1,

    /// <summary>An older, terminated employee endowment from an earlier job (history before the active one).</summary>
    EarlierEndowment = 1 << 2,

    /// <summary>A terminated endowment and nothing active: the person dropped out.</summary>
    LapsedEndowment = 1 << 3,

    /// <summary>A suspended endowment (contributions stopped): not covered.</summary>
    SuspendedEndowment = 1 << 4,

    /// <summary>An endowment terminated at (or shortly after) death.</summary>
    EndedAtDeath = 1 << 5,

    /// <summary>ACTIVE medical insurance: employee medical alongside an active employee endowment, resident medical otherwise.</summary>
    Medical = 1 << 6,

    Unemployment = 1 << 7,
    WorkInjury = 1 << 8,
    Maternity = 1 << 9,

    /// <summary>Not a record: the endowment records are employee_endowment rather than resident_endowment.</summary>
    EmployeeScheme = 1 << 10,

    Records = ActiveEndowment | SecondRegionEndowment | EarlierEndowment | LapsedEndowment | SuspendedEndowment | EndedAtDeath
        | Medical | Unemployment | WorkInjury | Maternity,
}

[Flags]
internal enum PersonFlags : byte
{
    None = 0,
    InRegister = 1,
    Male = 2,
    Migrant = 4,
}

/// <summary>
/// Everything the generator remembers about one person (40 bytes), so that a million people fit in 40 MB and each
/// stream re-derives its records from this state.
/// </summary>
internal struct PersonState
{
    /// <summary>The first 17 digits of the national ID as a number; the check character is computed when written.</summary>
    public long IdDigits;

    public int BirthDay;

    /// <summary><see cref="DateOnly.DayNumber"/> of the death, or 0 when alive.</summary>
    public int DeathDay;

    /// <summary>A registered person of the same hukou county met earlier (a relative or neighbour), or -1.</summary>
    public int Relative;

    public short Hukou;
    public short Residence;
    public short Insured;
    public short SecondInsured;
    public short Surname;
    public char Given1;
    public char Given2;
    public EnrollmentPlan Plan;
    public PersonFlags Flags;

    public readonly bool InRegister => (Flags & PersonFlags.InRegister) != 0;

    public readonly bool Male => (Flags & PersonFlags.Male) != 0;

    public readonly bool Migrant => (Flags & PersonFlags.Migrant) != 0;

    public readonly bool Alive => DeathDay == 0;

    public readonly DateOnly BirthDate => DateOnly.FromDayNumber(BirthDay);

    public readonly DateOnly? DeathDate => DeathDay == 0 ? null : DateOnly.FromDayNumber(DeathDay);

    public readonly bool Has(EnrollmentPlan plan) => (Plan & plan) != 0;

    public readonly int RecordCount => System.Numerics.BitOperations.PopCount((uint)(Plan & EnrollmentPlan.Records));
}
