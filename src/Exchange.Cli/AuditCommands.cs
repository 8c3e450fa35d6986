using System.CommandLine;
using System.Globalization;
using Exchange.Audit;
using Exchange.Client;
using Exchange.Contracts.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Spectre.Console;

namespace Exchange.Cli;

/// <summary>`exchange audit query|who-accessed|export|checkpoint|prove|verify`: the auditors' commands.</summary>
internal static class AuditCommands
{
    public static Command Create()
    {
        var audit = new Command("audit", "The tamper-evident audit log: query it, export it, verify it offline (role auditor).");
        audit.Subcommands.Add(Query());
        audit.Subcommands.Add(WhoAccessed());
        audit.Subcommands.Add(Export());
        audit.Subcommands.Add(CheckpointCommand());
        audit.Subcommands.Add(Prove());
        audit.Subcommands.Add(Verify());
        return audit;
    }

    private static Command Query()
    {
        var client = new ClientOptions();
        var caller = new Option<string>("--client") { Description = "Only calls by this client id.", DefaultValueFactory = _ => "" };
        var person = new Option<long>("--person") { Description = "Only entries that read or wrote this person id." };
        var method = new Option<string>("--method") { Description = "Only this method (e.g. GetRecords).", DefaultValueFactory = _ => "" };
        var from = TimeOption("--from", "Only entries at or after this time (ISO 8601, UTC if no offset).");
        var to = TimeOption("--to", "Only entries before this time.");
        var outcome = new Option<string>("--outcome") { Description = "any, ok, refused or failed.", DefaultValueFactory = _ => "any" };
        var start = new Option<long>("--start") { Description = "Only entries from this index on (resume with the last index + 1)." };
        var max = new Option<int>("--max") { Description = "Most entries.", DefaultValueFactory = _ => 100 };
        var json = new Option<bool>("--json") { Description = "One JSON object per line instead of a table." };
        var command = new Command("query", "Audit entries by client, person, method, time range and outcome.") { caller, person, method, from, to, outcome, start, max, json };
        client.AddTo(command);
        command.SetAction((result, token) => ClientOptions.ReportFailuresAsync(async () =>
        {
            var query = new AuditQuery
            {
                ClientId = result.GetValue(caller)!,
                PersonId = result.GetValue(person),
                Method = result.GetValue(method)!,
                FromTime = ToTimestamp(result.GetValue(from)),
                ToTime = ToTimestamp(result.GetValue(to)),
                Outcome = result.GetValue(outcome)!.ToLowerInvariant() switch
                {
                    "ok" => AuditOutcome.Ok,
                    "refused" => AuditOutcome.Refused,
                    "failed" => AuditOutcome.Failed,
                    _ => AuditOutcome.Unspecified,
                },
                StartIndex = result.GetValue(start),
                MaxEntries = result.GetValue(max),
            };
            using var channel = client.Open(result);
            using var call = new AuditService.AuditServiceClient(channel).QueryEntries(query, cancellationToken: token);
            Write(await call.ResponseStream.ReadAllAsync(token).ToListAsync(token), result.GetValue(json));
            return 0;
        }));
        return command;
    }

    private static Command WhoAccessed()
    {
        var client = new ClientOptions();
        var person = new Option<long>("--person") { Description = "The hub person id.", Required = true };
        var from = TimeOption("--from", "Only accesses at or after this time.");
        var to = TimeOption("--to", "Only accesses before this time.");
        var max = new Option<int>("--max") { Description = "Most entries.", DefaultValueFactory = _ => 1_000 };
        var json = new Option<bool>("--json") { Description = "One JSON object per line instead of a table." };
        var command = new Command("who-accessed", "Who read or wrote a person's data, when, and for what purpose.") { person, from, to, max, json };
        client.AddTo(command);
        command.SetAction((result, token) => ClientOptions.ReportFailuresAsync(async () =>
        {
            using var channel = client.Open(result);
            using var call = new AuditService.AuditServiceClient(channel).WhoAccessed(
                new WhoAccessedRequest { PersonId = result.GetValue(person), FromTime = ToTimestamp(result.GetValue(from)), ToTime = ToTimestamp(result.GetValue(to)), MaxEntries = result.GetValue(max) },
                cancellationToken: token);
            Write(await call.ResponseStream.ReadAllAsync(token).ToListAsync(token), result.GetValue(json));
            return 0;
        }));
        return command;
    }

    private static Command Export()
    {
        var client = new ClientOptions();
        var output = new Option<FileInfo>("--out") { Description = "The export file to write (JSON lines).", Required = true };
        var from = new Option<long>("--from") { Description = "Entries before this index as hashes only (you archived them already)." };
        var command = new Command("export", "Write every entry you may see (others as hashes) and every checkpoint to a file, for `audit verify`.") { output, from };
        client.AddTo(command);
        command.SetAction((result, token) => ClientOptions.ReportFailuresAsync(async () =>
        {
            using var channel = client.Open(result);
            var (entries, redacted, checkpoints) = await AuditExports.WriteFileAsync(new AuditService.AuditServiceClient(channel), result.GetValue(output)!.FullName, result.GetValue(from), token);
            AnsiConsole.MarkupLineInterpolated($"Wrote {entries} entries, {redacted} outside your region as hashes, and {checkpoints} checkpoints to {result.GetValue(output)!.FullName}.");
            return 0;
        }));
        return command;
    }

