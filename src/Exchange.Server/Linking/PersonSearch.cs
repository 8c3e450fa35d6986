using Exchange.Reconciliation;
using Exchange.Reconciliation.Persons;
using Exchange.Store;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Server.Linking;

/// <summary>What a person search is given: a name and birth date, and optionally sex and a division prefix.</summary>
public sealed record PersonQuery(string RawName, DateOnly BirthDate, int Gender, string DivisionPrefix, int MaxResults, double MinProbability);

/// <summary>One person a search may mean, with the record that matched it best and why.</summary>
public sealed record PersonHit(Person Person, double Weight, int[] Levels, SourceRecord MatchedRecord, int ModelVersion);

/// <summary>
/// Finds persons by name and birth date the way the linker finds candidates: the query becomes a record
/// without ID, its blocking keys select the stored records that share one, and the active model scores
/// each. One linkage rule for pushes and for people looking, so a search finds what a push would link.
/// </summary>
public sealed class PersonSearch(LinkageModelProvider models)
{
    private const int QueryChunk = 500;

    public async Task<(IReadOnlyList<PersonHit> Hits, int Compared)> FindAsync(ExchangeDbContext db, PersonQuery query, CancellationToken cancellationToken)
    {
        // Without a stated sex, the sex-bearing key is tried for both, and sex stays out of the score.
        var genders = query.Gender == 0 ? new[] { 1, 2 } : [query.Gender];
        var probes = genders.Select(g => PersonRecord.Create(-1, RecordRole.Enrollment, string.Empty, query.RawName, g, query.BirthDate, string.Empty)).ToList();
        var keys = probes.SelectMany(PersonLinkage.BlockingKeys).OfType<string>().Distinct().ToList();
        if (keys.Count == 0)
        {
            return ([], 0);
        }

        // As in online linking: a key shared by more than MaxBlockSize records selects nothing useful.
        var selective = await db.BlockingKeys.Where(k => keys.Contains(k.Key))
            .GroupBy(k => k.Key).Select(g => new { g.Key, Count = g.Count() })
            .Where(g => g.Count <= PersonLinkage.Spec.MaxBlockSize)
            .Select(g => g.Key)
            .ToListAsync(cancellationToken);
        var recordIds = await db.BlockingKeys.Where(k => selective.Contains(k.Key)).Select(k => k.SourceRecordId).Distinct().ToListAsync(cancellationToken);
        var records = new List<SourceRecord>();
        var personOf = new Dictionary<long, long>();
        foreach (var chunk in recordIds.Chunk(QueryChunk))
        {
            records.AddRange(await db.SourceRecords.Where(r => chunk.Contains(r.Id) && !r.Retracted).ToListAsync(cancellationToken));
            foreach (var link in await db.RecordLinks.Where(l => chunk.Contains(l.SourceRecordId)).Select(l => new { l.SourceRecordId, l.PersonId }).ToListAsync(cancellationToken))
            {
                personOf[link.SourceRecordId] = link.PersonId;
            }
        }

        var active = await models.GetAsync(db, cancellationToken);
        var linker = Linker<PersonRecord>.WithModel(PersonLinkage.Spec, active.Model, await NameFrequenciesAsync(db, probes[0].Name, cancellationToken));
        var probe = query.Gender == 0 ? probes[0] with { Gender = 0 } : probes[0];
        var minWeight = query.MinProbability > 0 ? FellegiSunterModel.WeightOf(query.MinProbability) : double.NegativeInfinity;
        var best = new Dictionary<long, (double Weight, int[] Levels, SourceRecord Record)>();
        foreach (var record in records)
        {
            if (!personOf.TryGetValue(record.Id, out var personId))
            {
                continue;
            }

            var levels = new int[PersonLinkage.Spec.Comparisons.Count];
            var weight = linker.Score(probe, PersonRecords.From(record), levels);
            if (weight >= minWeight && (!best.TryGetValue(personId, out var current) || weight > current.Weight))
            {
                best[personId] = (weight, levels, record);
            }
        }

        // Persons are read best first until enough lie within the prefix: the scope filter is on the person.
        var hits = new List<PersonHit>();
        foreach (var chunk in best.OrderByDescending(b => b.Value.Weight).ThenBy(b => b.Key).Chunk(Math.Max(query.MaxResults, 1) * 2))
        {
            var ids = chunk.Select(c => c.Key).ToList();
            var persons = await db.Persons.Where(p => ids.Contains(p.Id) && p.Division.StartsWith(query.DivisionPrefix)).ToDictionaryAsync(p => p.Id, cancellationToken);
            foreach (var (personId, (weight, levels, record)) in chunk)
            {
                if (persons.TryGetValue(personId, out var person) && hits.Count < query.MaxResults)
                {
                    hits.Add(new PersonHit(person, weight, levels, record, active.Version));
                }
            }

            if (hits.Count >= query.MaxResults)
            {
                break;
            }
        }

        return (hits, records.Count);
    }

    // The same term-frequency adjustment as online linking: a common name agreeing is weaker evidence.
    private static async Task<Dictionary<string, double>?[]> NameFrequenciesAsync(ExchangeDbContext db, string name, CancellationToken cancellationToken)
    {
        var frequencies = new Dictionary<string, double>?[PersonLinkage.Spec.Comparisons.Count];
        if (name.Length == 0)
        {
            return frequencies;
        }

        var total = Math.Max(1, await db.SourceRecords.MaxAsync(r => (long?)r.Id, cancellationToken) ?? 1);
        var count = await db.NameCounts.Where(n => n.NameKey == name).Select(n => n.Count).FirstOrDefaultAsync(cancellationToken);
        var nameComparison = PersonLinkage.Spec.Comparisons.ToList().FindIndex(c => c.Name == "name");
        frequencies[nameComparison] = new Dictionary<string, double>(StringComparer.Ordinal) { [name] = (double)Math.Max(count, 1) / total };
        return frequencies;
    }
}
