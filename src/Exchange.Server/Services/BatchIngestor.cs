using System.Security.Cryptography;
using Exchange.Contracts.V1;
using Exchange.Names;
using Exchange.Server.Linking;
using Exchange.Server.Security;
using Exchange.Store;
using Exchange.Validation;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Exchange.Server.Services;

/// <summary>Validates, authorizes and stores one PushBatch; answers with its PushAck.</summary>
public sealed class BatchIngestor(
    RecordValidator validator,
    RecordWriter writer,
    OnlineLinker linker,
    PersonEventSignal feed,
    IOptions<HubOptions> options,
    ILogger<BatchIngestor> logger)
{
    public const int MaxBatchIdLength = 64;

    /// <summary>A batch checked and encoded, not yet stored.</summary>
    public sealed record PreparedBatch(string BatchId, RecordResult[] Results, List<PendingRecord> Pending);

    public Task<PushAck> IngestAsync(CallerIdentity caller, PushBatch batch, CancellationToken cancellationToken) =>
        StoreAsync(caller, Prepare(batch), cancellationToken);

    /// <summary>
    /// Validation and encoding: no store access and no caller rights involved, so a push stream runs it for
    /// the next batches while the current one is being stored.
    /// </summary>
    /// <exception cref="RpcException">INVALID_ARGUMENT when the batch as a whole is malformed.</exception>
    public PreparedBatch Prepare(PushBatch batch)
    {
        var max = options.Value.MaxBatchRecords;
        if (batch.Records.Count == 0 || batch.Records.Count > max)
        {
            throw RpcErrors.InvalidArgument("records", $"A batch holds 1 to {max} records, not {batch.Records.Count}.");
        }

        if (batch.BatchId.Length > MaxBatchIdLength)
        {
            throw RpcErrors.InvalidArgument("batch_id", $"A batch id has at most {MaxBatchIdLength} characters.");
        }

        var results = new RecordResult[batch.Records.Count];
        var pending = new List<PendingRecord>(batch.Records.Count);
        for (var i = 0; i < batch.Records.Count; i++)
        {
            var envelope = batch.Records[i];
            var checkedRecord = validator.Validate(envelope);
            results[i] = new RecordResult { Index = i, RecordId = envelope.RecordId, Version = envelope.Version };
            if (!checkedRecord.IsValid)
            {
                results[i].Outcome = RecordOutcome.Rejected;
                results[i].Errors.AddRange(checkedRecord.Errors);
                continue;
            }

            results[i].Flags.AddRange(checkedRecord.Flags);
            var payload = envelope.ToByteArray();
            pending.Add(new PendingRecord(
                i,
                envelope.RecordId,
                envelope.Version,
                envelope.Retracted,
                envelope.Retracted ? null : (StoredRecordKind)checkedRecord.Kind,
                checkedRecord.NationalId,
                checkedRecord.Division,
                checkedRecord.Flags,
                payload,
                SHA256.HashData(payload),
                FactsOf(envelope)));
        }

        return new PreparedBatch(batch.BatchId, results, pending);
    }

    /// <summary>Stores (and links) a prepared batch in one transaction, under the caller's write rights.</summary>
    public async Task<PushAck> StoreAsync(CallerIdentity caller, PreparedBatch prepared, CancellationToken cancellationToken)
    {
        var (batchId, results, pending) = prepared;
        IReadOnlyList<WriteResult> written;
        try
        {
            written = await writer.WriteBatchAsync(
                caller.ClientId, batchId, pending, (kind, division) => MayWrite(caller, kind, division), cancellationToken, linker.LinkAsync);
        }
        catch (RecordWriteDeniedException denied)
        {
            Log.PushDenied(logger, caller.ClientId, denied.Index, denied.Message);
            throw RpcErrors.PermissionDenied($"records[{denied.Index}]: {denied.Message} Nothing of this batch was stored.");
        }

        feed.Pulse();
        foreach (var result in written)
        {
            var target = results[result.Index];
            switch (result.Outcome)
            {
                case WriteOutcome.Stored:
                    target.Outcome = RecordOutcome.Stored;
                    break;
                case WriteOutcome.StoredAsHistory:
                    target.Outcome = RecordOutcome.StoredAsHistory;
                    break;
                case WriteOutcome.UnchangedDuplicate:
                    target.Outcome = RecordOutcome.UnchangedDuplicate;
                    break;
                case WriteOutcome.VersionConflict:
                    Reject(target, "version", "VERSION_CONFLICT", "This record id and version were stored before with different content; send a higher version.");
                    break;
                case WriteOutcome.NotFound:
                    Reject(target, "record_id", "NOT_FOUND", "There is no stored record with this id to retract.");
                    break;
            }
        }

        var ack = new PushAck { BatchId = batchId, Results = { results } };
        foreach (var result in results)
        {
            switch (result.Outcome)
            {
                case RecordOutcome.Stored: ack.Stored++; break;
                case RecordOutcome.StoredAsHistory: ack.StoredAsHistory++; break;
                case RecordOutcome.UnchangedDuplicate: ack.Duplicates++; break;
                case RecordOutcome.Rejected: ack.Rejected++; break;
            }
        }

        Log.BatchStored(logger, caller.ClientId, batchId, ack.Stored, ack.StoredAsHistory, ack.Duplicates, ack.Rejected);
        return ack;
    }

    // Least privilege: population-register records come only from PS systems, enrollments only from HR
    // systems, and each only inside the client's region scope.
    private static string? MayWrite(CallerIdentity caller, StoredRecordKind kind, string division)
    {
        var requiredRole = kind == StoredRecordKind.Register ? ClientRoles.PublicSecurity : ClientRoles.HumanResources;
        if (caller.Role != requiredRole)
        {
            return $"Role '{caller.Role}' may not push {(kind == StoredRecordKind.Register ? "register" : "enrollment")} records.";
        }

        return DivisionCode.IsWithin(division, caller.RegionScope)
            ? null
            : $"Division {division} is outside the client's region scope '{caller.RegionScope}'.";
    }

    internal static RecordFacts? FactsOf(RecordEnvelope envelope)
    {
        switch (envelope.BodyCase)
        {
            case RecordEnvelope.BodyOneofCase.Register:
            {
                var r = envelope.Register;
                var name = ChineseName.Normalize(r.Name);
                return new RecordFacts(name, ChineseName.ToPinyin(name), ChineseName.SurnamePinyin(name), (int)r.Gender, ProtoDates.ToDateOnly(r.BirthDate),
                    r.ResidenceDivision, r.VitalStatus == VitalStatus.Deceased, ProtoDates.ToDateOnly(r.DeathDate), 0, 0, null, null);
            }

            case RecordEnvelope.BodyOneofCase.Enrollment:
            {
                var e = envelope.Enrollment;
                var name = ChineseName.Normalize(e.Name);
                return new RecordFacts(name, ChineseName.ToPinyin(name), ChineseName.SurnamePinyin(name), (int)e.Gender, ProtoDates.ToDateOnly(e.BirthDate),
                    string.Empty, false, null, (int)e.Scheme, (int)e.Status, ProtoDates.ToDateOnly(e.StartDate), ProtoDates.ToDateOnly(e.EndDate));
            }

            default:
                return null;
        }
    }

    private static void Reject(RecordResult result, string field, string code, string description)
    {
        result.Outcome = RecordOutcome.Rejected;
        result.Flags.Clear();
        result.Errors.Add(new FieldError { Field = field, Code = code, Description = description });
    }
}
