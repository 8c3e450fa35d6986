namespace Exchange.Store;

/// <summary>
/// The facts of a record's current version that linkage and the coverage answers need, kept as columns
/// (the full record stays in the version payload).
/// </summary>
public sealed record RecordFacts(
    string NameKey,
    string NamePinyin,
    string SurnamePinyin,
    int Gender,
    DateOnly? BirthDate,
    string ResidenceDivision,
    bool Deceased,
    DateOnly? DeathDate,
    int Scheme,
    int EnrollmentStatus,
    DateOnly? StartDate,
    DateOnly? EndDate);

/// <summary>A person as the hub reconciles it. The id is stable: merges leave the absorbed id pointing at the survivor.</summary>
public sealed class Person
{
    public long Id { get; set; }

    /// <summary>Survivorship: from the register record when there is one, else from the latest enrollment.</summary>
    public string NationalId { get; set; } = string.Empty;

    public string Name { get; set; } = string.Empty;

    public int Gender { get; set; }

    public DateOnly? BirthDate { get; set; }

    public string HukouDivision { get; set; } = string.Empty;

    public string ResidenceDivision { get; set; } = string.Empty;

    /// <summary>The division that places the person in a region scope (hukou, else insuring division).</summary>
    public string Division { get; set; } = string.Empty;

    /// <summary>False: only enrollments know this person ("unknown to register").</summary>
    public bool InRegister { get; set; }

    public bool Deceased { get; set; }

    public DateOnly? DeathDate { get; set; }

    public int RecordCount { get; set; }

    /// <summary>The register's residence differs from the hukou division.</summary>
    public bool Migrant { get; set; }

    /// <summary>Active employee or resident endowment enrollments linked to the person.</summary>
    public int ActiveEndowmentCount { get; set; }

    /// <summary>Provinces (first two division digits) with an active endowment enrollment.</summary>
    public int ActiveEndowmentProvinces { get; set; }

    /// <summary>Active enrollments of any scheme.</summary>
    public int ActiveEnrollmentCount { get; set; }

    /// <summary>Set when a human merged this person into another.</summary>
    public long? MergedIntoId { get; set; }

    public DateTime CreatedAtUtc { get; set; }

    public DateTime UpdatedAtUtc { get; set; }
}

/// <summary>Which person a source record is linked to, and why. Exactly one per current record.</summary>
public sealed class RecordLink
{
    /// <summary>The <see cref="SourceRecord"/> id.</summary>
    public long SourceRecordId { get; set; }

    public long PersonId { get; set; }

    /// <summary>"auto" (above the upper threshold), "new" (no close candidate), "new-pending-review",
    /// "confirmed", "split", "merged" (human decisions).</summary>
    public string Method { get; set; } = string.Empty;

    /// <summary>Match weight (log2 odds) against the best candidate; NaN when there was none.</summary>
    public double Weight { get; set; }

    /// <summary>Per-field agreement levels against the best candidate, e.g. "national_id=exact;name=same pinyin".</summary>
    public string Levels { get; set; } = string.Empty;

    /// <summary>The source record the best candidate was, if any.</summary>
    public long? MatchedSourceRecordId { get; set; }

    public string RuleVersion { get; set; } = string.Empty;

    public int ModelVersion { get; set; }

    public DateTime LinkedAtUtc { get; set; }

    /// <summary>A human decided this link: re-linking never changes it.</summary>
    public bool Sticky { get; set; }

    public string? DecidedBy { get; set; }
}

/// <summary>An uncertain or conflicting link waiting for a human.</summary>
public sealed class ReviewItem
{
    public long Id { get; set; }

    public long SourceRecordId { get; set; }

    /// <summary>The person the record may belong to (uncertain) or whose ID it carries (conflict).</summary>
    public long CandidatePersonId { get; set; }

    /// <summary>"uncertain" or "national-id-of-another-person".</summary>
    public string Reason { get; set; } = string.Empty;

    public double Weight { get; set; }

    public string Levels { get; set; } = string.Empty;

    /// <summary>Higher first: a register person, an active pension enrollment and a near-threshold score matter most.</summary>
    public double Impact { get; set; }

    /// <summary>Division of the record, for region scoping.</summary>
    public string Division { get; set; } = string.Empty;

    /// <summary>"open", "confirmed", "rejected" or "obsolete" (the record changed since).</summary>
    public string Status { get; set; } = "open";

    public DateTime CreatedAtUtc { get; set; }

    public DateTime? DecidedAtUtc { get; set; }

    public string? DecidedBy { get; set; }
}

/// <summary>One blocking key of a current record: records sharing a key are compared.</summary>
public sealed class BlockingKey
{
    public required string Key { get; set; }

    public long SourceRecordId { get; set; }
}

/// <summary>
/// How many current (not retracted) records carry a name: the term frequency that weakens a common name's
/// agreement. Kept by the record writer in each batch's transaction, so that linking reads one row per
/// name instead of counting every record of it (a count that grew with the store on every batch).
/// </summary>
public sealed class NameCount
{
    public required string NameKey { get; set; }

    public long Count { get; set; }
}

/// <summary>A trained linkage model; the newest is used for online linking.</summary>
public sealed class LinkageModelVersion
{
    public int Version { get; set; }

    public string RuleVersion { get; set; } = string.Empty;

    /// <summary>m, u and lambda as JSON.</summary>
    public string Parameters { get; set; } = string.Empty;

    public double UpperThreshold { get; set; }

    public double LowerThreshold { get; set; }

    public DateTime TrainedAtUtc { get; set; }

    public long TrainedOnRecords { get; set; }
}

/// <summary>
/// One change to a person, in commit order: the change feed subscribers resume from. Never updated or deleted.
/// </summary>
public sealed class PersonEvent
{
    /// <summary>The feed cursor: increasing in commit order (writes are serialized).</summary>
    public long Id { get; set; }

    public long PersonId { get; set; }

    /// <summary>See PersonEventKinds.</summary>
    public string Kind { get; set; } = string.Empty;

    /// <summary>The person's division when the event happened, for region filtering.</summary>
    public string Division { get; set; } = string.Empty;

    /// <summary>What changed, e.g. the record linked or the death date.</summary>
    public string Detail { get; set; } = string.Empty;

    public DateTime CreatedAtUtc { get; set; }
}

/// <summary>The kinds of person events.</summary>
public static class PersonEventKinds
{
    public const string Created = "person_created";
    public const string Linked = "record_linked";
    public const string Merged = "person_merged";
    public const string Split = "record_split";
    public const string Died = "vital_status_changed";
    public const string DeceasedWithActiveEnrollment = "deceased_with_active_enrollment";
    public const string ConflictRaised = "conflict_raised";
    public const string ConflictResolved = "conflict_resolved";
    public const string GapOpened = "gap_opened";
    public const string GapClosed = "gap_closed";
}
