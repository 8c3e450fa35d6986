using Exchange.Client;
using Exchange.Contracts.V1;
using Exchange.Server.Services;
using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Exchange.Server.IntegrationTests;

public abstract class FailedPushesLoseNothingAcknowledged(HubFixture hub)
{
    // The same method as RecordService.Push, with raw bytes, to send what a careless or hostile client could.
    private static readonly Method<byte[], byte[]> RawPush = new(
        MethodType.DuplexStreaming, "exchange.v1.RecordService", "Push", Marshallers.Create(b => b, b => b), Marshallers.Create(b => b, b => b));

    private static PushBatch Batch(string prefix, int count, int offset, string batchId = "b") =>
        TestRecords.Batch(batchId, Enumerable.Range(0, count).Select(i => TestRecords.Register($"{prefix}{i:D5}", offset + i)));

    [SkippableFact]
    public async Task A_client_that_cancels_mid_stream_keeps_acknowledged_batches_and_never_leaves_a_partial_batch()
    {
        using var cancel = new CancellationTokenSource();
        using var call = hub.Records("ps-gd").Push(cancellationToken: cancel.Token);
        await call.RequestStream.WriteAsync(Batch("CANCEL-A-", 1_000, 500_000, "1"));
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(1_000, call.ResponseStream.Current.Stored);

        await call.RequestStream.WriteAsync(Batch("CANCEL-B-", HubFixture.MaxBatchRecords, 510_000, "2"));
        await cancel.CancelAsync();
        await hub.Services.GetRequiredService<PushActivity>().WhenIdleAsync();

        Assert.Equal(1_000, await hub.CountVersionsAsync("ps-gd", "CANCEL-A-"));
        Assert.Contains(await hub.CountVersionsAsync("ps-gd", "CANCEL-B-"), new[] { 0, HubFixture.MaxBatchRecords });
    }

    [SkippableFact]
    public async Task A_malformed_message_ends_the_stream_with_invalid_argument_and_keeps_earlier_batches()
    {
        using var call = hub.Channel("ps-gd").CreateCallInvoker().AsyncDuplexStreamingCall(RawPush, null, new CallOptions());
        await call.RequestStream.WriteAsync(Batch("MALFORMED-", 10, 520_000).ToByteArray());
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(10, PushAck.Parser.ParseFrom(call.ResponseStream.Current).Stored);

        // Field 2 (records) declared as a length-delimited value longer than what follows.
        await call.RequestStream.WriteAsync([0x12, 0xFF, 0x7F, 0x0A, 0x01]);
        var exception = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None));

        Assert.Equal(StatusCode.InvalidArgument, exception.StatusCode);
        Assert.Equal(10, await hub.CountVersionsAsync("ps-gd", "MALFORMED-"));
    }

    [SkippableFact]
    public async Task An_oversized_message_is_refused_with_resource_exhausted_and_keeps_earlier_batches()
    {
        using var call = hub.Records("ps-gd").Push();
        await call.RequestStream.WriteAsync(Batch("OVERSIZE-A-", 10, 530_000));
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));

        var huge = Batch("OVERSIZE-B-", 1, 531_000);
        huge.Records[0].Register.Name = new string('x', HubFixture.MaxMessageBytes);
        try
        {
            await call.RequestStream.WriteAsync(huge);
        }
        catch (RpcException)
        {
            // The hub may end the call while the write is still under way; its status follows below.
        }

        var exception = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None));

        Assert.Equal(StatusCode.ResourceExhausted, exception.StatusCode);
        Assert.Equal(10, await hub.CountVersionsAsync("ps-gd", "OVERSIZE-A-"));
        Assert.Equal(0, await hub.CountVersionsAsync("ps-gd", "OVERSIZE-B-"));
    }

    [SkippableFact]
    public async Task An_invalid_batch_sent_right_behind_a_good_one_fails_only_after_the_good_one_is_stored_and_acknowledged()
    {
        // The hub validates batches ahead of storing them: the invalid one is seen first, yet must end the
        // stream only in its place.
        using var call = hub.Records("ps-gd").Push();
        await call.RequestStream.WriteAsync(Batch("AHEAD-", 10, 535_000));
        await call.RequestStream.WriteAsync(new PushBatch { BatchId = "empty-behind" });

        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(10, call.ResponseStream.Current.Stored);
        var exception = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None));

        Assert.Equal(StatusCode.InvalidArgument, exception.StatusCode);
        Assert.Equal("records", exception.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations.Single().Field);
        Assert.Equal(10, await hub.CountVersionsAsync("ps-gd", "AHEAD-"));
    }

    [SkippableFact]
    public async Task A_batch_over_the_record_limit_or_empty_is_invalid_with_field_details()
    {
        var tooMany = await Assert.ThrowsAsync<RpcException>(() =>
            TestRecords.PushAsync(hub.Records("ps-gd"), Batch("TOOMANY-", HubFixture.MaxBatchRecords + 1, 540_000)));
        var empty = await Assert.ThrowsAsync<RpcException>(() =>
            TestRecords.PushAsync(hub.Records("ps-gd"), new PushBatch { BatchId = "empty" }));

        Assert.Equal(StatusCode.InvalidArgument, tooMany.StatusCode);
        Assert.Equal("records", tooMany.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations.Single().Field);
        Assert.Equal(StatusCode.InvalidArgument, empty.StatusCode);
        Assert.Equal(0, await hub.CountVersionsAsync("ps-gd", "TOOMANY-"));
    }

    [SkippableFact]
    public async Task Concurrent_pushes_of_the_same_records_store_each_version_once()
    {
        static async IAsyncEnumerable<RecordEnvelope> Same()
        {
            for (var i = 0; i < 600; i++)
            {
                yield return TestRecords.Register($"RACE-{i:D4}", 550_000 + i);
            }

            await Task.CompletedTask;
        }

        var pushes = await Task.WhenAll(
            RecordPusher.PushAsync(hub.Records("ps-gd"), Same(), new PushOptions(BatchSize: 50)),
            RecordPusher.PushAsync(hub.Records("ps-gd"), Same(), new PushOptions(BatchSize: 70)),
            RecordPusher.PushAsync(hub.Records("ps-gd"), Same(), new PushOptions(BatchSize: 90)));

        Assert.Equal(600, pushes.Sum(p => p.Stored));
        Assert.Equal(1_200, pushes.Sum(p => p.Duplicates));
        Assert.Equal(600, await hub.CountVersionsAsync("ps-gd", "RACE-"));
    }

    [SkippableFact]
    public async Task Invalid_query_arguments_get_invalid_argument()
    {
        var badId = await Assert.ThrowsAsync<RpcException>(() =>
            hub.Records("hr-gd").GetRecordsAsync(new GetRecordsRequest { Purpose = "benefit-verification", NationalId = "12345" }).ResponseAsync);
        var badPrefix = await Assert.ThrowsAsync<RpcException>(() =>
            hub.Records("hr-gd").GetRecordsAsync(new GetRecordsRequest { Purpose = "benefit-verification", NationalId = TestRecords.NationalId(1), DivisionPrefix = "44x" }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, badId.StatusCode);
        Assert.Equal("national_id", badId.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations.Single().Field);
        Assert.Equal(StatusCode.InvalidArgument, badPrefix.StatusCode);
    }
}
