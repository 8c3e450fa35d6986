using Exchange.Audit;
using Exchange.Client;
using Exchange.Contracts.V1;
using Exchange.Server.Auditing;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Exchange.Server.IntegrationTests;

public sealed class AuditTreeStaysConsistent
{
    [Fact]
    public Task Eight_concurrent_clients_produce_one_consistent_tree_and_every_proof_verifies() => AuditKit.WithOwnHubAsync(async hub =>
    {
        await AuditKit.TrafficAsync(hub, "EARLY", 10, 2);
        var early = await AuditKit.SignAsync(hub);
        string[] clients = ["ps-gd", "hr-gd", "ps-bj", "hr-bj", "ps-national", "hr-national", "auditor", "admin"];

        await Task.WhenAll(clients.Select((client, c) => Task.Run(async () =>
        {
            var records = hub.Records(client);
            for (var i = 0; i < 12; i++)
            {
                if (client.StartsWith("ps-", StringComparison.Ordinal) && i % 3 == 0)
                {
                    var division = client == "ps-bj" ? "110105" : "440106";
                    await TestRecords.PushAsync(records, TestRecords.Batch($"{client}-{i}", [TestRecords.Register($"CONC-{client}-{i}", 1_000 + (c * 100) + i, division)]));
                }
                else
                {
                    // Auditors and admins are refused: refusals are entries of the same tree.
                    try
                    {
                        await records.GetRecordsAsync(new GetRecordsRequest { Purpose = "benefit-verification", NationalId = TestRecords.NationalId(10) });
                    }
                    catch (RpcException exception) when (exception.StatusCode == StatusCode.PermissionDenied)
                    {
                    }
                }
            }
        })));

        var latest = await AuditKit.SignAsync(hub);
        var auditor = AuditKit.Auditor(hub);
        using var key = AuditKit.PublicKey(hub);
        Assert.True(latest.Verify(key));

        var report = await AuditKit.ExportAndVerifyAsync(hub, early);
        Assert.True(report.Valid, string.Join("\n", report.Problems));
        Assert.True(latest.TreeSize >= 8 * 12);

        await using (var db = await hub.Store.CreateDbContextAsync())
        {
            var indexes = await db.AuditEntries.Where(e => e.Index < latest.TreeSize).OrderBy(e => e.Index).Select(e => e.Index).ToListAsync();
            Assert.Equal(Enumerable.Range(0, (int)latest.TreeSize).Select(i => (long)i), indexes);
        }

        for (var index = 0L; index < latest.TreeSize; index++)
        {
            var proof = await auditor.GetInclusionProofAsync(new InclusionProofRequest { LeafIndex = index, TreeSize = latest.TreeSize });
            var leaf = AuditExports.ToRecord(proof.Entry).LeafHash();
            Assert.True(MerkleProofs.VerifyInclusion(index, latest.TreeSize, leaf, proof.Hashes.Select(h => h.ToByteArray()).ToList(), latest.RootHash), $"entry {index}");
        }

        var consistency = await auditor.GetConsistencyProofAsync(new ConsistencyProofRequest { FirstSize = early.TreeSize, SecondSize = latest.TreeSize });
        Assert.True(MerkleProofs.VerifyConsistency(early.TreeSize, latest.TreeSize, early.RootHash, latest.RootHash, consistency.Hashes.Select(h => h.ToByteArray()).ToList()));

        var log = hub.Services.GetRequiredService<AuditLog>();
        Assert.True(log.Commits < log.EntriesWritten, "concurrent calls share group commits");
    });

