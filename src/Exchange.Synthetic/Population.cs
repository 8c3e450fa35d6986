namespace Exchange.Synthetic;

/// <summary>
/// The compact state of every person, drawn from one <c>Random(seed)</c> in a fixed order: demographics, then death
/// and migration, then coverage, then the order of the output files. Rates that must hold among a subgroup (gap among
/// the eligible, multi-region among everybody) are met by normalising per-person weights over the whole population.
/// </summary>
internal sealed class Population
{
    public const int AdultAge = 16;

    // Share of people who share a surname with an earlier registered person of their county (a household).
    private const double HouseholdShare = 0.3;
    private const double MaleShare = 0.51;
    private const double InterProvinceShareOfMigrants = 0.7;

    // Where a covered migrant is insured: at the workplace (residence), mostly as an employee, or at home.
    private const double MigrantInsuredAtResidence = 0.75;
    private const double EmployeeAtMigrantResidence = 0.85;
    private const double EmployeeAtMigrantHome = 0.2;
    private const double EmployeeLocalBefore1960 = 0.4;
    private const double EmployeeLocal = 0.55;

    private static readonly DateOnly EarliestBirth = new(1940, 1, 1);
    private static readonly DateOnly LatestBirth = new(2010, 12, 31);

    private Population(GeneratorOptions options, PersonState[] people)
    {
        Options = options;
        People = people;
    }

    public GeneratorOptions Options { get; }

    public PersonState[] People { get; }

    /// <summary>Register records are written in this order of person indices (so record numbers reveal nothing).</summary>
    public int[] RegisterOrder { get; private set; } = [];

    /// <summary>People with enrollments, in the order their records are drawn.</summary>
    public int[] EnrollmentOrder { get; private set; } = [];

    /// <summary>Probability that an enrollment record of a migrant / of a local lacks its ID.</summary>
    public double MissingIdMigrant { get; private set; }

    public double MissingIdLocal { get; private set; }

    public static int AgeOn(DateOnly birth, DateOnly day)
    {
        var age = day.Year - birth.Year;
        return birth.AddYears(age) > day ? age - 1 : age;
    }

    public static Population Build(GeneratorOptions options)
    {
        var random = new Random(options.Seed);
        var population = new Population(options, new PersonState[options.People]);
        population.DrawDemographics(random);
        population.DrawDeathsAndMigration(random);
        population.DrawCoverage(random);
        population.DrawMultiRegion(random);
        population.ComputeMissingIdRates();
        population.DrawOrders(random);
        return population;
    }

    private DateOnly Reference => Options.ReferenceDate;

    private void DrawDemographics(Random random)
    {
        var latestBirth = LatestBirth < Reference.AddDays(-1) ? LatestBirth : Reference.AddDays(-1);
        var years = new WeightedTable<int>(
            Enumerable.Range(EarliestBirth.Year, latestBirth.Year - EarliestBirth.Year + 1).Select(year => (year, BirthYearWeight(year))));
        var usedIds = new HashSet<long>(People.Length);
        var lastRegisteredIn = Enumerable.Repeat(-1, Divisions.All.Length).ToArray();

        for (var i = 0; i < People.Length; i++)
        {
            ref var person = ref People[i];
            var male = random.NextDouble() < MaleShare;
            var year = years.Pick(random);
            var firstDay = new DateOnly(year, 1, 1).DayNumber;
            var lastDay = Math.Min(new DateOnly(year, 12, 31).DayNumber, latestBirth.DayNumber);
            person.BirthDay = firstDay + random.Next(lastDay - firstDay + 1);
            person.Hukou = Divisions.HukouIn[Divisions.ProvinceByHukou.Pick(random)].Pick(random);
            var inRegister = random.NextDouble() >= Options.NotInRegister;
            person.Flags = (male ? PersonFlags.Male : 0) | (inRegister ? PersonFlags.InRegister : 0);

            var relative = lastRegisteredIn[person.Hukou];
            person.Relative = relative;
            person.Surname = relative >= 0 && random.NextDouble() < HouseholdShare ? People[relative].Surname : Names.PickSurname(random);
            Names.PickGivenName(random, male, year, out person.Given1, out person.Given2);

            // ID: birth division, birth date, a sequence whose last digit is odd for men and even for women.
            var birth = person.BirthDate;
            var prefix = (Divisions.Numeric[person.Hukou] * 100_000_000
                + birth.Year * 10_000 + birth.Month * 100 + birth.Day) * 1000;
            long id;
            do
            {
                var sequence = male ? random.Next(500) * 2 + 1 : random.Next(1, 500) * 2;
                id = prefix + sequence;
            }
            while (!usedIds.Add(id));

            person.IdDigits = id;
            if (inRegister)
            {
                lastRegisteredIn[person.Hukou] = i;
            }
        }
    }

