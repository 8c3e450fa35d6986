using Exchange.Store;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Server.IntegrationTests;

/// <summary>
/// The store's bulk path (a pushed batch's rows, written without EF's change tracker) writes every column
/// type the model has so that EF reads the rows back unchanged, on each store: ids drawn after the highest
/// used, inserts, updates by key.
/// </summary>
public sealed class BulkWritesReadBackUnchanged
{
    private static readonly DateTime Stored = new(2026, 12, 4, 21, 30, 15, 123, DateTimeKind.Utc);

    [Fact]
    public Task On_sqlite() => StoreTestRuns.OnSqliteAsync(RoundTripAsync);

    [SkippableFact]
    public Task On_postgres() => StoreTestRuns.OnPostgresAsync(RoundTripAsync);

    [Fact]
    public Task Updates_that_keep_indexed_columns_on_sqlite() => StoreTestRuns.OnSqliteAsync(UpdatesKeepingIndexesAsync);

    [SkippableFact]
    public Task Updates_that_keep_indexed_columns_on_postgres() => StoreTestRuns.OnPostgresAsync(UpdatesKeepingIndexesAsync);

    // An update told which rows kept their indexed columns leaves those columns out of the statement for
    // them, and still writes every column of a row whose indexed column did change.
    private static async Task UpdatesKeepingIndexesAsync(IDbContextFactory<ExchangeDbContext> factory)
    {
        await using (var db = await factory.CreateDbContextAsync())
        {
            await StoreSetup.MigrateAsync(db);
            db.Persons.AddRange(
                new Person { Id = 1, NationalId = "110101198503120011", Name = "张伟", Division = "110101", RecordCount = 1, CreatedAtUtc = Stored, UpdatedAtUtc = Stored },
                new Person { Id = 2, NationalId = "110101199001010022", Name = "李娜", Division = "110102", RecordCount = 1, CreatedAtUtc = Stored, UpdatedAtUtc = Stored });
            await db.SaveChangesAsync();
        }

        await using (var db = await factory.CreateDbContextAsync())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            var persons = await db.Persons.OrderBy(p => p.Id).ToListAsync();
            var asRead = StoreBulk.SnapshotIndexed(db, persons);
            persons[0].RecordCount = 3;
            persons[0].Name = "張偉";
            persons[1].RecordCount = 2;
            persons[1].NationalId = "110101199001010030";
            persons[1].Division = "440305";
            await StoreBulk.UpdateAsync(db, persons, CancellationToken.None, asRead);
            await transaction.CommitAsync();
        }

