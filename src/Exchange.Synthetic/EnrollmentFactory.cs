namespace Exchange.Synthetic;

/// <summary>
/// An enrollment record before it gets its record id (a struct, so a shuffled block costs no extra objects);
/// <see cref="EarlierStatus"/> set = also written as version 1.
/// </summary>
internal readonly record struct PendingEnrollment(
    int Person,
    string NationalId,
    string Name,
    DateOnly BirthDate,
    short Division,
    Scheme Scheme,
    EnrollmentState Status,
    DateOnly StartDate,
    DateOnly? EndDate,
    RecordFaults Faults,
    EnrollmentState? EarlierStatus);

/// <summary>
/// Turns a person's <see cref="EnrollmentPlan"/> into records with plausible dates, then injects faults. Record order,
/// schemes and statuses follow the plan exactly, so the truth derived from the plan matches the files.
/// </summary>
internal sealed class EnrollmentFactory(Population population, Random random)
{
    // Nationwide scheme start dates: employee endowment (1995–97 reform), employee medical (1998), unemployment (1999),
    // work injury (2004), resident medical (2007 pilots) and resident endowment (2009 pilots).
    private static readonly DateOnly EmployeeSchemesFrom = new(1995, 1, 1);
    private static readonly DateOnly EmployeeMedicalFrom = new(1999, 1, 1);
    private static readonly DateOnly UnemploymentFrom = new(1999, 1, 22);
    private static readonly DateOnly WorkInjuryFrom = new(2004, 1, 1);
    private static readonly DateOnly ResidentMedicalFrom = new(2007, 7, 1);
    private static readonly DateOnly ResidentEndowmentFrom = new(2009, 10, 1);

    private readonly GeneratorOptions _options = population.Options;

    // A name fault drawn for a name it cannot change (no homophone, no traditional form) is owed to a later record.
    private int _homophonesOwed;
    private int _traditionalOwed;

    private DateOnly Reference => _options.ReferenceDate;

    public void AddRecords(int index, List<PendingEnrollment> output)
    {
        var person = population.People[index];
        var trueId = Faults.FormatId(person.IdDigits);
        var trueName = Names.FullName(person.Surname, person.Given1, person.Given2);
        var birth = person.BirthDate;
        var adult = birth.AddYears(Population.AdultAge);
        var until = person.DeathDate ?? Reference;
        var employee = person.Has(EnrollmentPlan.EmployeeScheme);
        var endowment = employee ? Scheme.EmployeeEndowment : Scheme.ResidentEndowment;
        var endowmentFrom = Max(adult, Clamp(employee ? EmployeeSchemesFrom : ResidentEndowmentFrom));
        var personFaults = person.InRegister ? RecordFaults.None : RecordFaults.NotInRegister;
        var insured = person.Insured;

        if (person.Has(EnrollmentPlan.ActiveEndowment))
        {
            var history = person.Has(EnrollmentPlan.EarlierEndowment);

            // With an earlier job the active enrollment starts later, leaving room for the terminated one.
            var activeStart = history ? Late(endowmentFrom, until) : Early(endowmentFrom, until);
            if (history)
            {
                var earlierFrom = Max(adult, Clamp(EmployeeSchemesFrom));
                var earlierStart = Early(earlierFrom, activeStart);
                var earlierEnd = Between(earlierStart, Max(earlierStart, activeStart.AddDays(-1)));
                var earlierDivision = person.Migrant && random.NextDouble() < 0.5 ? person.Hukou : insured;
                Add(output, index, trueId, trueName, earlierDivision, Scheme.EmployeeEndowment, EnrollmentState.Terminated,
                    earlierStart, earlierEnd, personFaults);
            }

            var afterDeath = person.Alive ? RecordFaults.None : RecordFaults.ActiveAfterDeath;
            Add(output, index, trueId, trueName, insured, endowment, EnrollmentState.Active, activeStart, null, personFaults | afterDeath);
        }

        if (person.Has(EnrollmentPlan.SecondRegionEndowment))
        {
            // The other scheme in the other province: typically employee at work and resident at home.
            var secondScheme = employee ? Scheme.ResidentEndowment : Scheme.EmployeeEndowment;
            var secondFrom = Max(adult, Clamp(employee ? ResidentEndowmentFrom : EmployeeSchemesFrom));
            Add(output, index, trueId, trueName, person.SecondInsured, secondScheme, EnrollmentState.Active, Between(secondFrom, until), null,
                personFaults | RecordFaults.SecondRegion);
        }

        if (person.Has(EnrollmentPlan.LapsedEndowment))
        {
            var start = Early(endowmentFrom, until);
            Add(output, index, trueId, trueName, insured, endowment, EnrollmentState.Terminated, start, Between(start, until), personFaults);
        }

        if (person.Has(EnrollmentPlan.SuspendedEndowment))
        {
            Add(output, index, trueId, trueName, insured, endowment, EnrollmentState.Suspended, Early(endowmentFrom, until), null, personFaults);
        }

        if (person.Has(EnrollmentPlan.EndedAtDeath))
        {
            // Terminated when the bureau learned of the death: that day or up to three months later.
            var start = Early(endowmentFrom, until);
            var end = Max(start, Min(until.AddDays(random.Next(91)), Reference));
            Add(output, index, trueId, trueName, insured, endowment, EnrollmentState.Terminated, start, end, personFaults);
        }

        if (person.Has(EnrollmentPlan.Medical))
        {
            var employeeMedical = employee && person.Has(EnrollmentPlan.ActiveEndowment);
            var from = employeeMedical
                ? Max(adult, Clamp(EmployeeMedicalFrom))
                : Max(birth, Clamp(ResidentMedicalFrom));
            Add(output, index, trueId, trueName, insured, employeeMedical ? Scheme.EmployeeMedical : Scheme.ResidentMedical, EnrollmentState.Active,
                Early(from, until), null, personFaults);
        }

        AddIf(EnrollmentPlan.Unemployment, Scheme.Unemployment, UnemploymentFrom);
        AddIf(EnrollmentPlan.WorkInjury, Scheme.WorkInjury, WorkInjuryFrom);
        AddIf(EnrollmentPlan.Maternity, Scheme.Maternity, EmployeeSchemesFrom);

        void AddIf(EnrollmentPlan flag, Scheme scheme, DateOnly schemeFrom)
        {
            if (person.Has(flag))
            {
                var start = Early(Max(adult, Clamp(schemeFrom)), until);
                Add(output, index, trueId, trueName, insured, scheme, EnrollmentState.Active, start, null, personFaults);
            }
        }
    }

