using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Exchange.Client;
using Exchange.Contracts.V1;
using Exchange.Pki;
using Exchange.Server;
using Exchange.Store;
using Exchange.Synthetic;
using Grpc.Core;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Exchange.Bench;

/// <summary>
/// Coverage scans of a real hub (Kestrel, mTLS, SQLite) over 250k, 500k and 1M persons: the gap list
/// streamed in full and the regional summary, timed as a client sees them. Persons are written straight
/// into the store from the synthetic registry's truth (linking them is the linkage benchmark's job), so
/// the figures are the scans' alone; what matters is how they grow with size.
/// </summary>
internal static class CoverageBenchmark
{
    internal sealed record Row(int Persons, double LoadSeconds, long Gaps, double GapSeconds, double SummarySeconds, long GapAllocated, long SummaryAllocated, long PeakWorkingSet);

    public static async Task<int> RunAsync(int[] sizes, string output)
    {
        var rows = new List<Row>();
        foreach (var size in sizes.Order())
        {
            Console.Error.WriteLine($"[coverage] {size:N0} persons: generating and loading...");
            rows.Add(await MeasureAsync(size));
            var row = rows[^1];
            Console.Error.WriteLine($"[coverage] {size:N0}: gap scan {row.GapSeconds:F2} s ({row.Gaps:N0} gaps), summary {row.SummarySeconds:F2} s");
        }

        var markdown = Report(rows);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        await File.WriteAllTextAsync(output, markdown);
        Console.WriteLine(markdown);
        Console.WriteLine($"Written to {Path.GetFullPath(output)}");
        return 0;
    }

