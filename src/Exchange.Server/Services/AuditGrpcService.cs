using System.Linq.Expressions;
using Exchange.Audit;
using Exchange.Contracts.V1;
using Exchange.Server.Auditing;
using Exchange.Server.Security;
using Exchange.Store;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Server.Services;

[Authorize(Policy = HubPolicies.ReadAudit)]
public sealed class AuditGrpcService(IDbContextFactory<ExchangeDbContext> contextFactory, AuditLog log) : AuditService.AuditServiceBase
{
    private const int DefaultMaxEntries = 1_000;
    private const int MaxEntriesLimit = 100_000;
    private const int PageSize = 500;
    private const int MaxRecordsPerPerson = 200;

    public override async Task QueryEntries(AuditQuery request, IServerStreamWriter<Contracts.V1.AuditEntry> responseStream, ServerCallContext context)
    {
        var caller = CallerIdentity.From(context);
        var max = MaxEntries(request.MaxEntries, "max_entries");
        if (request.StartIndex < 0)
        {
            throw RpcErrors.InvalidArgument("start_index", "An index is never negative.");
        }

        Expression<Func<Store.AuditLogEntry, bool>> filter = e => true;
        if (request.ClientId.Length > 0)
        {
            var client = request.ClientId;
            filter = And(filter, e => e.ClientId == client);
        }

        if (request.PersonId != 0)
        {
            filter = And(filter, await AccessedPersonAsync(request.PersonId, context.CancellationToken));
        }

        if (request.Method.Length > 0)
        {
            var method = request.Method;
            var suffix = "/" + method.TrimStart('/');
            filter = And(filter, e => e.Method == method || e.Method.EndsWith(suffix));
        }

        filter = And(filter, TimeFilter(request.FromTime, request.ToTime));
        filter = request.Outcome switch
        {
            AuditOutcome.Ok => And(filter, e => e.Status == "OK"),
            AuditOutcome.Refused => And(filter, e => e.Status == "UNAUTHENTICATED" || e.Status == "PERMISSION_DENIED"),
            AuditOutcome.Failed => And(filter, e => e.Status != "OK" && e.Status != "UNAUTHENTICATED" && e.Status != "PERMISSION_DENIED"),
            _ => filter,
        };
        await StreamAsync(And(filter, RegionFilter(caller.RegionScope)), request.StartIndex, max, responseStream, context.CancellationToken);
    }

    public override async Task WhoAccessed(WhoAccessedRequest request, IServerStreamWriter<Contracts.V1.AuditEntry> responseStream, ServerCallContext context)
    {
        var caller = CallerIdentity.From(context);
        if (request.PersonId <= 0)
        {
            throw RpcErrors.InvalidArgument("person_id", "Name the person by its hub person id.");
        }

        var max = MaxEntries(request.MaxEntries, "max_entries");
        var filter = And(await AccessedPersonAsync(request.PersonId, context.CancellationToken), TimeFilter(request.FromTime, request.ToTime));
        await StreamAsync(And(filter, RegionFilter(caller.RegionScope)), 0, max, responseStream, context.CancellationToken);
    }

    public override async Task<SignedCheckpoint> GetCheckpoint(GetCheckpointRequest request, ServerCallContext context)
    {
        var checkpoint = request.SignNow
            ? await log.SignCheckpointAsync(context.CancellationToken)
            : await log.LatestCheckpointAsync(context.CancellationToken);
        return checkpoint is null
            ? throw new RpcException(new Grpc.Core.Status(StatusCode.NotFound, "No checkpoint has been signed yet; ask with sign_now."))
            : AuditEntryMapping.ToMessage(checkpoint);
    }