    private void DrawDeathsAndMigration(Random random)
    {
        // Death weights favour the old; migration weights favour inland provinces and working ages.
        var deathWeights = new double[People.Length];
        var migrationWeights = new double[People.Length];
        double deathTotal = 0, migrationTotal = 0;
        for (var i = 0; i < People.Length; i++)
        {
            var age = AgeOn(People[i].BirthDate, Reference);
            if (People[i].InRegister)
            {
                deathWeights[i] = age >= 70 ? 4 : age >= 50 ? 1.5 : 0.4;
                deathTotal += deathWeights[i];
            }

            var province = Divisions.Provinces[Divisions.ProvinceIndexOf(People[i].Hukou)];
            migrationWeights[i] = province.OutMigration * (age < 16 ? 0.5 : age <= 45 ? 1.5 : age <= 60 ? 0.8 : 0.3);
            migrationTotal += migrationWeights[i];
        }

        var deathScale = deathTotal > 0 ? Options.Deceased * People.Length / deathTotal : 0;
        var migrationScale = migrationTotal > 0 ? Options.Migrant * People.Length / migrationTotal : 0;
        for (var i = 0; i < People.Length; i++)
        {
            ref var person = ref People[i];
            if (random.NextDouble() < deathWeights[i] * deathScale)
            {
                // Recent deaths (last ten years), as adults when the person was old enough.
                var birth = person.BirthDate;
                var earliest = Max(birth.AddYears(AdultAge), Reference.AddYears(-10));
                if (earliest > Reference)
                {
                    earliest = birth.AddDays(1);
                }

                person.DeathDay = earliest.DayNumber + random.Next(Reference.DayNumber - earliest.DayNumber + 1);
            }

            person.Residence = person.Hukou;
            if (random.NextDouble() < migrationWeights[i] * migrationScale)
            {
                person.Flags |= PersonFlags.Migrant;
                person.Residence = DrawResidence(person.Hukou, random);
            }
        }
    }

    private static short DrawResidence(short hukou, Random random)
    {
        var home = Divisions.ProvinceIndexOf(hukou);
        if (random.NextDouble() >= InterProvinceShareOfMigrants)
        {
            // Within the province: to one of its cities, if there is one other than home.
            for (var attempt = 0; attempt < 10; attempt++)
            {
                var division = Divisions.UrbanIn[home].Pick(random);
                if (division != hukou)
                {
                    return division;
                }
            }
        }

        int destination;
        do
        {
            destination = Divisions.ProvinceByAttraction.Pick(random);
        }
        while (destination == home);

        return Divisions.UrbanIn[destination].Pick(random);
    }

