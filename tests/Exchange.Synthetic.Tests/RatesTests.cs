namespace Exchange.Synthetic.Tests;

/// <summary>At 20,000 people every rate lands within a few standard errors of its option.</summary>
[Collection(GeneratedFilesCollection.Name)]
public sealed class RatesTests(GeneratedFiles files)
{
    private readonly GeneratorOptions _options = GeneratedFiles.Options;

    private int CountPeople(Func<string[], bool> predicate) => files.TruthPersons.Rows.Count(predicate);

    private bool Flag(string[] person, string column) => files.TruthPersons.Flag(person, column);

    [Fact]
    public void GapIsAboutTenPercentOfEligibleAndConcentratedAmongMigrantsAndTheYoung()
    {
        var eligible = files.TruthPersons.Rows.Where(p => Flag(p, "eligible")).ToList();
        var gap = eligible.Count(p => Flag(p, "gap"));
        Assert.InRange(gap / (double)eligible.Count, 0.08, 0.12);

        double GapRate(Func<string[], bool> group) =>
            eligible.Where(group).Count(p => Flag(p, "gap")) / (double)eligible.Count(group);

        Assert.True(GapRate(p => Flag(p, "migrant")) > 2 * GapRate(p => !Flag(p, "migrant")), "Migrants should be the least covered.");
        var young = GapRate(p => int.Parse(files.TruthPersons.Get(p, "age")) < 30);
        var middle = GapRate(p => int.Parse(files.TruthPersons.Get(p, "age")) is >= 30 and < 60);
        Assert.True(young > 1.5 * middle, $"Young workers ({young:P1}) should be less covered than the middle-aged ({middle:P1}).");
    }

    [Fact]
    public void PopulationSharesMatchTheOptions()
    {
        var people = (double)files.TruthPersons.Rows.Count;
        Assert.Equal(_options.People, files.TruthPersons.Rows.Count);
        Assert.InRange(CountPeople(p => !Flag(p, "in_register")) / people, 0.015, 0.025);
        Assert.InRange(CountPeople(p => Flag(p, "migrant")) / people, 0.22, 0.28);
        Assert.InRange(CountPeople(p => Flag(p, "multi_region")) / people, 0.006, 0.014);

        var deceased = CountPeople(p => !Flag(p, "alive"));
        Assert.InRange(deceased / people, 0.024, 0.036);
        Assert.InRange(CountPeople(p => Flag(p, "deceased_with_active_endowment")) / (double)deceased, 0.13, 0.27);

        var registered = CountPeople(p => Flag(p, "in_register"));
        Assert.Equal(registered, files.Summary.RegisterRecords);
    }

    [Fact]
    public void MigrantsLiveOutsideTheirHukouDivisionAndLocalsDoNot()
    {
        foreach (var person in files.TruthPersons.Rows)
        {
            var moved = files.TruthPersons.Get(person, "hukou_division") != files.TruthPersons.Get(person, "residence_division");
            Assert.Equal(Flag(person, "migrant"), moved);
        }

        // Most inter-province migrants head for the coast.
        string[] coast = ["44", "33", "32", "31", "11"];
        var interProvince = files.TruthPersons.Rows
            .Where(p => files.TruthPersons.Get(p, "hukou_division")[..2] != files.TruthPersons.Get(p, "residence_division")[..2])
            .ToList();
        Assert.True(interProvince.Count(p => coast.Contains(files.TruthPersons.Get(p, "residence_division")[..2])) > 0.8 * interProvince.Count);
    }

    [Fact]
    public void EnrollmentFaultRatesMatchTheOptions()
    {
        var records = (double)files.Summary.EnrollmentRecords;
        double Share(string fault) =>
            files.Enrollment.CurrentVersions().Count(r => files.HasFault(files.Enrollment.Get(r, "record_id"), fault)) / records;

        Assert.InRange(Share("id_typo"), 0.015, 0.025);
        Assert.InRange(Share("id_transposition"), 0.007, 0.013);
        Assert.InRange(Share("missing_id"), 0.065, 0.095);
        Assert.InRange(Share("homophone"), 0.024, 0.036);
        Assert.InRange(Share("traditional"), 0.024, 0.036);
        Assert.InRange(Share("birth_off"), 0.007, 0.013);
        Assert.InRange(Share("someone_elses_id"), 0.003, 0.007);
    }

    [Fact]
    public void MissingIdsAreMostlyMigrants()
    {
        var missing = files.Enrollment.CurrentVersions()
            .Where(r => files.HasFault(files.Enrollment.Get(r, "record_id"), "missing_id"))
            .ToList();
        Assert.All(missing, r => Assert.Equal(string.Empty, files.Enrollment.Get(r, "national_id")));
        var migrants = missing.Count(r => Flag(files.PersonRows[files.PersonOfRecord[files.Enrollment.Get(r, "record_id")]], "migrant"));
        Assert.True(migrants > 0.5 * missing.Count, $"{migrants} of {missing.Count} ID-less records are migrants'.");
    }

    [Fact]
    public void Legacy15IsAboutThreePercentOfRecordsOfPeopleBornBefore2000()
    {
        foreach (var table in new[] { files.Register, files.Enrollment })
        {
            var older = table.CurrentVersions().Where(r => string.CompareOrdinal(table.Get(r, "birth_date"), "2000") < 0).ToList();
            var legacy = older.Count(r => files.HasFault(table.Get(r, "record_id"), "legacy_15"));
            Assert.InRange(legacy / (double)older.Count, 0.022, 0.038);
        }

        // birth_off can move a date across 2000, so check the true birth year.
        foreach (var (recordId, faults) in files.FaultsOfRecord.Where(f => f.Value.Contains("legacy_15")))
        {
            Assert.StartsWith("19", files.TruthPersons.Get(files.PersonRows[files.PersonOfRecord[recordId]], "birth_date"), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void SomeRecordsArriveInTwoVersions()
    {
        Assert.True(files.Summary.EnrollmentRows > files.Summary.EnrollmentRecords);
        Assert.True(files.Summary.RegisterRows > files.Summary.RegisterRecords);
        Assert.All(files.Enrollment.Rows, r => Assert.Contains(files.Enrollment.Get(r, "version"), new[] { "1", "2" }));
    }

    [Fact]
    public void FrequentNamesRepeatAsInReality()
    {
        var names = files.TruthPersons.Rows.GroupBy(p => files.TruthPersons.Get(p, "name")).ToDictionary(g => g.Key, g => g.Count());
        var top = names.OrderByDescending(n => n.Value).Take(30).Select(n => n.Key).ToList();
        Assert.Contains(top, name => name is "张伟" or "王伟" or "李伟" or "王芳" or "李娜" or "张敏" or "王敏");
        Assert.True(names["张伟"] >= 5, "张伟 should recur.");

        var surnames = files.TruthPersons.Rows.Select(p => files.TruthPersons.Get(p, "name")).ToList();
        var wang = surnames.Count(n => n.StartsWith('王'));
        Assert.InRange(wang / (double)surnames.Count, 0.05, 0.10);
        Assert.Contains(surnames, n => n.StartsWith("欧阳", StringComparison.Ordinal));
    }
}
