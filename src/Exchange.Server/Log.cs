using Microsoft.Extensions.Logging;

namespace Exchange.Server;

// Never log national IDs, names or certificate private material: client ids and counts only.
internal static partial class Log
{
    [LoggerMessage(1001, LogLevel.Warning, "TLS handshake refused a client certificate ({Subject}): {Reason}")]
    public static partial void ClientCertificateRefused(ILogger logger, string subject, string reason);

    [LoggerMessage(1002, LogLevel.Warning, "Call refused for certificate {Thumbprint}: {Reason}")]
    public static partial void CallerRefused(ILogger logger, string thumbprint, string reason);

    [LoggerMessage(2001, LogLevel.Information, "Push from {ClientId}: batch {BatchId} stored={Stored} history={History} duplicates={Duplicates} rejected={Rejected}")]
    public static partial void BatchStored(ILogger logger, string clientId, string batchId, int stored, int history, int duplicates, int rejected);

    [LoggerMessage(2002, LogLevel.Warning, "Push from {ClientId} denied at record {Index}: {Reason}")]
    public static partial void PushDenied(ILogger logger, string clientId, int index, string reason);

    [LoggerMessage(2003, LogLevel.Information, "Push stream from {ClientId} ended: {Batches} batches acknowledged")]
    public static partial void PushEnded(ILogger logger, string clientId, int batches);

    [LoggerMessage(2004, LogLevel.Warning, "Push stream from {ClientId} failed after {Batches} acknowledged batches: {Reason}")]
    public static partial void PushFailed(ILogger logger, string clientId, int batches, string reason);

    [LoggerMessage(2101, LogLevel.Debug, "Linked {Records} records against {Candidates} candidates: lookup {LookupMs} ms, decide {DecideMs} ms, write {WriteMs} ms, survivorship {SurvivorshipMs} ms")]
    public static partial void BatchLinked(ILogger logger, int records, int candidates, long lookupMs, long decideMs, long writeMs, long survivorshipMs);

    [LoggerMessage(2201, LogLevel.Warning, "Copying SQLite's write-ahead log back into the store file failed; SQLite's own checkpoint takes over at {Pages} pages: {Reason}")]
    public static partial void CheckpointFailed(ILogger logger, int pages, string reason);

    [LoggerMessage(2202, LogLevel.Warning, "Refreshing PostgreSQL's planner statistics after a push failed; autovacuum's own analyses take over: {Reason}")]
    public static partial void StatisticsFailed(ILogger logger, string reason);

    [LoggerMessage(3001, LogLevel.Information, "Hub listening on {Address} (mTLS required)")]
    public static partial void Listening(ILogger logger, string address);

    [LoggerMessage(4001, LogLevel.Error, "Audit group commit of {Entries} entries failed; their calls fail: {Reason}")]
    public static partial void AuditWriteFailed(ILogger logger, int entries, string reason);

    [LoggerMessage(4002, LogLevel.Error, "Signing an audit checkpoint failed: {Reason}")]
    public static partial void AuditCheckpointFailed(ILogger logger, string reason);

    [LoggerMessage(4003, LogLevel.Error, "A refused call could not be audited ({Method}): {Reason}")]
    public static partial void AuditOfRefusalFailed(ILogger logger, string method, string reason);

    [LoggerMessage(4004, LogLevel.Information, "Audit log: {Entries} entries written in {Commits} group commits taking {CommitMs} ms in all")]
    public static partial void AuditSummary(ILogger logger, long entries, long commits, long commitMs);
}
