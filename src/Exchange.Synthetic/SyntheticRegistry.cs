namespace Exchange.Synthetic;

/// <summary>
/// A generated population. The row streams are re-derived on every enumeration from the compact per-person state and
/// their own seeded <see cref="Random"/>, so enumerating twice (or in any order) gives the same rows.
/// </summary>
public sealed class SyntheticRegistry
{
    // Enrollment records are shuffled within blocks of this many people, so one person's records are not adjacent.
    private const int ShuffleBlockPeople = 4096;

    // Half of the deceased arrive as version 1 (alive) then version 2 (deceased); a fifth of migrants' records were
    // first written with residence = hukou and updated when the move was registered.
    private const double DeathRecordedAsUpdate = 0.5;
    private const double MoveRecordedAsUpdate = 0.2;

    private readonly Population _population;

    internal SyntheticRegistry(Population population) => _population = population;

    public GeneratorOptions Options => _population.Options;

    public int People => _population.People.Length;

    public static string PersonId(int index) => "P-" + (index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Rows of register.csv. A record written in two versions yields two consecutive rows with one record id.</summary>
    public IEnumerable<RegisterRow> RegisterRows()
    {
        var random = new Random(StreamSeed(1));
        var number = 0;
        foreach (var index in _population.RegisterOrder)
        {
            var person = _population.People[index];
            var recordId = "PS-" + (++number).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var id = Faults.FormatId(person.IdDigits);
            var faults = RecordFaults.None;
            if (person.BirthDate.Year < 2000 && random.NextDouble() < Options.Legacy15Digit)
            {
                id = Faults.ToLegacy15(id);
                faults |= RecordFaults.Legacy15;
            }

            var name = Names.FullName(person.Surname, person.Given1, person.Given2);
            var hukou = Divisions.All[person.Hukou].Code;
            var residence = Divisions.All[person.Residence].Code;
            var current = new RegisterRow(recordId, 1, id, name, person.Male ? Sex.Male : Sex.Female, person.BirthDate,
                hukou, residence, person.DeathDate, PersonId(index), faults);
            var deathUpdate = !person.Alive && random.NextDouble() < DeathRecordedAsUpdate;
            var moveUpdate = person.Migrant && random.NextDouble() < MoveRecordedAsUpdate;
            if (deathUpdate || moveUpdate)
            {
                yield return current with { DeathDate = null, ResidenceDivision = hukou };
                current = current with { Version = 2 };
            }

            yield return current;
        }
    }

    /// <summary>
    /// Rows of enrollment.csv. A record written in two versions yields two consecutive rows with one record id; the
    /// later version is the current state.
    /// </summary>
    public IEnumerable<EnrollmentRow> EnrollmentRows()
    {
        var random = new Random(StreamSeed(2));
        var factory = new EnrollmentFactory(_population, random);
        var block = new List<PendingEnrollment>();
        var number = 0;
        var order = _population.EnrollmentOrder;
        for (var start = 0; start < order.Length; start += ShuffleBlockPeople)
        {
            block.Clear();
            for (var i = start; i < Math.Min(order.Length, start + ShuffleBlockPeople); i++)
            {
                factory.AddRecords(order[i], block);
            }

            var shuffled = block.ToArray();
            random.Shuffle(shuffled);
            foreach (var pending in shuffled)
            {
                var recordId = "HR-" + (++number).ToString(System.Globalization.CultureInfo.InvariantCulture);
                var male = _population.People[pending.Person].Male;
                var row = new EnrollmentRow(recordId, 1, pending.NationalId, pending.Name, male ? Sex.Male : Sex.Female,
                    pending.BirthDate, Divisions.All[pending.Division].Code, pending.Scheme, pending.Status, pending.StartDate,
                    pending.EndDate, PersonId(pending.Person), pending.Faults);
                if (pending.EarlierStatus is { } earlierStatus)
                {
                    yield return row with { Status = earlierStatus, EndDate = null };
                    row = row with { Version = 2 };
                }

                yield return row;
            }
        }
    }

    /// <summary>The truth about every person, in person order.</summary>
    public IEnumerable<PersonTruth> Persons()
    {
        var reference = Options.ReferenceDate;
        for (var index = 0; index < _population.People.Length; index++)
        {
            var person = _population.People[index];
            var age = Population.AgeOn(person.BirthDate, person.DeathDate ?? reference);
            var eligible = _population.IsEligible(person);

            // The plan is exactly what EnrollmentRows writes: one ACTIVE endowment per flag below.
            var covered = person.Has(EnrollmentPlan.ActiveEndowment);
            yield return new PersonTruth(
                PersonId(index),
                person.InRegister,
                person.Alive,
                person.DeathDate,
                age,
                eligible,
                covered,
                eligible && !covered,
                person.Migrant,
                person.Has(EnrollmentPlan.SecondRegionEndowment),
                !person.Alive && covered,
                Divisions.All[person.Hukou].Code,
                Divisions.All[person.Residence].Code,
                person.Male ? Sex.Male : Sex.Female,
                Faults.FormatId(person.IdDigits),
                Names.FullName(person.Surname, person.Given1, person.Given2),
                person.BirthDate);
        }
    }

    /// <summary>Counts without writing files (enumerates every stream once).</summary>
    public GenerationSummary Summarize()
    {
        var summary = new SummaryBuilder(People);
        string? previous = null;
        foreach (var row in RegisterRows())
        {
            summary.AddRegister(row, isNewRecord: row.RecordId != previous);
            previous = row.RecordId;
        }

        previous = null;
        foreach (var row in EnrollmentRows())
        {
            summary.AddEnrollment(row, isNewRecord: row.RecordId != previous);
            previous = row.RecordId;
        }

        foreach (var person in Persons())
        {
            summary.AddPerson(person);
        }

        return summary.Build();
    }

    /// <summary>Writes the five files into <paramref name="outputDirectory"/> (created if missing) and returns the counts.</summary>
    public GenerationSummary WriteFiles(string outputDirectory) => CsvOutput.Write(this, outputDirectory);

    private int StreamSeed(int stream) => unchecked((Options.Seed * 1_000_003) + stream);
}