    private void DrawCoverage(Random random)
    {
        // Gap weights: migrants and young workers are far likelier to be uncovered; the old a little less.
        var gapWeights = new double[People.Length];
        double gapTotal = 0;
        var eligible = 0;
        for (var i = 0; i < People.Length; i++)
        {
            if (IsEligible(People[i]))
            {
                var age = AgeOn(People[i].BirthDate, Reference);
                gapWeights[i] = (People[i].Migrant ? 3.0 : 1.0) * (age < 30 ? 2.0 : age >= 60 ? 0.7 : 1.0);
                gapTotal += gapWeights[i];
                eligible++;
            }
        }

        var gapScale = gapTotal > 0 ? Options.UncoveredEligible * eligible / gapTotal : 0;
        for (var i = 0; i < People.Length; i++)
        {
            ref var person = ref People[i];
            var age = AgeOn(person.BirthDate, Reference);
            DrawInsuredDivision(ref person, random);
            var employee = person.Has(EnrollmentPlan.EmployeeScheme);
            EnrollmentPlan plan;
            if (!person.InRegister)
            {
                plan = age < AdultAge
                    ? EnrollmentPlan.Medical
                    : (random.NextDouble() < 0.85 ? CoveredPlan(employee, random) : EnrollmentPlan.LapsedEndowment | EnrollmentPlan.Medical);
            }
            else if (!person.Alive)
            {
                plan = DeceasedPlan(person, random);
            }
            else if (age < AdultAge)
            {
                plan = random.NextDouble() < 0.6 ? EnrollmentPlan.Medical : EnrollmentPlan.None;
            }
            else if (random.NextDouble() < Math.Min(0.95, gapWeights[i] * gapScale))
            {
                plan = GapPlan(random);
            }
            else
            {
                plan = CoveredPlan(employee, random);
            }

            person.Plan = plan | (person.Plan & EnrollmentPlan.EmployeeScheme);
        }
    }

    private void DrawInsuredDivision(ref PersonState person, Random random)
    {
        bool employee;
        if (person.Migrant)
        {
            var atResidence = random.NextDouble() < MigrantInsuredAtResidence;
            person.Insured = atResidence ? person.Residence : person.Hukou;
            employee = random.NextDouble() < (atResidence ? EmployeeAtMigrantResidence : EmployeeAtMigrantHome);
        }
        else
        {
            person.Insured = person.Hukou;
            employee = random.NextDouble() < (person.BirthDate.Year < 1960 ? EmployeeLocalBefore1960 : EmployeeLocal);
        }

        person.SecondInsured = -1;
        person.Plan = employee ? EnrollmentPlan.EmployeeScheme : EnrollmentPlan.None;
    }

    private static EnrollmentPlan CoveredPlan(bool employee, Random random)
    {
        var plan = EnrollmentPlan.ActiveEndowment;
        if (random.NextDouble() < 0.85)
        {
            plan |= EnrollmentPlan.Medical;
        }

        if (random.NextDouble() < 0.25)
        {
            plan |= EnrollmentPlan.EarlierEndowment;
        }

        if (employee)
        {
            // Employers enrol their staff in the other social insurances too, though not always all of them.
            if (random.NextDouble() < 0.55)
            {
                plan |= EnrollmentPlan.Unemployment;
            }

            if (random.NextDouble() < 0.6)
            {
                plan |= EnrollmentPlan.WorkInjury;
            }

            if (random.NextDouble() < 0.45)
            {
                plan |= EnrollmentPlan.Maternity;
            }
        }

        return plan;
    }

    private static EnrollmentPlan GapPlan(Random random)
    {
        // Uncovered people often have a trace: a lapsed or suspended endowment, or medical insurance only.
        var draw = random.NextDouble();
        var plan = draw < 0.35 ? EnrollmentPlan.LapsedEndowment : draw < 0.55 ? EnrollmentPlan.SuspendedEndowment : EnrollmentPlan.None;
        if (random.NextDouble() < 0.3)
        {
            plan |= EnrollmentPlan.Medical;
        }

        return plan;
    }