    [Fact]
    public Task Two_audit_logs_on_one_store_as_two_hub_processes_would_interleave_without_collisions() => AuditKit.WithOwnHubAsync(async hub =>
    {
        // A second AuditLog over the same database has its own queue and tree cache, as a second hub process has.
        var first = hub.Services.GetRequiredService<AuditLog>();
        using var second = new AuditLog(
            hub.Store, hub.Services.GetRequiredService<AuditSigner>(), hub.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<AuditOptions>>(),
            TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<AuditLog>.Instance);
        await second.StartAsync(CancellationToken.None);

        var appends = Enumerable.Range(0, 200).Select(i => (i % 2 == 0 ? first : second).AppendAsync(new AuditRecord
        {
            TimeUnixMs = 1_780_000_000_000 + i, Event = "call", ClientId = i % 2 == 0 ? "process-a" : "process-b", Method = "/test/Append", Status = "OK", Count = i,
        }));
        var indexes = await Task.WhenAll(appends);
        await second.StopAsync(CancellationToken.None);

        Assert.Equal(indexes.Length, indexes.Distinct().Count());
        var size = await first.WithTreeAsync(tree => tree.Size, CancellationToken.None);
        Assert.Equal(indexes.Max() + 1, size);
        Assert.Equal(
            await first.WithTreeAsync(tree => Convert.ToHexString(tree.Root(size)), CancellationToken.None),
            await second.WithTreeAsync(tree => Convert.ToHexString(tree.Root(size)), CancellationToken.None));
        await AuditKit.SignAsync(hub);
        var report = await AuditKit.ExportAndVerifyAsync(hub, saved: null);
        Assert.True(report.Valid, string.Join("\n", report.Problems));
    });

    [Fact]
    public Task A_long_stream_names_everything_it_sent_across_its_progress_entries() => AuditKit.WithOwnHubAsync(async hub =>
    {
        await TestRecords.PushAsync(hub.Records("ps-gd"), TestRecords.Batch("P", Enumerable.Range(0, 10).Select(i => TestRecords.Register($"PROGRESS-{i}", 1_200 + i))));

        using var call = hub.Records("hr-gd").ListChanges(new ListChangesRequest { Purpose = "benefit-verification", SourceSystem = "ps-gd" });
        var received = await call.ResponseStream.ReadAllAsync().ToListAsync();
        using var query = AuditKit.Auditor(hub).QueryEntries(new AuditQuery { ClientId = "hr-gd", Method = "ListChanges" });
        var entries = await query.ResponseStream.ReadAllAsync().ToListAsync();

        Assert.Equal(10, received.Count);
        Assert.Equal("stream.begin", entries[0].Event);
        Assert.Equal("stream.end", entries[^1].Event);
        Assert.True(entries.Count(e => e.Event == "stream.progress") >= 3, $"{entries.Count} entries");
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"ps-gd/PROGRESS-{i}").Order(), entries.SelectMany(e => e.RecordIds).Order());
        Assert.Equal(10, entries.Sum(e => e.Count));
    }, new Dictionary<string, string?> { ["Hub:Audit:StreamIdsPerEntry"] = "3" });

    [Fact]
    public Task A_read_whose_entry_cannot_be_written_fails_and_returns_nothing() => AuditKit.WithOwnHubAsync(async hub =>
    {
        await TestRecords.PushAsync(hub.Records("ps-gd"), TestRecords.Batch("B", [TestRecords.Register("NOAUDIT-1", 900)]));
        var before = await hub.Records("hr-gd").GetRecordsAsync(new GetRecordsRequest { Purpose = "benefit-verification", NationalId = TestRecords.NationalId(900) });
        Assert.Single(before.Records);

        await using (var db = await hub.Store.CreateDbContextAsync())
        {
            // The log's table is gone from under the hub: no entry can be written.
            await db.Database.ExecuteSqlRawAsync("ALTER TABLE \"AuditEntries\" RENAME TO \"AuditEntriesElsewhere\"");
        }

        var read = await Assert.ThrowsAsync<RpcException>(() => hub.Records("hr-gd").GetRecordsAsync(new GetRecordsRequest { Purpose = "benefit-verification", NationalId = TestRecords.NationalId(900) }).ResponseAsync);
        var push = await Assert.ThrowsAsync<RpcException>(() => TestRecords.PushAsync(hub.Records("ps-gd"), TestRecords.Batch("C", [TestRecords.Register("NOAUDIT-2", 901)])));

        Assert.Equal(StatusCode.Unavailable, read.StatusCode);
        Assert.Equal(StatusCode.Unavailable, push.StatusCode);
    });
}
