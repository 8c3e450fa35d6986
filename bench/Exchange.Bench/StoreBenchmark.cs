using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Exchange.Client;
using Exchange.Contracts.V1;
using Exchange.Reconciliation.Persons;
using Exchange.Server.Linking;
using Exchange.Server.Services;
using Exchange.Store;
using Exchange.Synthetic;
using Exchange.Validation;
using Google.Protobuf;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Exchange.Bench;

/// <summary>
/// What the PostgreSQL store costs per person and how fast its bulk path writes: the synthetic registry's
/// records turned into stored versions, current views (with the facts a push derives) and blocking keys
/// exactly as a push does, plus links and persons from the generator's truth; each table written by the
/// store's binary COPY path (PostgresBulk) into a freshly migrated database, then measured.
/// </summary>
internal static class StoreBenchmark
{
    private const int RowsPerCopy = 50_000;

    public static async Task<int> RunAsync(int people, string adminConnectionString, string output)
    {
        var database = "exchange_bench_" + people.ToString(CultureInfo.InvariantCulture);
        await BenchEnvironment.DropDatabaseAsync(adminConnectionString, database);
        await BenchEnvironment.AdminAsync(adminConnectionString, $"CREATE DATABASE {database} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'");
        var store = StoreSetup.Open(new StoreConnection(StoreProvider.Postgres, new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = database, CommandTimeout = 0 }.ConnectionString));
        await using (var db = await store.CreateDbContextAsync())
        {
            await StoreSetup.MigrateAsync(db);
        }

        Console.WriteLine($"generating {people:N0} people");
        var folder = Directory.CreateTempSubdirectory("exchange-store-bench-").FullName;
        var registry = RegistryGenerator.Generate(new GeneratorOptions { People = people, Seed = 5 });
        registry.WriteFiles(folder);
        var truth = registry.RegisterRows().Select(r => (Source: "ps-national", r.RecordId, r.PersonId))
            .Concat(registry.EnrollmentRows().Select(e => (Source: "hr-national", e.RecordId, e.PersonId)))
            .DistinctBy(r => (r.Source, r.RecordId))
            .ToDictionary(r => (r.Source, r.RecordId), r => r.PersonId);

        var validator = new RecordValidator(TimeProvider.System);
        var now = DateTime.UtcNow;
        var versions = new List<RecordVersion>();
        var views = new Dictionary<(string, string), SourceRecord>();
        foreach (var (source, file) in new[] { ("ps-national", "register.csv"), ("hr-national", "enrollment.csv") })
        {
            using var reader = new StreamReader(Path.Combine(folder, file));
            await foreach (var envelope in RecordCsv.ReadAsync(reader, _ => { }))
            {
                var checkedRecord = validator.Validate(envelope);
                if (!checkedRecord.IsValid)
                {
                    continue;
                }

                var payload = envelope.ToByteArray();
                var version = new RecordVersion
                {
                    Id = versions.Count + 1,
                    SourceSystem = source,
                    RecordId = envelope.RecordId,
                    Version = envelope.Version,
                    Kind = (StoredRecordKind)checkedRecord.Kind,
                    NationalId = checkedRecord.NationalId,
                    Division = checkedRecord.Division,
                    ContentHash = SHA256.HashData(payload),
                    Payload = payload,
                    Flags = string.Join(',', checkedRecord.Flags),
                    BatchId = "bench",
                    StoredAtUtc = now,
                };
                versions.Add(version);
                if (views.TryGetValue((source, envelope.RecordId), out var view) && view.Version > envelope.Version)
                {
                    continue;
                }

                view ??= new SourceRecord { Id = views.Count + 1, SourceSystem = source, RecordId = envelope.RecordId };
                view.Kind = version.Kind;
                view.Version = version.Version;
                view.NationalId = version.NationalId;
                view.Division = version.Division;
                view.VersionRowId = version.Id;
                view.Apply(BatchIngestor.FactsOf(envelope)!);
                views[(source, envelope.RecordId)] = view;
            }
        }

