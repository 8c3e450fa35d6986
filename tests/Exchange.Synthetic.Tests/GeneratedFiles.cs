namespace Exchange.Synthetic.Tests;

/// <summary>The test classes that share one <see cref="GeneratedFiles"/>.</summary>
[CollectionDefinition(Name)]
public sealed class GeneratedFilesCollection : ICollectionFixture<GeneratedFiles>
{
    public const string Name = "20,000 people";
}

/// <summary>One 20,000-person registry written once for all tests that use it, and deleted afterwards.</summary>
public sealed class GeneratedFiles : IDisposable
{
    public GeneratedFiles()
    {
        Directory = Path.Combine(Path.GetTempPath(), "exchange-synthetic-" + Guid.NewGuid().ToString("N"));
        Summary = RegistryGenerator.WriteFiles(Options, Directory);
        Register = CsvTable.Read(PathOf("register.csv"));
        Enrollment = CsvTable.Read(PathOf("enrollment.csv"));
        TruthRecords = CsvTable.Read(PathOf("truth-records.csv"));
        TruthPersons = CsvTable.Read(PathOf("truth-persons.csv"));
        TruthFaults = CsvTable.Read(PathOf("truth-faults.csv"));

        PersonOfRecord = TruthRecords.Rows.ToDictionary(r => TruthRecords.Get(r, "record_id"), r => TruthRecords.Get(r, "person_id"));
        FaultsOfRecord = TruthFaults.Rows
            .GroupBy(r => TruthFaults.Get(r, "record_id"))
            .ToDictionary(g => g.Key, g => g.Select(r => TruthFaults.Get(r, "fault")).ToHashSet());
        PersonRows = TruthPersons.Rows.ToDictionary(r => TruthPersons.Get(r, "person_id"));
    }

    public static GeneratorOptions Options { get; } = new() { People = 20_000, Seed = 20_250_601 };

    public string Directory { get; }

    public GenerationSummary Summary { get; }

    public CsvTable Register { get; }

    public CsvTable Enrollment { get; }

    public CsvTable TruthRecords { get; }

    public CsvTable TruthPersons { get; }

    public CsvTable TruthFaults { get; }

    public Dictionary<string, string> PersonOfRecord { get; }

    public Dictionary<string, HashSet<string>> FaultsOfRecord { get; }

    public Dictionary<string, string[]> PersonRows { get; }

    public string PathOf(string file) => Path.Combine(Directory, file);

    public bool HasFault(string recordId, string fault) => FaultsOfRecord.TryGetValue(recordId, out var faults) && faults.Contains(fault);

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}

/// <summary>A clock that reads the generator's reference date, so the validator's "today" matches the data.</summary>
public sealed class FixedClock(DateOnly today) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => new(today.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero);
}