    public override async Task<InclusionProof> GetInclusionProof(InclusionProofRequest request, ServerCallContext context)
    {
        var caller = CallerIdentity.From(context);
        var size = request.TreeSize == 0 ? await LatestSizeAsync(context.CancellationToken) : request.TreeSize;
        if (request.LeafIndex < 0 || request.LeafIndex >= size)
        {
            throw RpcErrors.InvalidArgument("leaf_index", $"Entry {request.LeafIndex} is not in a tree of {size} entries.");
        }

        await using var db = await contextFactory.CreateDbContextAsync(context.CancellationToken);
        var row = await db.AuditEntries.SingleOrDefaultAsync(e => e.Index == request.LeafIndex, context.CancellationToken);
        if (row is null || !AuditRegions.Visible(row.Regions, caller.RegionScope))
        {
            throw new RpcException(new Grpc.Core.Status(StatusCode.NotFound, $"No entry {request.LeafIndex} within your region."));
        }

        var hashes = await ProveAsync(tree => tree.InclusionProof(request.LeafIndex, size), size, "tree_size", context.CancellationToken);
        var proof = new InclusionProof { LeafIndex = request.LeafIndex, TreeSize = size, Entry = AuditEntryMapping.ToMessage(row) };
        proof.Hashes.AddRange(hashes.Select(ByteString.CopyFrom));
        return proof;
    }

    public override async Task<ConsistencyProof> GetConsistencyProof(ConsistencyProofRequest request, ServerCallContext context)
    {
        var second = request.SecondSize == 0 ? await LatestSizeAsync(context.CancellationToken) : request.SecondSize;
        if (request.FirstSize < 0 || request.FirstSize > second)
        {
            throw RpcErrors.InvalidArgument("first_size", $"A tree of {request.FirstSize} entries is not a prefix of a tree of {second}.");
        }

        var hashes = await ProveAsync(tree => tree.ConsistencyProof(request.FirstSize, second), second, "second_size", context.CancellationToken);
        var proof = new ConsistencyProof { FirstSize = request.FirstSize, SecondSize = second };
        proof.Hashes.AddRange(hashes.Select(ByteString.CopyFrom));
        return proof;
    }

    public override async Task Export(ExportRequest request, IServerStreamWriter<ExportItem> responseStream, ServerCallContext context)
    {
        var caller = CallerIdentity.From(context);
        if (request.StartIndex < 0)
        {
            throw RpcErrors.InvalidArgument("start_index", "An index is never negative.");
        }

        var token = context.CancellationToken;
        await using var db = await contextFactory.CreateDbContextAsync(token);
        var next = 0L;
        while (true)
        {
            var from = next;
            var page = await db.AuditEntries.Where(e => e.Index >= from).OrderBy(e => e.Index).Take(PageSize).ToListAsync(token);
            foreach (var row in page)
            {
                await responseStream.WriteAsync(row.Index >= request.StartIndex && AuditRegions.Visible(row.Regions, caller.RegionScope)
                    ? new ExportItem { Entry = AuditEntryMapping.ToMessage(row) }
                    : new ExportItem { Redacted = new RedactedEntry { Index = row.Index, LeafHash = ByteString.CopyFrom(row.LeafHash) } }, token);
                next = row.Index + 1;
            }

            if (page.Count < PageSize)
            {
                break;
            }
        }

        foreach (var row in await db.AuditCheckpoints.OrderBy(c => c.TreeSize).ThenBy(c => c.Id).ToListAsync(token))
        {
            await responseStream.WriteAsync(new ExportItem { Checkpoint = AuditEntryMapping.ToMessage(AuditEntryMapping.ToCheckpoint(row)) }, token);
        }
    }

    private async Task StreamAsync(Expression<Func<Store.AuditLogEntry, bool>> filter, long startIndex, int max, IServerStreamWriter<Contracts.V1.AuditEntry> responseStream, CancellationToken token)
    {
        await using var db = await contextFactory.CreateDbContextAsync(token);
        var next = startIndex;
        var remaining = max;
        while (remaining > 0)
        {
            var from = next;
            var page = await db.AuditEntries.Where(e => e.Index >= from).Where(filter).OrderBy(e => e.Index)
                .Take(Math.Min(PageSize, remaining)).ToListAsync(token);
            foreach (var row in page)
            {
                await responseStream.WriteAsync(AuditEntryMapping.ToMessage(row), token);
                next = row.Index + 1;
            }

            remaining -= page.Count;
            if (page.Count < PageSize)
            {
                break;
            }
        }
    }