    private EnrollmentPlan DeceasedPlan(in PersonState person, Random random)
    {
        var draw = random.NextDouble();
        if (AgeOn(person.BirthDate, person.DeathDate!.Value) < AdultAge)
        {
            return EnrollmentPlan.None;
        }

        if (draw < Options.DeceasedWithActiveEndowment)
        {
            return EnrollmentPlan.ActiveEndowment | (random.NextDouble() < 0.1 ? EnrollmentPlan.EarlierEndowment : 0);
        }

        // Most of the others had their endowment terminated at death; a few were never insured.
        return random.NextDouble() < 0.7 ? EnrollmentPlan.EndedAtDeath : EnrollmentPlan.None;
    }

    private void DrawMultiRegion(Random random)
    {
        // Candidates: living covered people. Migrants insured both at work and at home weigh four times a local.
        var weights = new double[People.Length];
        double total = 0;
        for (var i = 0; i < People.Length; i++)
        {
            var person = People[i];
            if (person.Alive && person.Has(EnrollmentPlan.ActiveEndowment))
            {
                weights[i] = CrossesProvinces(person) ? 4 : 1;
                total += weights[i];
            }
        }

        var scale = total > 0 ? Options.MultiRegion * People.Length / total : 0;
        for (var i = 0; i < People.Length; i++)
        {
            if (weights[i] > 0 && random.NextDouble() < weights[i] * scale)
            {
                ref var person = ref People[i];
                person.Plan |= EnrollmentPlan.SecondRegionEndowment;
                person.SecondInsured = CrossesProvinces(person)
                    ? (person.Insured == person.Residence ? person.Hukou : person.Residence)
                    : OtherProvinceDivision(Divisions.ProvinceIndexOf(person.Insured), random);
            }
        }
    }

    private static bool CrossesProvinces(in PersonState person) =>
        Divisions.ProvinceIndexOf(person.Hukou) != Divisions.ProvinceIndexOf(person.Residence);

    private static short OtherProvinceDivision(int province, Random random)
    {
        short division;
        do
        {
            division = (short)random.Next(Divisions.All.Length);
        }
        while (Divisions.ProvinceIndexOf(division) == province);

        return division;
    }

    private void ComputeMissingIdRates()
    {
        // Solve rate * all = factor * p * migrantRecords + p * localRecords for p, so the overall share holds.
        long migrantRecords = 0, localRecords = 0;
        foreach (var person in People)
        {
            if (person.Migrant)
            {
                migrantRecords += person.RecordCount;
            }
            else
            {
                localRecords += person.RecordCount;
            }
        }

        var wanted = Options.MissingId * (migrantRecords + localRecords);
        var factor = Options.MissingIdMigrantFactor;
        var denominator = factor * migrantRecords + localRecords;
        var local = denominator > 0 ? wanted / denominator : 0;
        var migrant = Math.Min(0.9, local * factor);
        if (migrant < local * factor && localRecords > 0)
        {
            local = Math.Min(1, (wanted - migrant * migrantRecords) / localRecords);
        }

        MissingIdMigrant = migrant;
        MissingIdLocal = local;
    }

    private void DrawOrders(Random random)
    {
        RegisterOrder = [.. Enumerable.Range(0, People.Length).Where(i => People[i].InRegister)];
        random.Shuffle(RegisterOrder);
        EnrollmentOrder = [.. Enumerable.Range(0, People.Length).Where(i => People[i].RecordCount > 0)];
        random.Shuffle(EnrollmentOrder);
    }

    public bool IsEligible(in PersonState person) =>
        person.InRegister && person.Alive && AgeOn(person.BirthDate, Reference) >= AdultAge;

    // A rough Chinese age pyramid: the 1962–1976 and 1985–1991 booms, smaller war-time and recent cohorts.
    private static double BirthYearWeight(int year) => year switch
    {
        < 1950 => 0.6,
        < 1962 => 0.9,
        < 1977 => 1.4,
        < 1985 => 1.0,
        < 1992 => 1.3,
        _ => 0.9,
    };

    private static DateOnly Max(DateOnly a, DateOnly b) => a > b ? a : b;
}
