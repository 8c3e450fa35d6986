namespace Exchange.Store;

/// <summary>The role a client system plays; it decides what it may push and read.</summary>
public static class ClientRoles
{
    public const string HumanResources = "hr";
    public const string PublicSecurity = "ps";
    public const string Auditor = "auditor";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [HumanResources, PublicSecurity, Auditor, Admin];
}

/// <summary>A registered client system (one ministry system of one region).</summary>
public sealed class ClientSystem
{
    /// <summary>The client id; also the common name of its certificates.</summary>
    public required string Id { get; set; }

    public required string DisplayName { get; set; }

    /// <summary>One of <see cref="ClientRoles"/>.</summary>
    public required string Role { get; set; }

    /// <summary>Division-code prefix the client may push and read; empty for national scope.</summary>
    public required string RegionScope { get; set; }

    /// <summary>Which ministry runs the system (e.g. "Ministry of Public Security"), for people reading the registry.</summary>
    public string Ministry { get; set; } = "";

    /// <summary>Purpose codes this client may state when it reads person data, space-separated.</summary>
    public string AllowedPurposes { get; set; } = "";

    public bool Suspended { get; set; }

    public DateTime CreatedAtUtc { get; set; }

    public List<ClientCertificate> Certificates { get; set; } = [];
}

/// <summary>A certificate issued to a client system. Revoked certificates stay, marked, for the record.</summary>
public sealed class ClientCertificate
{
    /// <summary>SHA-256 thumbprint, upper-case hex.</summary>
    public required string Thumbprint { get; set; }

    /// <summary>Serial number, upper-case hex, as X.509 tools print it.</summary>
    public required string SerialNumber { get; set; }

    public required string ClientId { get; set; }

    public ClientSystem? Client { get; set; }

    public DateTime NotBeforeUtc { get; set; }

    public DateTime NotAfterUtc { get; set; }

    public DateTime? RevokedAtUtc { get; set; }

    public string? RevocationReason { get; set; }

    /// <summary>The certificate itself (DER, public part only): the token server lists a client's keys from it.</summary>
    public byte[]? Der { get; set; }

    /// <summary>Set when the certificate was rotated: it is accepted until then, refused after.</summary>
    public DateTime? ReplacedUntilUtc { get; set; }
}

/// <summary>Kinds of source record; values match exchange.v1.RecordKind.</summary>
public enum StoredRecordKind
{
    Register = 1,
    Enrollment = 2,
}

/// <summary>The current view of one source record: its highest stored version.</summary>
public sealed class SourceRecord
{
    public long Id { get; set; }

    public required string SourceSystem { get; set; }

    public required string RecordId { get; set; }

    public StoredRecordKind Kind { get; set; }

    public long Version { get; set; }

    /// <summary>Normalized 18-character national ID, or empty.</summary>
    public string NationalId { get; set; } = string.Empty;

    /// <summary>The division that places the record in a region scope.</summary>
    public string Division { get; set; } = string.Empty;

    public bool Retracted { get; set; }

    /// <summary>Id of the <see cref="RecordVersion"/> row holding this version (its change cursor).</summary>
    public long VersionRowId { get; set; }

    // Linkage and coverage facts of the current version (see RecordFacts).
    public string NameKey { get; set; } = string.Empty;

    public string NamePinyin { get; set; } = string.Empty;

    public string SurnamePinyin { get; set; } = string.Empty;

    public int Gender { get; set; }

    public DateOnly? BirthDate { get; set; }

    public string ResidenceDivision { get; set; } = string.Empty;

    public bool Deceased { get; set; }

    public DateOnly? DeathDate { get; set; }

    public int Scheme { get; set; }

    public int EnrollmentStatus { get; set; }

    public DateOnly? StartDate { get; set; }

    public DateOnly? EndDate { get; set; }

    public void Apply(RecordFacts facts)
    {
        NameKey = facts.NameKey;
        NamePinyin = facts.NamePinyin;
        SurnamePinyin = facts.SurnamePinyin;
        Gender = facts.Gender;
        BirthDate = facts.BirthDate;
        ResidenceDivision = facts.ResidenceDivision;
        Deceased = facts.Deceased;
        DeathDate = facts.DeathDate;
        Scheme = facts.Scheme;
        EnrollmentStatus = facts.EnrollmentStatus;
        StartDate = facts.StartDate;
        EndDate = facts.EndDate;
    }
}

/// <summary>One stored version of a source record; never updated or deleted. Its id is the change cursor.</summary>
public sealed class RecordVersion
{
    public long Id { get; set; }

    public required string SourceSystem { get; set; }

    public required string RecordId { get; set; }

    public long Version { get; set; }

    public StoredRecordKind Kind { get; set; }

    public string NationalId { get; set; } = string.Empty;

    public string Division { get; set; } = string.Empty;

    public bool Retracted { get; set; }

    /// <summary>SHA-256 of <see cref="Payload"/>, to tell an idempotent resend from a conflicting one.</summary>
    public required byte[] ContentHash { get; set; }

    /// <summary>The exchange.v1.RecordEnvelope as received, in protobuf binary form.</summary>
    public required byte[] Payload { get; set; }

    /// <summary>Data-quality flags, comma-separated.</summary>
    public string Flags { get; set; } = string.Empty;

    public string BatchId { get; set; } = string.Empty;

    public DateTime StoredAtUtc { get; set; }
}