    /// <summary>Entries naming the person, or one of the records now linked to it (pushes name records only).</summary>
    private async Task<Expression<Func<Store.AuditLogEntry, bool>>> AccessedPersonAsync(long personId, CancellationToken token)
    {
        await using var db = await contextFactory.CreateDbContextAsync(token);
        var records = await (
                from link in db.RecordLinks
                join record in db.SourceRecords on link.SourceRecordId equals record.Id
                where link.PersonId == personId
                select record.SourceSystem + "/" + record.RecordId)
            .Take(MaxRecordsPerPerson)
            .ToListAsync(token);
        var personKey = AuditEntryMapping.PersonKey(personId);
        Expression<Func<Store.AuditLogEntry, bool>> filter = e => e.PersonIds.Contains(personKey);
        foreach (var record in records)
        {
            var recordKey = AuditEntryMapping.RecordKey(record);
            filter = Or(filter, e => e.RecordIds.Contains(recordKey));
        }

        return filter;
    }

    private static Expression<Func<Store.AuditLogEntry, bool>> RegionFilter(string scope)
    {
        if (scope.Length == 0)
        {
            return e => true;
        }

        var within = "%," + scope + "%";
        Expression<Func<Store.AuditLogEntry, bool>> filter = e => EF.Functions.Like(e.Regions, within);
        foreach (var enclosing in AuditRegions.EnclosingScopes(scope))
        {
            var key = "," + enclosing + ",";
            filter = Or(filter, e => e.Regions.Contains(key));
        }

        return filter;
    }

    private static Expression<Func<Store.AuditLogEntry, bool>> TimeFilter(Timestamp? from, Timestamp? to)
    {
        var fromMs = from is null ? long.MinValue : from.ToDateTimeOffset().ToUnixTimeMilliseconds();
        var toMs = to is null ? long.MaxValue : to.ToDateTimeOffset().ToUnixTimeMilliseconds();
        return e => e.TimeUnixMs >= fromMs && e.TimeUnixMs < toMs;
    }

    private async Task<long> LatestSizeAsync(CancellationToken token) =>
        (await log.LatestCheckpointAsync(token))?.TreeSize
            ?? throw new RpcException(new Grpc.Core.Status(StatusCode.FailedPrecondition, "No checkpoint has been signed yet; name a tree size."));

    private async Task<List<byte[]>> ProveAsync(Func<MerkleTree, List<byte[]>> prove, long size, string field, CancellationToken token) =>
        await log.WithTreeAsync(tree => size > tree.Size ? null : prove(tree), token)
            ?? throw RpcErrors.InvalidArgument(field, $"The log holds fewer than {size} entries.");

    private static int MaxEntries(int requested, string field) => requested switch
    {
        0 => DefaultMaxEntries,
        < 0 or > MaxEntriesLimit => throw RpcErrors.InvalidArgument(field, $"Ask for 1 to {MaxEntriesLimit} entries (0 for {DefaultMaxEntries})."),
        _ => requested,
    };

    private static Expression<Func<T, bool>> And<T>(Expression<Func<T, bool>> left, Expression<Func<T, bool>> right) =>
        Combine(left, right, Expression.AndAlso);

    private static Expression<Func<T, bool>> Or<T>(Expression<Func<T, bool>> left, Expression<Func<T, bool>> right) =>
        Combine(left, right, Expression.OrElse);

    private static Expression<Func<T, bool>> Combine<T>(Expression<Func<T, bool>> left, Expression<Func<T, bool>> right, Func<Expression, Expression, BinaryExpression> join)
    {
        var parameter = left.Parameters[0];
        var body = new ReplaceParameter(right.Parameters[0], parameter).Visit(right.Body);
        return Expression.Lambda<Func<T, bool>>(join(left.Body, body), parameter);
    }

    private sealed class ReplaceParameter(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : base.VisitParameter(node);
    }
}
