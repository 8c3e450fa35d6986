using System.Text.Json;

namespace Exchange.Reconciliation;

/// <summary>Stores a trained model as JSON (in the database, or as the shipped default).</summary>
public static class ModelSerializer
{
    private sealed record Dto(string[] Comparisons, double[][] M, double[][] U, double Lambda);

    public static string ToJson(FellegiSunterModel model) =>
        JsonSerializer.Serialize(new Dto([.. model.Comparisons], model.M, model.U, model.Lambda), new JsonSerializerOptions { WriteIndented = true });

    public static FellegiSunterModel FromJson(string json)
    {
        var dto = JsonSerializer.Deserialize<Dto>(json) ?? throw new InvalidDataException("Empty model.");
        return new FellegiSunterModel(dto.Comparisons, dto.M, dto.U, dto.Lambda);
    }
}
