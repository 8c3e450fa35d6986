namespace Exchange.Reconciliation.Persons;

/// <summary>A record already linked to a person, met through blocking.</summary>
public readonly record struct Candidate(PersonRecord Record, long PersonId);

public enum MatchOutcome
{
    /// <summary>Linked automatically to an existing person (at or above the upper threshold).</summary>
    Linked,

    /// <summary>No candidate came close: a person of its own.</summary>
    NewPerson,

    /// <summary>A candidate lies between the thresholds: a person of its own for now, and a review item.</summary>
    NewPersonPendingReview,
}

/// <summary>Why a record was linked where it was: the best candidate, its weight and per-field levels.</summary>
public sealed record MatchDecision(
    MatchOutcome Outcome,
    long? PersonId,
    double Weight,
    int[] Levels,
    long? BestCandidateRecordId,
    long? ReviewPersonId,
    IReadOnlyList<long> ConflictPersonIds);

/// <summary>
/// Decides, for one record, which person it belongs to. The same decision serves online linking on push
/// and the batch re-link, so both give the same answers on the same data.
/// </summary>
public sealed class PersonMatcher(Linker<PersonRecord> linker, Thresholds thresholds)
{
    public Linker<PersonRecord> Linker => linker;

    public Thresholds Thresholds => thresholds;

    /// <param name="excludedPersons">Persons a human said this record is not (rejected links): never linked.</param>
    public MatchDecision Decide(PersonRecord record, IEnumerable<Candidate> candidates, IReadOnlySet<long>? excludedPersons = null)
    {
        var comparisons = PersonLinkage.Spec.Comparisons.Count;
        Span<int> levels = stackalloc int[comparisons];
        var best = new Dictionary<long, (double Weight, int[] Levels, long RecordId, bool Register)>();
        var conflicts = new List<long>();
        var otherRegisterPersons = new HashSet<long>();
        foreach (var candidate in candidates)
        {
            if (candidate.Record.Id == record.Id)
            {
                continue;
            }

            // The register is authoritative for identity: two register records with different valid IDs
            // are two people, however alike their names and birthdays (张伟 born the same day in the same county).
            // That holds for the whole person, not only this candidate: an enrollment with a mistyped ID may
            // resemble this record while its person is someone else in the register.
            if (record.Role == RecordRole.Register && candidate.Record.Role == RecordRole.Register
                && record.IdCheckValid && candidate.Record.IdCheckValid && record.NationalId != candidate.Record.NationalId)
            {
                otherRegisterPersons.Add(candidate.PersonId);
                continue;
            }

            var weight = linker.Score(record, candidate.Record, levels);
            // An ID that matches a register record exactly while the rest of the identity disagrees is
            // someone else's ID (the birth date disagrees and the name is not the same name or sound, or the
            // whole identity scores low; a relative often shares surname and sex): flag it,
            // never link on it. Another enrollment carrying the same ID proves nothing: it may be the one
            // using the wrong ID.
            if (levels[0] == 2 && candidate.Record.Role == RecordRole.Register
                && (weight < thresholds.LowerWeight || (levels[1] <= 2 && levels[2] == 0)))
            {
                if (!conflicts.Contains(candidate.PersonId))
                {
                    conflicts.Add(candidate.PersonId);
                }

                continue;
            }

            var isRegister = candidate.Record.Role == RecordRole.Register;
            if (!best.TryGetValue(candidate.PersonId, out var current) || weight > current.Weight)
            {
                best[candidate.PersonId] = (weight, levels.ToArray(), candidate.Record.Id, isRegister || current.Register);
            }
        }

        long? bestPerson = null;
        (double Weight, int[] Levels, long RecordId, bool Register) top = (double.NegativeInfinity, new int[comparisons], 0, false);
        foreach (var (person, score) in best)
        {
            if (conflicts.Contains(person) || otherRegisterPersons.Contains(person) || excludedPersons?.Contains(person) == true)
            {
                continue;
            }

            // Ties go to the person the register knows, then to the older person.
            if (score.Weight > top.Weight || (score.Weight == top.Weight && (score.Register && !top.Register || (score.Register == top.Register && person < bestPerson))))
            {
                top = score;
                bestPerson = person;
            }
        }

        if (bestPerson is { } linked && top.Weight >= thresholds.UpperWeight)
        {
            return new MatchDecision(MatchOutcome.Linked, linked, top.Weight, top.Levels, top.RecordId, null, conflicts);
        }

        if (bestPerson is { } uncertain && top.Weight >= thresholds.LowerWeight)
        {
            return new MatchDecision(MatchOutcome.NewPersonPendingReview, null, top.Weight, top.Levels, top.RecordId, uncertain, conflicts);
        }

        return new MatchDecision(MatchOutcome.NewPerson, null, bestPerson is null ? double.NaN : top.Weight, top.Levels, bestPerson is null ? null : top.RecordId, null, conflicts);
    }
}

