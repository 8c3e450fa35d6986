using Exchange.Client;
using Exchange.Validation;

namespace Exchange.Synthetic.Tests;

public sealed class ReferenceDateTests
{
    // Early dates squeeze births, deaths and scheme start dates together; every record must still be valid.
    [Theory]
    [InlineData(2003, 2, 28)]
    [InlineData(2012, 2, 29)]
    [InlineData(2040, 6, 30)]
    public async Task RecordsAreValidForAnyReferenceDate(int year, int month, int day)
    {
        var reference = new DateOnly(year, month, day);
        var directory = Path.Combine(Path.GetTempPath(), "exchange-synthetic-" + Guid.NewGuid().ToString("N"));
        try
        {
            var summary = RegistryGenerator.WriteFiles(new GeneratorOptions { People = 2_000, Seed = year, ReferenceDate = reference }, directory);
            Assert.True(summary.EnrollmentRecords > 0);
            Assert.All(RegistryGenerator.Generate(new GeneratorOptions { People = 2_000, Seed = year, ReferenceDate = reference }).Persons(),
                person => Assert.True(person.BirthDate < reference && (person.DeathDate is null || person.DeathDate <= reference)));

            var validator = new RecordValidator(new FixedClock(reference));
            foreach (var file in new[] { "register.csv", "enrollment.csv" })
            {
                using var reader = new StreamReader(Path.Combine(directory, file));
                await foreach (var envelope in RecordCsv.ReadAsync(reader, error => Assert.Fail(error.Description)))
                {
                    var result = validator.Validate(envelope);
                    Assert.True(result.IsValid, $"{envelope.RecordId}: {string.Join("; ", result.Errors.Select(e => $"{e.Field} {e.Code}"))}");
                }
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