    private static Command CheckpointCommand()
    {
        var client = new ClientOptions();
        var output = new Option<FileInfo>("--out") { Description = "Save the checkpoint note here (keep it: later exports must extend it)." };
        var key = PublicKeyOption(required: false);
        var since = new Option<FileInfo>("--since") { Description = "A checkpoint saved earlier: ask the hub for a consistency proof and verify it." };
        var sign = new Option<bool>("--sign") { Description = "Ask the hub to sign a checkpoint covering every entry so far." };
        var command = new Command("checkpoint", "Fetch the latest signed checkpoint, check its signature, and that it extends an earlier one.") { output, key, since, sign };
        client.AddTo(command);
        command.SetAction((result, token) => ClientOptions.ReportFailuresAsync(async () =>
        {
            using var channel = client.Open(result);
            var service = new AuditService.AuditServiceClient(channel);
            var latest = AuditExports.ToCheckpoint(await service.GetCheckpointAsync(new GetCheckpointRequest { SignNow = result.GetValue(sign) }, cancellationToken: token));
            var ok = true;
            AnsiConsole.MarkupLineInterpolated($"Checkpoint: {latest.TreeSize} entries, root {Convert.ToHexStringLower(latest.RootHash)}, signed {DateTimeOffset.FromUnixTimeSeconds(latest.TimeUnixSeconds):u}.");
            if (result.GetValue(key) is { } keyFile)
            {
                using var publicKey = AuditKey.LoadPublic(keyFile.FullName);
                ok &= Report(latest.Verify(publicKey), "signature verifies with the hub's public audit key");
                if (result.GetValue(since) is { } sinceFile)
                {
                    var earlier = Checkpoint.ParseNote(await File.ReadAllTextAsync(sinceFile.FullName, token));
                    ok &= Report(earlier.Verify(publicKey), $"the earlier checkpoint ({earlier.TreeSize} entries) is signed by the same key");
                    var proof = await service.GetConsistencyProofAsync(new ConsistencyProofRequest { FirstSize = earlier.TreeSize, SecondSize = latest.TreeSize }, cancellationToken: token);
                    ok &= Report(
                        MerkleProofs.VerifyConsistency(earlier.TreeSize, latest.TreeSize, earlier.RootHash, latest.RootHash, proof.Hashes.Select(h => h.ToByteArray()).ToList()),
                        $"the log of {latest.TreeSize} entries extends the earlier one of {earlier.TreeSize} (consistency proof, {proof.Hashes.Count} hashes)");
                }
            }
            else if (result.GetValue(since) is not null)
            {
                AnsiConsole.MarkupLine("[red]--since needs --public-key[/]: a proof is only worth checking against signed checkpoints.");
                return 1;
            }

            if (result.GetValue(output) is { } file)
            {
                await File.WriteAllTextAsync(file.FullName, latest.ToNote(), token);
                AnsiConsole.MarkupLineInterpolated($"Saved to {file.FullName}.");
            }

            return ok ? 0 : 1;
        }));
        return command;
    }

    private static Command Prove()
    {
        var client = new ClientOptions();
        var index = new Option<long>("--index") { Description = "The entry's index.", Required = true };
        var key = PublicKeyOption(required: true);
        var command = new Command("prove", "Fetch an entry with its inclusion proof against the latest checkpoint and verify both.") { index, key };
        client.AddTo(command);
        command.SetAction((result, token) => ClientOptions.ReportFailuresAsync(async () =>
        {
            using var channel = client.Open(result);
            var service = new AuditService.AuditServiceClient(channel);
            using var publicKey = AuditKey.LoadPublic(result.GetValue(key)!.FullName);
            var checkpoint = AuditExports.ToCheckpoint(await service.GetCheckpointAsync(new GetCheckpointRequest(), cancellationToken: token));
            var proof = await service.GetInclusionProofAsync(new InclusionProofRequest { LeafIndex = result.GetValue(index), TreeSize = checkpoint.TreeSize }, cancellationToken: token);
            Write([proof.Entry], json: false);
            var ok = Report(checkpoint.Verify(publicKey), $"checkpoint of {checkpoint.TreeSize} entries is signed by the hub's audit key");
            ok &= Report(
                MerkleProofs.VerifyInclusion(proof.LeafIndex, checkpoint.TreeSize, AuditExports.ToRecord(proof.Entry).LeafHash(), proof.Hashes.Select(h => h.ToByteArray()).ToList(), checkpoint.RootHash),
                $"entry {proof.LeafIndex}, hashed from its fields, is in that tree ({proof.Hashes.Count} hashes)");
            return ok ? 0 : 1;
        }));
        return command;
    }