/// <summary>A whole-set assignment of records to persons, as the batch re-link and the quality tests use it.</summary>
public sealed record PersonAssignment(long[] PersonOf, MatchDecision[] Decisions, BlockingReport Blocking);

/// <summary>Human decisions and existing ids a batch assignment must respect.</summary>
/// <param name="StickyPerson">The person a human put a record in, if any: kept as is.</param>
/// <param name="ExcludedPersons">Persons a human said a record is not.</param>
/// <param name="PreferredId">The record's current person id, reused for the person it founds when still free, so ids stay stable.</param>
/// <param name="NewId">A fresh person id.</param>
public sealed record AssignmentConstraints(
    Func<int, long?> StickyPerson,
    Func<int, IReadOnlySet<long>?> ExcludedPersons,
    Func<int, long?> PreferredId,
    Func<long> NewId);

public static class PersonClustering
{
    /// <summary>
    /// Assigns every record to a person by the online rule, in a fixed order: register records first
    /// (they found persons), then enrollments with an ID, then enrollments without. Without constraints,
    /// person ids are the index of the record that founded the person.
    /// </summary>
    public static PersonAssignment Assign(IReadOnlyList<PersonRecord> records, PersonMatcher matcher, AssignmentConstraints? constraints = null)
    {
        var (pairs, report) = Blocking.Dedupe(records, PersonLinkage.Spec);
        var neighbours = new List<int>[records.Count];
        foreach (var pair in pairs)
        {
            (neighbours[Blocking.Left(pair)] ??= []).Add(Blocking.Right(pair));
            (neighbours[Blocking.Right(pair)] ??= []).Add(Blocking.Left(pair));
        }

        var personOf = new long[records.Count];
        Array.Fill(personOf, long.MinValue);
        var decisions = new MatchDecision[records.Count];
        var usedIds = new HashSet<long>();
        for (var i = 0; i < records.Count; i++)
        {
            if (constraints?.StickyPerson(i) is { } sticky)
            {
                personOf[i] = sticky;
                usedIds.Add(sticky);
            }
        }

        var order = Enumerable.Range(0, records.Count)
            .Where(i => personOf[i] == long.MinValue)
            .OrderBy(i => records[i].Role == RecordRole.Register ? 0 : records[i].NationalId.Length > 0 ? 1 : 2)
            .ThenBy(i => i)
            .ToArray();
        foreach (var i in order)
        {
            var candidates = (neighbours[i] ?? []).Where(j => personOf[j] != long.MinValue).Select(j => new Candidate(records[j], personOf[j]));
            var decision = matcher.Decide(records[i], candidates, constraints?.ExcludedPersons(i));
            long person;
            if (decision.PersonId is { } linked)
            {
                person = linked;
            }
            else if (constraints is null)
            {
                person = i;
            }
            else
            {
                person = constraints.PreferredId(i) is { } preferred && !usedIds.Contains(preferred) ? preferred : constraints.NewId();
            }

            usedIds.Add(person);
            decisions[i] = decision;
            personOf[i] = person;
        }

        return new PersonAssignment(personOf, decisions, report);
    }
}