        var keys = views.Values.SelectMany(v => PersonLinkage.BlockingKeys(PersonRecords.From(v)).OfType<string>().Distinct()
            .Select(k => new BlockingKey { Key = k, SourceRecordId = v.Id })).ToList();
        var personIds = new Dictionary<string, long>();
        var links = views.Values.Select(v => new RecordLink
        {
            SourceRecordId = v.Id,
            PersonId = personIds.TryGetValue(truth[(v.SourceSystem, v.RecordId)], out var id) ? id : personIds[truth[(v.SourceSystem, v.RecordId)]] = personIds.Count + 1,
            Method = "auto",
            Weight = 27.8,
            Levels = "national_id=exact;name=exact;birth_date=exact;gender=exact;division=same county",
            RuleVersion = PersonLinkage.RuleVersion,
            LinkedAtUtc = now,
        }).ToList();
        var persons = registry.Persons().Where(p => personIds.ContainsKey(p.PersonId)).Select(p => new Store.Person
        {
            Id = personIds[p.PersonId],
            NationalId = p.NationalId,
            Name = p.Name,
            Gender = p.Sex == Sex.Male ? 1 : 2,
            BirthDate = p.BirthDate,
            HukouDivision = p.HukouDivision,
            ResidenceDivision = p.ResidenceDivision,
            Division = p.InRegister ? p.HukouDivision : p.ResidenceDivision,
            InRegister = p.InRegister,
            Deceased = !p.Alive,
            DeathDate = p.DeathDate,
            RecordCount = 1,
            Migrant = p.Migrant,
            CreatedAtUtc = now,
            UpdatedAtUtc = now,
        }).ToList();
        Directory.Delete(folder, recursive: true);

        var rows = new List<(string Table, long Rows, double Seconds)>
        {
            await CopyAsync(store, "RecordVersions", versions),
            await CopyAsync(store, "SourceRecords", views.Values.ToList()),
            await CopyAsync(store, "BlockingKeys", keys),
            await CopyAsync(store, "Persons", persons),
            await CopyAsync(store, "RecordLinks", links),
        };

        var sizes = new List<(string Table, long Rows, long TableBytes, long IndexBytes)>();
        await using (var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = database }.ConnectionString))
        {
            await connection.OpenAsync();
            await using (var analyze = new NpgsqlCommand("VACUUM ANALYZE", connection))
            {
                await analyze.ExecuteNonQueryAsync();
            }

            await using var command = new NpgsqlCommand(
                "SELECT relname, n_live_tup, pg_table_size(relid), pg_indexes_size(relid) FROM pg_stat_user_tables WHERE n_live_tup > 100 ORDER BY pg_table_size(relid) + pg_indexes_size(relid) DESC", connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                sizes.Add((reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3)));
            }
        }

        var report = Report(people, persons.Count, views.Count, rows, sizes);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        await File.WriteAllTextAsync(output, report);
        Console.WriteLine(report);
        await BenchEnvironment.DropDatabaseAsync(adminConnectionString, database);
        return 0;
    }

    /// <summary>The store's COPY path, one transaction per <see cref="RowsPerCopy"/> rows, as pushed batches are.</summary>
    private static async Task<(string, long, double)> CopyAsync<T>(IDbContextFactory<ExchangeDbContext> store, string table, List<T> rows)
        where T : class
    {
        var watch = Stopwatch.StartNew();
        foreach (var chunk in rows.Chunk(RowsPerCopy))
        {
            await using var db = await store.CreateDbContextAsync();
            await using var transaction = await db.Database.BeginTransactionAsync();
            await PostgresBulk.InsertAsync(db, chunk, CancellationToken.None);
            await transaction.CommitAsync();
        }

        Console.WriteLine($"{table}: {rows.Count:N0} rows in {watch.Elapsed.TotalSeconds:F1} s");
        return (table, rows.Count, watch.Elapsed.TotalSeconds);
    }

    private static string Report(int people, int persons, int records, List<(string Table, long Rows, double Seconds)> copies, List<(string Table, long Rows, long TableBytes, long IndexBytes)> sizes)
    {
        static string Mib(long bytes) => (bytes / 1024.0 / 1024.0).ToString("F1", CultureInfo.InvariantCulture);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# PostgreSQL store benchmark\n\n{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}, {people:N0} people generated, {persons:N0} persons, {records:N0} current records.");
        text.AppendLine("Rows built as a push builds them (validation, facts, blocking keys), links and persons from the generator's truth; written by the store's binary COPY path into a migrated database (indexes in place), 50,000 rows per transaction.\n");
        text.AppendLine("| table | rows | COPY (s) | rows/s | table (MiB) | indexes (MiB) | bytes per person |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        long total = 0;
        foreach (var size in sizes)
        {
            var copy = copies.FirstOrDefault(c => c.Table == size.Table);
            var rate = copy.Seconds > 0 ? (copy.Rows / copy.Seconds).ToString("N0", CultureInfo.InvariantCulture) : "-";
            total += size.TableBytes + size.IndexBytes;
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {size.Table} | {size.Rows:N0} | {copy.Seconds:F1} | {rate} | {Mib(size.TableBytes)} | {Mib(size.IndexBytes)} | {(size.TableBytes + size.IndexBytes) / (double)persons:N0} |");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"| **all** | | | | | | **{total / (double)persons:N0}** |");
        return text.ToString();
    }
}
