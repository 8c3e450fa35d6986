namespace Exchange.Synthetic;

/// <summary>Entry point: a seeded synthetic PS register and HR enrollment files with the truth behind them.</summary>
public static class RegistryGenerator
{
    /// <summary>Draws the population (compact, ~40 bytes a person); its rows are streamed on demand.</summary>
    public static SyntheticRegistry Generate(GeneratorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return new SyntheticRegistry(Population.Build(options));
    }

    /// <summary>
    /// Writes register.csv, enrollment.csv, truth-records.csv, truth-persons.csv and truth-faults.csv into
    /// <paramref name="outputDirectory"/> and returns the counts. Prints nothing.
    /// </summary>
    public static GenerationSummary WriteFiles(GeneratorOptions options, string outputDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputDirectory);
        return Generate(options).WriteFiles(outputDirectory);
    }
}
