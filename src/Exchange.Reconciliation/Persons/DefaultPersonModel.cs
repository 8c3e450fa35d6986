using System.Reflection;

namespace Exchange.Reconciliation.Persons;

/// <summary>
/// The model used before the store has been re-linked once: trained by EM on the synthetic registry
/// (tests/Exchange.Reconciliation.Tests regenerates it), shipped as an embedded resource.
/// </summary>
public static class DefaultPersonModel
{
    public const string ResourceName = "Exchange.Reconciliation.default-person-model.json";

    public static FellegiSunterModel Load()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Embedded resource {ResourceName} is missing.");
        using var reader = new StreamReader(stream);
        return ModelSerializer.FromJson(reader.ReadToEnd());
    }
}