    private static Command Verify()
    {
        var exports = new Option<FileInfo[]>("--export")
        {
            Description = "Export file(s), oldest segment first (archived segments, then the latest export).",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var key = PublicKeyOption(required: true);
        var saved = new Option<FileInfo>("--checkpoint") { Description = "A checkpoint you saved earlier: the export must extend it." };
        var command = new Command("verify", "Verify an export offline: every leaf hash, every root, every signature, consistency between checkpoints.") { exports, key, saved };
        command.SetAction(async (result, token) =>
        {
            using var publicKey = AuditKey.LoadPublic(result.GetValue(key)!.FullName);
            var savedCheckpoint = result.GetValue(saved) is { } file ? Checkpoint.ParseNote(await File.ReadAllTextAsync(file.FullName, token)) : null;
            var lines = new List<AuditExportLine>();
            foreach (var export in result.GetValue(exports)!)
            {
                await foreach (var line in AuditExport.ReadAsync(export.FullName).WithCancellation(token))
                {
                    lines.Add(line);
                }
            }

            // Several files may repeat checkpoints: each signed statement counts once.
            var report = AuditVerifier.Verify(lines.DistinctBy(l => l.Checkpoint ?? Guid.NewGuid().ToString()), publicKey, savedCheckpoint);
            AnsiConsole.MarkupLineInterpolated($"{report.Entries} entries ({report.Redacted} as hashes only), {report.Checkpoints} checkpoints.");
            foreach (var note in report.Notes)
            {
                AnsiConsole.MarkupLineInterpolated($"[yellow]note[/]: {note}");
            }

            foreach (var problem in report.Problems)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]FAIL[/]: {problem}");
            }

            if (report.Valid)
            {
                AnsiConsole.MarkupLineInterpolated($"[green]VALID[/]: every entry hashes into the signed roots up to {report.Latest!.TreeSize} entries{(savedCheckpoint is null ? "" : $", extending your checkpoint of {savedCheckpoint.TreeSize}")}.");
            }

            return report.Valid ? 0 : 1;
        });
        return command;
    }

    private static Option<FileInfo> PublicKeyOption(bool required) => new("--public-key")
    {
        Description = "The hub's public audit key (audit-key.pub.pem from its certificate folder).",
        Required = required,
    };

    private static Option<DateTimeOffset?> TimeOption(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = result => DateTimeOffset.TryParse(result.Tokens.Single().Value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : (DateTimeOffset?)null,
    };

    private static Timestamp? ToTimestamp(DateTimeOffset? time) => time is { } t ? Timestamp.FromDateTimeOffset(t) : null;

    private static bool Report(bool passed, string what)
    {
        if (passed)
        {
            AnsiConsole.MarkupLineInterpolated($"[green]PASS[/] {what}");
        }
        else
        {
            AnsiConsole.MarkupLineInterpolated($"[red]FAIL[/] {what}");
        }

        return passed;
    }

    private static void Write(List<AuditEntry> entries, bool json)
    {
        if (json)
        {
            foreach (var entry in entries)
            {
                Console.WriteLine(JsonFormatter.Default.Format(entry));
            }

            return;
        }

        var table = new Table().Border(TableBorder.Rounded).AddColumns("#", "time (UTC)", "event", "client", "role", "method", "purpose", "persons", "records", "n", "status", "ms");
        foreach (var e in entries)
        {
            table.AddRow(
                new[]
                {
                    e.Index.ToString(CultureInfo.InvariantCulture), e.Time.ToDateTimeOffset().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), e.Event,
                    e.ClientId.Length > 0 ? e.ClientId : "(" + Short(e.CertificateThumbprint) + ")", e.Role, e.Method[(e.Method.LastIndexOf('/') + 1)..], e.Purpose,
                    Shorten(e.PersonIds.Select(p => p.ToString(CultureInfo.InvariantCulture))), Shorten(e.RecordIds), e.Count.ToString(CultureInfo.InvariantCulture),
                    e.Status == "OK" ? "OK" : e.Status + ": " + e.StatusDetail, e.DurationMs.ToString(CultureInfo.InvariantCulture),
                }
                    .Select(Markup.Escape)
                    .ToArray());
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"{entries.Count} entries{(entries.Count > 0 ? $"; continue with --start {entries[^1].Index + 1}" : "")}.");
    }

    private static string Short(string thumbprint) => thumbprint.Length > 12 ? thumbprint[..12] + "…" : thumbprint;

    private static string Shorten(IEnumerable<string> items)
    {
        var list = items.ToList();
        return list.Count <= 3 ? string.Join(' ', list) : string.Join(' ', list.Take(3)) + $" +{list.Count - 3}";
    }
}
