using Exchange.Contracts.V1;
using Exchange.Server.Security;
using Exchange.Store;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Exchange.Server.Services;

[Authorize(Policy = HubPolicies.ReadCoverage)]
public sealed class ChangeFeedGrpcService(
    IDbContextFactory<ExchangeDbContext> contextFactory,
    PersonEventSignal signal) : ChangeFeedService.ChangeFeedServiceBase
{
    private const int PageSize = 500;
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    public override async Task Subscribe(SubscribeRequest request, IServerStreamWriter<PersonChange> responseStream, ServerCallContext context)
    {
        var caller = CallerIdentity.From(context);
        Purposes.Require(caller, request.Purpose);

        if (request.AfterCursor < 0)
        {
            throw RpcErrors.InvalidArgument("after_cursor", "A cursor is never negative.");
        }

        var scope = RegionScopes.Resolve(caller, request.DivisionPrefix, "division_prefix");
        var kinds = request.Kinds.ToList();
        var cursor = request.AfterCursor;
        var token = context.CancellationToken;
        try
        {
            while (!token.IsCancellationRequested)
            {
                // Read before waiting: a pulse between the read and the wait is caught by the next poll.
                await using var db = await contextFactory.CreateDbContextAsync(token);
                var from = cursor;
                var page = await db.PersonEvents
                    .Where(e => e.Id > from && e.Division.StartsWith(scope) && (kinds.Count == 0 || kinds.Contains(e.Kind)))
                    .OrderBy(e => e.Id)
                    .Take(PageSize)
                    .ToListAsync(token);
                if (page.Count > 0)
                {
                    await CallerRecheck.EnsureStillAcceptedAsync(context, token);
                }

                foreach (var change in page)
                {
                    await responseStream.WriteAsync(new PersonChange
                    {
                        Cursor = change.Id,
                        PersonId = change.PersonId,
                        Kind = change.Kind,
                        Division = change.Division,
                        Detail = change.Detail,
                        OccurredAt = Timestamp.FromDateTime(DateTime.SpecifyKind(change.CreatedAtUtc, DateTimeKind.Utc)),
                    }, token);
                    cursor = change.Id;
                }

                if (page.Count < PageSize)
                {
                    await signal.WaitAsync(Poll, token);
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // The subscriber went away; it resumes from its last cursor.
        }
    }
}
