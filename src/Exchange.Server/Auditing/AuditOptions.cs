using System.ComponentModel.DataAnnotations;

namespace Exchange.Server.Auditing;

/// <summary>Settings of the audit log, bound from "Hub:Audit".</summary>
public sealed class AuditOptions
{
    public const string Section = "Hub:Audit";

    /// <summary>How often the hub signs a checkpoint of the audit tree (when it grew).</summary>
    [Range(1, 86_400)]
    public int CheckpointSeconds { get; set; } = 60;

    /// <summary>Most entries written in one group commit.</summary>
    [Range(1, 100_000)]
    public int MaxGroupEntries { get; set; } = 2_000;

    /// <summary>A long stream names its persons and records in "stream.progress" entries of at most this many ids.</summary>
    [Range(1, 1_000_000)]
    public int StreamIdsPerEntry { get; set; } = 10_000;
}
