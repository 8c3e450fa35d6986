using Exchange.Reconciliation;
using Exchange.Reconciliation.Persons;
using Exchange.Store;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Server.Linking;

/// <summary>The model and thresholds online linking uses: the newest trained version in the store, else the shipped default.</summary>
public sealed class LinkageModelProvider
{
    private volatile ActiveModel? _current;

    public sealed record ActiveModel(int Version, FellegiSunterModel Model, Thresholds Thresholds);

    public async Task<ActiveModel> GetAsync(ExchangeDbContext db, CancellationToken cancellationToken)
    {
        if (_current is { } cached)
        {
            return cached;
        }

        var stored = await db.LinkageModels.OrderByDescending(m => m.Version).FirstOrDefaultAsync(cancellationToken);
        var active = stored is null
            ? new ActiveModel(0, DefaultPersonModel.Load(), PersonLinkage.DefaultThresholds)
            : new ActiveModel(stored.Version, ModelSerializer.FromJson(stored.Parameters), new Thresholds(stored.UpperThreshold, stored.LowerThreshold));
        _current = active;
        return active;
    }

    /// <summary>Called after a re-link stored a new version.</summary>
    public void Invalidate() => _current = null;
}
