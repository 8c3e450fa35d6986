using Exchange.Audit;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Server.IntegrationTests;

/// <summary>
/// The five ways to tamper with the stored log, done with SQL straight into the hub's SQLite file after
/// the auditor saved a checkpoint; export + verify must fail and say what is wrong.
/// </summary>
public sealed class AuditVerifyDetectsTampering
{
    [Theory]
    [InlineData("change a field", "Entry 2: its fields do not hash to the leaf hash stored with it")]
    [InlineData("delete an entry", "Entries 3..3 are missing")]
    [InlineData("reorder two entries", "the root hash of the first")]
    [InlineData("truncate the tail", "Your saved checkpoint at size")]
    [InlineData("replace a checkpoint", "the signature does not verify with the hub's public audit key")]
    public Task Verify_detects_it(string tampering, string expectedProblem) => AuditKit.WithOwnHubAsync(async hub =>
    {
        await AuditKit.TrafficAsync(hub, "TAMPER-A", 100, 3);
        await AuditKit.TrafficAsync(hub, "TAMPER-B", 200, 3);
        var saved = await AuditKit.SignAsync(hub);
        await AuditKit.TrafficAsync(hub, "TAMPER-C", 300, 3);
        await AuditKit.SignAsync(hub);

        var intact = await AuditKit.ExportAndVerifyAsync(hub, saved);
        Assert.True(intact.Valid, string.Join("\n", intact.Problems));

        await using (var db = await hub.Store.CreateDbContextAsync())
        {
            switch (tampering)
            {
                case "change a field":
                    await db.Database.ExecuteSqlRawAsync("UPDATE \"AuditEntries\" SET \"Purpose\" = 'statistics' WHERE \"Index\" = 2");
                    break;
                case "delete an entry":
                    await db.Database.ExecuteSqlRawAsync("DELETE FROM \"AuditEntries\" WHERE \"Index\" = 3");
                    break;
                case "reorder two entries":
                    await db.Database.ExecuteSqlRawAsync("UPDATE \"AuditEntries\" SET \"Index\" = -1 WHERE \"Index\" = 1");
                    await db.Database.ExecuteSqlRawAsync("UPDATE \"AuditEntries\" SET \"Index\" = 1 WHERE \"Index\" = 4");
                    await db.Database.ExecuteSqlRawAsync("UPDATE \"AuditEntries\" SET \"Index\" = 4 WHERE \"Index\" = -1");
                    break;
                case "truncate the tail":
                    // A careful forger: drops the tail, every checkpoint that covered it, and rewinds the head,
                    // so new entries continue without a gap. Only the auditor's saved checkpoint remembers.
                    var keep = saved.TreeSize - 2;
                    await db.Database.ExecuteSqlRawAsync("DELETE FROM \"AuditEntries\" WHERE \"Index\" >= {0}", keep);
                    await db.Database.ExecuteSqlRawAsync("DELETE FROM \"AuditCheckpoints\" WHERE \"TreeSize\" > {0}", keep);
                    await db.Database.ExecuteSqlRawAsync("UPDATE \"AuditHead\" SET \"TreeSize\" = {0}", keep);
                    break;
                case "replace a checkpoint":
                    var other = await db.AuditCheckpoints.OrderBy(c => c.TreeSize).FirstAsync();
                    await db.Database.ExecuteSqlRawAsync("UPDATE \"AuditCheckpoints\" SET \"RootHash\" = {0} WHERE \"Id\" = {1}", MerkleHash.Leaf([1, 2, 3]), other.Id);
                    break;
            }
        }

        var report = await AuditKit.ExportAndVerifyAsync(hub, saved);
        Assert.False(report.Valid);
        Assert.Contains(report.Problems, p => p.Contains(expectedProblem, StringComparison.Ordinal));
    });
}
