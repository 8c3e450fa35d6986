using System.Security.Cryptography;
using Exchange.Audit;
using Exchange.Client;
using Exchange.Contracts.V1;
using Exchange.Server.Auditing;
using Microsoft.Extensions.DependencyInjection;

namespace Exchange.Server.IntegrationTests;

/// <summary>What the audit tests share: traffic to audit, an auditor's client, export and offline verification.</summary>
internal static class AuditKit
{
    /// <summary>Runs a test against a hub of its own (tests that tamper with the store must not share one).</summary>
    public static async Task WithOwnHubAsync(Func<HubFixture, Task> test, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var hub = new SqliteHub { ExtraSettings = settings ?? new Dictionary<string, string?>() };
        await hub.InitializeAsync();
        try
        {
            await test(hub);
        }
        finally
        {
            await hub.DisposeAsync();
        }
    }

    public static AuditService.AuditServiceClient Auditor(HubFixture hub, string clientId = "auditor") => new(hub.Channel(clientId));

    /// <summary>The hub's public audit key, as an auditor holds it: read from the public key file only.</summary>
    public static ECDsa PublicKey(HubFixture hub) => AuditKey.LoadPublic(hub.Services.GetRequiredService<AuditSigner>().PublicKeyFile);

    /// <summary>Pushes register records as ps-gd and reads one back as hr-gd: calls that must be audited.</summary>
    public static async Task TrafficAsync(HubFixture hub, string prefix, int first, int count)
    {
        var records = Enumerable.Range(first, count).Select(n => TestRecords.Register($"{prefix}-{n}", n)).ToList();
        await TestRecords.PushAsync(hub.Records("ps-gd"), TestRecords.Batch(prefix, records));
        await hub.Records("hr-gd").GetRecordsAsync(new GetRecordsRequest { Purpose = "benefit-verification", NationalId = TestRecords.NationalId(first) });
    }

    public static async Task<Checkpoint> SignAsync(HubFixture hub) =>
        AuditExports.ToCheckpoint(await Auditor(hub).GetCheckpointAsync(new GetCheckpointRequest { SignNow = true }));

    public static async Task<VerificationReport> ExportAndVerifyAsync(HubFixture hub, Checkpoint? saved, string clientId = "auditor")
    {
        var lines = await AuditExports.ReadAllAsync(Auditor(hub, clientId));
        using var key = PublicKey(hub);
        return AuditVerifier.Verify(lines, key, saved);
    }
}