    internal static async Task<Row> MeasureAsync(int persons)
    {
        var root = Path.Combine(Path.GetTempPath(), "exchange-bench", Guid.NewGuid().ToString("N"));
        var certificates = new CertificateDirectory(Path.Combine(root, "certs"));
        var data = Path.Combine(root, "data");
        try
        {
            var clients = new[] { new ClientSpec("bench-hr", "Benchmark HR client", ClientRoles.HumanResources, "") };
            await DevelopmentPki.InitAsync(certificates, data, clients, force: true, TimeProvider.System);
            var load = Stopwatch.StartNew();
            await LoadPersonsAsync(data, persons);
            load.Stop();

            await using var app = HubApplication.Build([], new Dictionary<string, string?>
            {
                ["Hub:Port"] = "0",
                ["Hub:DataDirectory"] = data,
                ["Hub:CertificateDirectory"] = certificates.Root,
                ["Logging:LogLevel:Default"] = "Warning",
            });
            var address = await HubApplication.StartAsync(app);
            using var channel = HubChannel.Create(address, certificates.Client("bench-hr"), certificates.CaCertificate);
            var client = new CoverageService.CoverageServiceClient(channel);
            var reference = new Date { Year = 2026, Month = 12, Day = 1 };

            // Warm-up: JIT and connection, not measured.
            await client.GetCoverageSummaryAsync(new CoverageQuery { Purpose = "statistics", ReferenceDate = reference, DivisionPrefix = "11" });

            // Each scan three times; the median resists the noise of a shared machine.
            long gaps = 0, gapAllocated = 0, summaryAllocated = 0;
            var gapTimes = new List<double>();
            var summaryTimes = new List<double>();
            for (var run = 0; run < 3; run++)
            {
                var allocated = GC.GetTotalAllocatedBytes(precise: true);
                var watch = Stopwatch.StartNew();
                gaps = 0;
                using (var call = client.ListCoverageGaps(new CoverageQuery { Purpose = "enrollment-drive", ReferenceDate = reference }))
                {
                    await foreach (var _ in call.ResponseStream.ReadAllAsync())
                    {
                        gaps++;
                    }
                }

                gapTimes.Add(watch.Elapsed.TotalSeconds);
                gapAllocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
                allocated = GC.GetTotalAllocatedBytes(precise: true);
                watch.Restart();
                await client.GetCoverageSummaryAsync(new CoverageQuery { Purpose = "statistics", ReferenceDate = reference, GroupDigits = 4 });
                summaryTimes.Add(watch.Elapsed.TotalSeconds);
                summaryAllocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
            }

            var gapSeconds = gapTimes.Order().ElementAt(1);
            var summarySeconds = summaryTimes.Order().ElementAt(1);
            await app.StopAsync();
            return new Row(persons, load.Elapsed.TotalSeconds, gaps, gapSeconds, summarySeconds, gapAllocated, summaryAllocated, Process.GetCurrentProcess().PeakWorkingSet64);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
                // Left for the OS to clean.
            }
        }
    }

    // One transaction, one prepared statement: the fastest way SQLite takes rows.
    private static async Task LoadPersonsAsync(string data, int persons)
    {
        var registry = RegistryGenerator.Generate(new GeneratorOptions { People = persons, Seed = 3 });
        await using var connection = new SqliteConnection(StoreSetup.SqliteConnectionString(data));
        await connection.OpenAsync();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO Persons (Id, NationalId, Name, Gender, BirthDate, HukouDivision, ResidenceDivision, Division, InRegister, Deceased,
                DeathDate, RecordCount, MergedIntoId, CreatedAtUtc, UpdatedAtUtc, Migrant, ActiveEndowmentCount, ActiveEndowmentProvinces, ActiveEnrollmentCount)
            VALUES ($id, $nid, $name, $gender, $birth, $hukou, $residence, $division, $inRegister, $deceased, $death, 1, NULL, $now, $now,
                $migrant, $active, $provinces, $active)
            """;
        var parameters = new[] { "$id", "$nid", "$name", "$gender", "$birth", "$hukou", "$residence", "$division", "$inRegister", "$deceased", "$death", "$now", "$migrant", "$active", "$provinces" }
            .ToDictionary(n => n, n => insert.Parameters.Add(new SqliteParameter { ParameterName = n }));
        insert.Prepare();
        var now = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        long id = 0;
        foreach (var person in registry.Persons())
        {
            parameters["$id"].Value = ++id;
            parameters["$nid"].Value = person.NationalId;
            parameters["$name"].Value = person.Name;
            parameters["$gender"].Value = person.Sex == Sex.Male ? 1 : 2;
            parameters["$birth"].Value = person.BirthDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            parameters["$hukou"].Value = person.HukouDivision;
            parameters["$residence"].Value = person.ResidenceDivision;
            parameters["$division"].Value = person.InRegister ? person.HukouDivision : person.ResidenceDivision;
            parameters["$inRegister"].Value = person.InRegister;
            parameters["$deceased"].Value = !person.Alive;
            parameters["$death"].Value = person.DeathDate is { } death ? death.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : DBNull.Value;
            parameters["$now"].Value = now;
            parameters["$migrant"].Value = person.Migrant;
            parameters["$active"].Value = person.Covered || person.DeceasedWithActiveEndowment ? 1 : 0;
            parameters["$provinces"].Value = person.MultiRegion ? 2 : person.Covered ? 1 : 0;
            await insert.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }

    internal static string Report(List<Row> rows)
    {
        static string Ratio(double a, double b) => b == 0 ? "-" : (a / b).ToString("F2", CultureInfo.InvariantCulture);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# Coverage scan benchmark\n\n{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1L << 30)} GiB, .NET {Environment.Version}.");
        text.AppendLine("A real hub (Kestrel, mTLS, SQLite) in this process; the client streams the whole gap list and asks for the summary by prefecture (4 digits). Persons are loaded straight into the store from the synthetic registry's truth.\n");
        text.AppendLine("| persons | gaps | gap scan, median of 3 (s) | summary, median of 3 (s) | gap scan allocated (MiB) | summary allocated (MiB) | peak working set (MiB) | time ratio to previous size (gap / summary) | size ratio |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---|---:|");
        for (var i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            var previous = i > 0 ? rows[i - 1] : null;
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Persons:N0} | {r.Gaps:N0} | {r.GapSeconds:F2} | {r.SummarySeconds:F2} | {r.GapAllocated / 1048576.0:F0} | {r.SummaryAllocated / 1048576.0:F0} | {r.PeakWorkingSet / 1048576.0:F0} | {(previous is null ? "-" : $"{Ratio(r.GapSeconds, previous.GapSeconds)} / {Ratio(r.SummarySeconds, previous.SummarySeconds)}")} | {(previous is null ? "-" : Ratio(r.Persons, previous.Persons))} |");
        }

        text.AppendLine("\nLinear growth means the time ratio follows the size ratio. The peak working set is the process's (hub and client together) and only grows, sizes being run in increasing order.");
        return text.ToString();
    }
}
