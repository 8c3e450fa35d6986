namespace Exchange.Synthetic;

/// <summary>
/// What to generate. Every rate is a probability in [0, 1]; the defaults give a registry that looks like a
/// Chinese prefecture's data after a few decades of manual entry. Same options => byte-identical output.
/// </summary>
public sealed record GeneratorOptions
{
    /// <summary>Number of true persons (register records are fewer: see <see cref="NotInRegister"/>).</summary>
    public int People { get; init; } = 10_000;

    /// <summary>Seed of every <see cref="System.Random"/> the generator uses.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>"Today" for ages, death dates and enrollment dates; never the wall clock, so output is reproducible.</summary>
    public DateOnly ReferenceDate { get; init; } = new(2026, 12, 1);

    /// <summary>Share of enrollment records whose ID has one wrong digit (or check character); the check character then mismatches.</summary>
    public double IdDigitTypo { get; init; } = 0.02;

    /// <summary>Share of enrollment records whose ID has two adjacent, different digits swapped.</summary>
    public double IdTransposition { get; init; } = 0.01;

    /// <summary>
    /// Share of register records, and of enrollment records, of people born before 2000 whose ID is written in the
    /// 15-digit legacy form (6 division digits, YYMMDD, 3 sequence digits).
    /// </summary>
    public double Legacy15Digit { get; init; } = 0.03;

    /// <summary>Share of all enrollment records with an empty national ID; see <see cref="MissingIdMigrantFactor"/>.</summary>
    public double MissingId { get; init; } = 0.08;

    /// <summary>How many times likelier a migrant's enrollment is to lack an ID than a local's (so most are migrants').</summary>
    public double MissingIdMigrantFactor { get; init; } = 5.0;

    /// <summary>Share of enrollment records with one name character replaced by a same-pinyin character (张伟 → 章伟).</summary>
    public double HomophoneName { get; init; } = 0.03;

    /// <summary>Share of enrollment records whose name is written in traditional characters (张伟 → 張偉).</summary>
    public double TraditionalName { get; init; } = 0.03;

    /// <summary>Share of enrollment records whose birth_date has the year, month or day off by one (the ID is unchanged).</summary>
    public double BirthDateOneComponentOff { get; init; } = 0.01;

    /// <summary>Share of enrollment records carrying another registered person's valid ID (a relative's, from the same hukou county).</summary>
    public double SomeoneElsesId { get; init; } = 0.005;

    /// <summary>Share of people who are enrolled somewhere but have no register record. They are all alive.</summary>
    public double NotInRegister { get; init; } = 0.02;

    /// <summary>Share of all people who are deceased (drawn among registered people, older people far likelier).</summary>
    public double Deceased { get; init; } = 0.03;

    /// <summary>Share of deceased people whose endowment enrollment is still ACTIVE (a pension paid after death).</summary>
    public double DeceasedWithActiveEndowment { get; init; } = 0.20;

    /// <summary>Share of all people with ACTIVE endowment enrollments in two provinces (duplicate insurance).</summary>
    public double MultiRegion { get; init; } = 0.01;

    /// <summary>Share of people whose residence division differs from their hukou division (mostly from inland provinces to the coast).</summary>
    public double Migrant { get; init; } = 0.25;

    /// <summary>
    /// Share of eligible people (registered, alive, aged 16 or more) with no ACTIVE endowment enrollment; migrants
    /// and people under 30 are several times likelier to be uncovered.
    /// </summary>
    public double UncoveredEligible { get; init; } = 0.10;

    /// <summary>Share of enrollment records written twice, as version 1 (an earlier status) and version 2 (the current one).</summary>
    public double UpdatedEnrollment { get; init; } = 0.05;

    /// <summary>Throws when a value is out of range, so that a bad option fails before any file is written.</summary>
    public void Validate()
    {
        if (People is < 0 or > 50_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(People), People, "People must be between 0 and 50,000,000.");
        }

        if (ReferenceDate < new DateOnly(2000, 1, 1) || ReferenceDate > new DateOnly(2200, 12, 31))
        {
            throw new ArgumentOutOfRangeException(nameof(ReferenceDate), ReferenceDate, "The reference date must lie between 2000 and 2200.");
        }

        (string Name, double Value)[] rates =
        [
            (nameof(IdDigitTypo), IdDigitTypo), (nameof(IdTransposition), IdTransposition), (nameof(Legacy15Digit), Legacy15Digit),
            (nameof(MissingId), MissingId), (nameof(HomophoneName), HomophoneName), (nameof(TraditionalName), TraditionalName),
            (nameof(BirthDateOneComponentOff), BirthDateOneComponentOff), (nameof(SomeoneElsesId), SomeoneElsesId),
            (nameof(NotInRegister), NotInRegister), (nameof(Deceased), Deceased), (nameof(DeceasedWithActiveEndowment), DeceasedWithActiveEndowment),
            (nameof(MultiRegion), MultiRegion), (nameof(Migrant), Migrant), (nameof(UncoveredEligible), UncoveredEligible),
            (nameof(UpdatedEnrollment), UpdatedEnrollment),
        ];
        foreach (var (name, value) in rates)
        {
            if (!(value is >= 0 and <= 1))
            {
                throw new ArgumentOutOfRangeException(name, value, "A rate must lie between 0 and 1.");
            }
        }

        if (MissingIdMigrantFactor is < 1 or > 1000 || double.IsNaN(MissingIdMigrantFactor))
        {
            throw new ArgumentOutOfRangeException(nameof(MissingIdMigrantFactor), MissingIdMigrantFactor, "The factor must lie between 1 and 1000.");
        }

        // The ID faults of one enrollment record exclude each other, so their rates share one draw.
        if (MissingId + SomeoneElsesId + IdDigitTypo + IdTransposition + Legacy15Digit > 1)
        {
            throw new ArgumentException("The ID fault rates (missing, someone else's, typo, transposition, legacy) must sum to at most 1.");
        }

        if (HomophoneName + TraditionalName > 1)
        {
            throw new ArgumentException("The name fault rates (homophone, traditional) must sum to at most 1.");
        }
    }
}
