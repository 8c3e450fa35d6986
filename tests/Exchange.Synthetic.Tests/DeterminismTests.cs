namespace Exchange.Synthetic.Tests;

public sealed class DeterminismTests : IDisposable
{
    private static readonly string[] Files = ["register.csv", "enrollment.csv", "truth-records.csv", "truth-persons.csv", "truth-faults.csv"];
    private readonly string _root = Path.Combine(Path.GetTempPath(), "exchange-synthetic-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public void SameSeedAndOptionsGiveByteIdenticalFiles()
    {
        var options = new GeneratorOptions { People = 3_000, Seed = 7 };
        var first = RegistryGenerator.WriteFiles(options, Path.Combine(_root, "a"));
        var second = RegistryGenerator.WriteFiles(options, Path.Combine(_root, "b"));

        foreach (var file in Files)
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(_root, "a", file)), File.ReadAllBytes(Path.Combine(_root, "b", file)));
        }

        Assert.Equal(first.EnrollmentRows, second.EnrollmentRows);
        Assert.Equal(first.Faults, second.Faults);
    }

    [Fact]
    public void DifferentSeedsGiveDifferentFiles()
    {
        RegistryGenerator.WriteFiles(new GeneratorOptions { People = 3_000, Seed = 7 }, Path.Combine(_root, "a"));
        RegistryGenerator.WriteFiles(new GeneratorOptions { People = 3_000, Seed = 8 }, Path.Combine(_root, "b"));

        foreach (var file in Files)
        {
            Assert.NotEqual(File.ReadAllBytes(Path.Combine(_root, "a", file)), File.ReadAllBytes(Path.Combine(_root, "b", file)));
        }
    }

    [Fact]
    public void StreamsGiveTheSameRowsOnEveryEnumerationAndMatchTheFiles()
    {
        var registry = RegistryGenerator.Generate(new GeneratorOptions { People = 2_000, Seed = 11 });

        // Enumerate out of order on purpose: each stream has its own seeded Random.
        var enrollments = registry.EnrollmentRows().ToList();
        var register = registry.RegisterRows().ToList();
        Assert.Equal(enrollments, registry.EnrollmentRows().ToList());
        Assert.Equal(register, registry.RegisterRows().ToList());
        Assert.Equal(registry.Persons().ToList(), registry.Persons().ToList());

        var summary = registry.WriteFiles(_root);
        Assert.Equal(summary, registry.Summarize() with { Faults = summary.Faults });
        Assert.Equal(summary.Faults, registry.Summarize().Faults);
        Assert.Equal(enrollments.Count, File.ReadLines(Path.Combine(_root, "enrollment.csv")).Count() - 1);
        Assert.Equal(register.Count, File.ReadLines(Path.Combine(_root, "register.csv")).Count() - 1);
    }

    [Fact]
    public void FilesAreUtf8WithoutBomWithLineFeeds()
    {
        RegistryGenerator.WriteFiles(new GeneratorOptions { People = 500, Seed = 3 }, _root);
        foreach (var file in Files)
        {
            var bytes = File.ReadAllBytes(Path.Combine(_root, file));
            Assert.False(bytes is [0xEF, 0xBB, 0xBF, ..], $"{file} starts with a BOM.");
            Assert.DoesNotContain((byte)'\r', bytes);
            Assert.Equal((byte)'\n', bytes[^1]);
        }
    }

    [Fact]
    public void OutOfRangeOptionsAreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RegistryGenerator.Generate(new GeneratorOptions { IdDigitTypo = 1.5 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => RegistryGenerator.Generate(new GeneratorOptions { People = -1 }));
        Assert.Throws<ArgumentException>(() => RegistryGenerator.Generate(new GeneratorOptions { MissingId = 0.6, Legacy15Digit = 0.5 }));
    }

    [Fact]
    public void ZeroFaultRatesGiveCleanRecords()
    {
        var options = new GeneratorOptions
        {
            People = 2_000,
            IdDigitTypo = 0, IdTransposition = 0, Legacy15Digit = 0, MissingId = 0, HomophoneName = 0, TraditionalName = 0,
            BirthDateOneComponentOff = 0, SomeoneElsesId = 0,
        };
        var summary = RegistryGenerator.Generate(options).Summarize();

        string[] injected = ["id_typo", "id_transposition", "legacy_15", "missing_id", "homophone", "traditional", "birth_off", "someone_elses_id"];
        Assert.All(injected, fault => Assert.Equal(0, summary.Faults[fault]));
    }
}