    private void Add(
        List<PendingEnrollment> output, int index, string trueId, string trueName, short division, Scheme scheme,
        EnrollmentState status, DateOnly start, DateOnly? end, RecordFaults faults)
    {
        var person = population.People[index];
        var id = DrawId(person, trueId, ref faults);
        var name = DrawName(trueName, ref faults);

        // The birth date field may not pass the reference date or the record's own start.
        var birth = person.BirthDate;
        if (random.NextDouble() < _options.BirthDateOneComponentOff)
        {
            birth = Faults.ShiftOneComponent(birth, Min(start, Reference), random);
            faults |= birth != person.BirthDate ? RecordFaults.BirthOff : 0;
        }

        EnrollmentState? earlierStatus = null;
        if (random.NextDouble() < _options.UpdatedEnrollment)
        {
            // Version 1 was active (since suspended or terminated), or suspended for arrears and since resumed.
            earlierStatus = status == EnrollmentState.Active ? EnrollmentState.Suspended : EnrollmentState.Active;
        }

        output.Add(new PendingEnrollment(index, id, name, birth, division, scheme, status, start, end, faults, earlierStatus));
    }

    // One draw decides the (mutually exclusive) ID fault; a migrant's record is likelier to have no ID at all.
    private string DrawId(in PersonState person, string trueId, ref RecordFaults faults)
    {
        var draw = random.NextDouble();
        var threshold = person.Migrant ? population.MissingIdMigrant : population.MissingIdLocal;
        if (draw < threshold)
        {
            faults |= RecordFaults.MissingId;
            return string.Empty;
        }

        if (draw < (threshold += _options.SomeoneElsesId))
        {
            if (person.Relative >= 0)
            {
                faults |= RecordFaults.SomeoneElsesId;
                return Faults.FormatId(population.People[person.Relative].IdDigits);
            }

            return trueId;
        }

        if (draw < (threshold += _options.IdDigitTypo))
        {
            var typo = Faults.WithTypo(trueId, random, Reference);
            faults |= typo is null ? 0 : RecordFaults.IdTypo;
            return typo ?? trueId;
        }

        if (draw < (threshold += _options.IdTransposition))
        {
            var swapped = Faults.WithTransposition(trueId, random, Reference);
            faults |= swapped is null ? 0 : RecordFaults.IdTransposition;
            return swapped ?? trueId;
        }

        if (person.BirthDate.Year < 2000 && draw < threshold + _options.Legacy15Digit)
        {
            faults |= RecordFaults.Legacy15;
            return Faults.ToLegacy15(trueId);
        }

        return trueId;
    }

    private string DrawName(string name, ref RecordFaults faults)
    {
        var draw = random.NextDouble();
        if (draw < _options.HomophoneName)
        {
            return Homophone(name, ref faults) ?? Owe(ref _homophonesOwed, name);
        }

        if (draw < _options.HomophoneName + _options.TraditionalName)
        {
            return Traditional(name, ref faults) ?? Owe(ref _traditionalOwed, name);
        }

        if (_homophonesOwed > 0 && Homophone(name, ref faults) is { } homophone)
        {
            _homophonesOwed--;
            return homophone;
        }

        if (_traditionalOwed > 0 && Traditional(name, ref faults) is { } traditional)
        {
            _traditionalOwed--;
            return traditional;
        }

        return name;
    }

    private string? Homophone(string name, ref RecordFaults faults)
    {
        var changed = Names.WithHomophone(name, random);
        faults |= changed is null ? 0 : RecordFaults.Homophone;
        return changed;
    }

    private static string? Traditional(string name, ref RecordFaults faults)
    {
        var changed = Names.InTraditional(name);
        faults |= changed is null ? 0 : RecordFaults.Traditional;
        return changed;
    }

    private static string Owe(ref int owed, string name)
    {
        owed++;
        return name;
    }

    // Dates: early-biased (most people enrol soon after they can), late-biased, or uniform, within [from, to].
    // When from is after to (a short life, a late reference date) the record simply starts at to.
    private DateOnly Early(DateOnly from, DateOnly to) => Within(from, to, Math.Pow(random.NextDouble(), 2));

    private DateOnly Late(DateOnly from, DateOnly to) => Within(from, to, Math.Sqrt(random.NextDouble()));

    private DateOnly Between(DateOnly from, DateOnly to) => Within(from, to, random.NextDouble());

    private static DateOnly Within(DateOnly from, DateOnly to, double fraction) =>
        from >= to ? to : DateOnly.FromDayNumber(from.DayNumber + (int)((to.DayNumber - from.DayNumber) * fraction));

    private DateOnly Clamp(DateOnly schemeFrom) => Min(schemeFrom, Reference);

    private static DateOnly Max(DateOnly a, DateOnly b) => a > b ? a : b;

    private static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;
}
