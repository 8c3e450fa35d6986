using Exchange.Contracts.V1;
using Grpc.Core;

namespace Exchange.Server.IntegrationTests;

public abstract class ChangeFeedIsResumable(HubFixture hub)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private static RecordEnvelope Register(string recordId, int n, long version = 1, Date? died = null)
    {
        var record = TestRecords.Register(recordId, n, version: version);
        if (died is not null)
        {
            record.Register.VitalStatus = VitalStatus.Deceased;
            record.Register.DeathDate = died;
        }

        return record;
    }

    private AsyncServerStreamingCall<PersonChange> Subscribe(string client, long after, CancellationToken token, DateTime? deadline = null) =>
        new ChangeFeedService.ChangeFeedServiceClient(hub.Channel(client)).Subscribe(
            new SubscribeRequest { AfterCursor = after, Purpose = "benefit-verification" }, deadline: deadline, cancellationToken: token);

    private static async Task<PersonChange> NextAsync(AsyncServerStreamingCall<PersonChange> call, Func<PersonChange, bool> wanted)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (await call.ResponseStream.MoveNext(timeout.Token))
        {
            if (wanted(call.ResponseStream.Current))
            {
                return call.ResponseStream.Current;
            }
        }

        throw new InvalidOperationException("The feed ended.");
    }

    [SkippableFact]
    public async Task A_death_reaches_the_regional_HR_subscriber_at_once_and_a_resumed_subscription_loses_and_repeats_nothing()
    {
        using var subscription = new CancellationTokenSource();
        using var feed = Subscribe("hr-gd", 0, subscription.Token);

        await TestRecords.PushAsync(hub.Records("ps-gd"), TestRecords.Batch("r", [Register("FEED-P-1", 900)]));
        await TestRecords.PushAsync(hub.Records("hr-gd"), TestRecords.Batch("e", [TestRecords.Enrollment("FEED-E-1", 900)]));
        var linked = await NextAsync(feed, c => c.Kind == "record_linked" && c.Detail.Contains("FEED-E-1", StringComparison.Ordinal));

        // PS records the death; HR still pays the pension.
        await TestRecords.PushAsync(hub.Records("ps-gd"), TestRecords.Batch("d", [Register("FEED-P-1", 900, version: 2, died: new Date { Year = 2026, Month = 11, Day = 2 })]));
        var alarm = await NextAsync(feed, c => c.Kind == "deceased_with_active_enrollment");
        Assert.Equal(linked.PersonId, alarm.PersonId);
        Assert.StartsWith("44", alarm.Division, StringComparison.Ordinal);
        var lastSeen = alarm.Cursor;
        await subscription.CancelAsync();

        // Changes while the subscriber is away...
        await TestRecords.PushAsync(hub.Records("ps-gd"), TestRecords.Batch("r2", [Register("FEED-P-2", 901)]));

        // ...arrive when it resumes from its cursor, once each, in order.
        using var again = new CancellationTokenSource();
        using var resumed = Subscribe("hr-gd", lastSeen, again.Token);
        var created = await NextAsync(resumed, c => c.Kind == "person_created");
        Assert.True(created.Cursor > lastSeen);
        await again.CancelAsync();

        using var all = new CancellationTokenSource();
        using var replay = Subscribe("hr-gd", 0, all.Token);
        var cursors = new List<long>();
        while (cursors.Count == 0 || cursors[^1] < created.Cursor)
        {
            cursors.Add((await NextAsync(replay, _ => true)).Cursor);
        }

        Assert.Equal(cursors.Distinct().Order(), cursors);
        Assert.Contains(alarm.Cursor, cursors);
        await all.CancelAsync();
    }

    [SkippableFact]
    public async Task Another_regions_subscriber_sees_none_of_it_and_a_purpose_is_required()
    {
        await TestRecords.PushAsync(hub.Records("ps-gd"), TestRecords.Batch("r", [Register("FEED-GD-9", 950)]));
        await TestRecords.PushAsync(hub.Records("ps-bj"), TestRecords.Batch("r", [TestRecords.Register("FEED-BJ-9", 951, division: "110105")]));

        using var beijing = Subscribe("hr-bj", 0, CancellationToken.None);
        var first = await NextAsync(beijing, _ => true);
        var seen = new List<PersonChange> { first };
        using (var quiet = new CancellationTokenSource(TimeSpan.FromSeconds(2)))
        {
            try
            {
                while (await beijing.ResponseStream.MoveNext(quiet.Token))
                {
                    seen.Add(beijing.ResponseStream.Current);
                }
            }
            catch (RpcException exception) when (exception.StatusCode == StatusCode.Cancelled)
            {
                // No more Beijing events within the window.
            }
        }

        var noPurpose = new ChangeFeedService.ChangeFeedServiceClient(hub.Channel("hr-gd")).Subscribe(new SubscribeRequest());
        var refused = await Assert.ThrowsAsync<RpcException>(() => noPurpose.ResponseStream.MoveNext());

        Assert.All(seen, c => Assert.StartsWith("11", c.Division, StringComparison.Ordinal));
        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
    }
}
