using System.Security.Cryptography;

namespace Exchange.Audit.Tests;

public sealed class EntriesAndCheckpoints
{
    private static readonly AuditRecord Sample = new()
    {
        Index = 4,
        TimeUnixMs = 1_780_000_000_000,
        Event = "call",
        ClientId = "hr-gd",
        CertificateThumbprint = "AB12",
        Role = "hr",
        Method = "/exchange.v1.RecordService/GetRecords",
        Purpose = "benefit-verification",
        Parameters = "{\"national_id\":\"440106198503121237\"}",
        PersonIds = [2, 9],
        RecordIds = ["hr-gd/GD-HR-100002"],
        Regions = ["44"],
        Count = 3,
        Status = "OK",
        StatusDetail = "",
        DurationMs = 12,
    };

    public static TheoryData<string, AuditRecord> EveryFieldChanged => new()
    {
        { "index", Sample with { Index = 5 } },
        { "time", Sample with { TimeUnixMs = Sample.TimeUnixMs + 1 } },
        { "event", Sample with { Event = "stream.begin" } },
        { "client", Sample with { ClientId = "hr-bj" } },
        { "thumbprint", Sample with { CertificateThumbprint = "AB13" } },
        { "role", Sample with { Role = "ps" } },
        { "method", Sample with { Method = "/exchange.v1.RecordService/ListChanges" } },
        { "purpose", Sample with { Purpose = "statistics" } },
        { "parameters", Sample with { Parameters = "{}" } },
        { "person ids", Sample with { PersonIds = [2] } },
        { "person ids order", Sample with { PersonIds = [9, 2] } },
        { "record ids", Sample with { RecordIds = [] } },
        { "regions", Sample with { Regions = ["11"] } },
        { "count", Sample with { Count = 4 } },
        { "status", Sample with { Status = "PERMISSION_DENIED" } },
        { "detail", Sample with { StatusDetail = "x" } },
        { "duration", Sample with { DurationMs = 13 } },
        // Length prefixes: moving a character from one field to the next is a different entry.
        { "field boundary", Sample with { ClientId = "hr-g", CertificateThumbprint = "dAB12" } },
    };

    [Theory]
    [MemberData(nameof(EveryFieldChanged))]
    public void ChangingAnyFieldChangesTheLeafHash(string field, AuditRecord changed)
    {
        Assert.False(Sample.LeafHash().AsSpan().SequenceEqual(changed.LeafHash()), field);
    }

    [Fact]
    public void TheEncodingIsDeterministicAndSurvivesTheExportFormat()
    {
        var line = AuditExport.ToLine(new AuditExportLine { Entry = Sample });
        var back = AuditExport.ParseLine(line).Entry!;
        Assert.Equal(Sample.Encode(), back.Encode());
        Assert.Equal(Sample.LeafHash(), Sample.LeafHash());
    }

    [Fact]
    public void ACheckpointVerifiesWithItsKeyOnlyAndSurvivesItsNoteForm()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var checkpoint = Checkpoint.Sign(key, 42, MerkleHash.Leaf([1, 2, 3]), 1_780_000_000);

        var note = checkpoint.ToNote();
        Assert.StartsWith("exchange.v1 audit checkpoint\n42\n", note, StringComparison.Ordinal);
        var parsed = Checkpoint.ParseNote(note);
        Assert.True(parsed.Verify(key));
        Assert.False(parsed.Verify(other));
        Assert.False((parsed with { TreeSize = 43 }).Verify(key));
        Assert.False((parsed with { RootHash = MerkleHash.Leaf([9]) }).Verify(key));
        Assert.False((parsed with { TimeUnixSeconds = 1 }).Verify(key));
    }

    [Fact]
    public void TheKeyPairIsCreatedOnceAndThePublicFileVerifies()
    {
        var folder = Path.Combine(Path.GetTempPath(), "exchange-audit-key-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var first = AuditKey.LoadOrCreate(folder);
            using var second = AuditKey.LoadOrCreate(folder);
            Assert.Equal(AuditKey.KeyId(first), AuditKey.KeyId(second));
            using var publicKey = AuditKey.LoadPublic(Path.Combine(folder, AuditKey.PublicKeyFileName));
            Assert.True(Checkpoint.Sign(second, 1, MerkleHash.Leaf([]), 5).Verify(publicKey));
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(folder, AuditKey.PrivateKeyFileName)));
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
