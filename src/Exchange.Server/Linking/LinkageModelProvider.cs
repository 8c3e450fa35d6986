using Exchange.Reconciliation;
using Exchange.Reconciliation.Persons;
using Exchange.Store;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Server.Linking;

/// <summary>The model and thresholds online linking uses: the newest trained version in the store, else the shipped default.</summary>
public sealed class LinkageModelProvider
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, FellegiSunterModel> _versions = new();
    private volatile ActiveModel? _current;

    public sealed record ActiveModel(int Version, FellegiSunterModel Model, Thresholds Thresholds);

    public async Task<ActiveModel> GetAsync(ExchangeDbContext db, CancellationToken cancellationToken)
    {
        // Another hub process on the same store may have stored a newer model (a re-link there): the newest
        // version number is one primary-key lookup; the model itself is loaded only when it changed.
        var newest = await db.LinkageModels.MaxAsync(m => (int?)m.Version, cancellationToken) ?? 0;
        if (_current is { } cached && cached.Version == newest)
        {
            return cached;
        }

        var stored = await db.LinkageModels.OrderByDescending(m => m.Version).FirstOrDefaultAsync(cancellationToken);
        var active = stored is null
            ? new ActiveModel(0, DefaultModel.Value, PersonLinkage.DefaultThresholds)
            : new ActiveModel(stored.Version, ModelSerializer.FromJson(stored.Parameters), new Thresholds(stored.UpperThreshold, stored.LowerThreshold));
        _current = active;
        return active;
    }

    /// <summary>A specific version (0 = the shipped default), for explaining links made with it.</summary>
    public async Task<FellegiSunterModel> GetVersionAsync(ExchangeDbContext db, int version, CancellationToken cancellationToken)
    {
        if (version == 0)
        {
            return DefaultModel.Value;
        }

        // A stored version never changes (a re-link stores a new one), so each is parsed once per process.
        if (_versions.TryGetValue(version, out var known))
        {
            return known;
        }

        var stored = await db.LinkageModels.SingleOrDefaultAsync(m => m.Version == version, cancellationToken);
        if (stored is null)
        {
            return DefaultModel.Value;
        }

        return _versions.GetOrAdd(version, ModelSerializer.FromJson(stored.Parameters));
    }

    private static readonly Lazy<FellegiSunterModel> DefaultModel = new(DefaultPersonModel.Load);

    /// <summary>Called after a re-link stored a new version (other processes notice it by its version number).</summary>
    public void Invalidate() => _current = null;
}