        await using (var db = await factory.CreateDbContextAsync())
        {
            var persons = await db.Persons.OrderBy(p => p.Id).ToListAsync();
            Assert.Equal((3, "張偉", "110101198503120011", "110101"), (persons[0].RecordCount, persons[0].Name, persons[0].NationalId, persons[0].Division));
            Assert.Equal((2, "110101199001010030", "440305"), (persons[1].RecordCount, persons[1].NationalId, persons[1].Division));
            // The indexes answer for the changed values.
            Assert.Equal(2, await db.Persons.Where(p => p.NationalId == "110101199001010030").Select(p => p.Id).SingleAsync());
            Assert.Empty(await db.Persons.Where(p => p.Division == "110102").ToListAsync());
        }
    }

    private static async Task RoundTripAsync(IDbContextFactory<ExchangeDbContext> factory)
    {
        await using (var db = await factory.CreateDbContextAsync())
        {
            await StoreSetup.MigrateAsync(db);
            // One row the usual way, so the bulk ids must follow it.
            db.RecordVersions.Add(Version("seed", 1, [9]));
            await db.SaveChangesAsync();
        }

        var version = Version("r-1", 2, [0, 1, 2, 255]);
        var register = new SourceRecord
        {
            SourceSystem = "ps-test", RecordId = "r-1", Kind = StoredRecordKind.Register, Version = 2, NationalId = "11010119850312001X",
            Division = "110101", NameKey = "张伟", NamePinyin = "zhang wei", SurnamePinyin = "zhang", Gender = 1,
            BirthDate = new DateOnly(1985, 3, 12), ResidenceDivision = "440305", Deceased = true, DeathDate = new DateOnly(2025, 1, 31),
        };
        var enrollment = new SourceRecord
        {
            SourceSystem = "ps-test", RecordId = "r-2", Kind = StoredRecordKind.Enrollment, Version = 1, Division = "110102", NameKey = "李娜",
            Gender = 2, Scheme = 1, EnrollmentStatus = 1, StartDate = new DateOnly(2020, 1, 1),
        };
        var person = new Person
        {
            Id = 42, NationalId = "11010119850312001X", Name = "张伟", Gender = 1, BirthDate = new DateOnly(1985, 3, 12), HukouDivision = "110101",
            Division = "110101", InRegister = true, Deceased = true, DeathDate = new DateOnly(2025, 1, 31), RecordCount = 1, MergedIntoId = null,
            CreatedAtUtc = Stored, UpdatedAtUtc = Stored,
        };

        await using (var db = await factory.CreateDbContextAsync())
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            version.Id = Assert.Single(await StoreBulk.AllocateIdsAsync<RecordVersion>(db, 1, CancellationToken.None));
            var ids = await StoreBulk.AllocateIdsAsync<SourceRecord>(db, 2, CancellationToken.None);
            (register.Id, enrollment.Id) = (ids[0], ids[1]);
            register.VersionRowId = version.Id;
            await StoreBulk.InsertAsync(db, [version], CancellationToken.None);
            await StoreBulk.InsertAsync(db, [register, enrollment], CancellationToken.None);
            await StoreBulk.InsertAsync(db, [person], CancellationToken.None);
            await transaction.CommitAsync();
        }

        Assert.Equal(2, version.Id);
        Assert.Equal([1L, 2L], [register.Id, enrollment.Id]);
        await AssertStoredAsync(factory, version, register, enrollment, person);

        // Updates by key: every other column is written, nulls included.
        register.Deceased = false;
        register.DeathDate = null;
        register.NameKey = "張偉";
        person.MergedIntoId = 7;
        person.BirthDate = null;
        person.UpdatedAtUtc = Stored.AddDays(1);
        await using (var db = await factory.CreateDbContextAsync())
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            await StoreBulk.UpdateAsync(db, [register], CancellationToken.None);
            await StoreBulk.UpdateAsync(db, [person], CancellationToken.None);
            await transaction.CommitAsync();
        }

        await AssertStoredAsync(factory, version, register, enrollment, person);
    }

    private static async Task AssertStoredAsync(IDbContextFactory<ExchangeDbContext> factory, RecordVersion version, SourceRecord register, SourceRecord enrollment, Person person)
    {
        await using var db = await factory.CreateDbContextAsync();
        AssertSame(version, await db.RecordVersions.SingleAsync(v => v.Id == version.Id));
        AssertSame(register, await db.SourceRecords.SingleAsync(r => r.Id == register.Id));
        AssertSame(enrollment, await db.SourceRecords.SingleAsync(r => r.Id == enrollment.Id));
        AssertSame(person, await db.Persons.SingleAsync(p => p.Id == person.Id));
    }

    private static void AssertSame<T>(T expected, T actual)
    {
        foreach (var property in typeof(T).GetProperties().Where(p => p.GetIndexParameters().Length == 0))
        {
            var (want, got) = (property.GetValue(expected), property.GetValue(actual));
            switch (want)
            {
                case DateTime time:
                    // SQLite hands back an unspecified kind, PostgreSQL UTC: the instant is what must survive.
                    Assert.Equal(time.Ticks, ((DateTime)got!).Ticks);
                    break;
                case byte[] bytes:
                    Assert.Equal(bytes, (byte[])got!);
                    break;
                default:
                    Assert.True(Equals(want, got), $"{typeof(T).Name}.{property.Name}: wrote {want}, read {got}");
                    break;
            }
        }
    }

    private static RecordVersion Version(string recordId, long version, byte[] payload) => new()
    {
        SourceSystem = "ps-test", RecordId = recordId, Version = version, Kind = StoredRecordKind.Register, NationalId = "11010119850312001X",
        Division = "110101", ContentHash = [.. payload, 1], Payload = payload, Flags = "ID_15_DIGIT", BatchId = "b-1", StoredAtUtc = Stored,
    };
}
