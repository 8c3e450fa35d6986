using System.CommandLine;
using System.Security.Cryptography;
using Exchange.Contracts.V1;
using Exchange.Pki;
using Exchange.Store;
using Google.Protobuf.WellKnownTypes;
using Spectre.Console;

namespace Exchange.Cli;

/// <summary>`exchange admin ...`: client administration through the hub's AdminService (admin certificate), plus the local bootstrap.</summary>
internal static class AdminCommands
{
    public static Command Create()
    {
        var admin = new Command("admin", "Register client systems, issue, rotate and revoke their certificates, suspend and resume them (role admin).");
        admin.Subcommands.Add(Bootstrap());
        admin.Subcommands.Add(List());
        admin.Subcommands.Add(Register());
        admin.Subcommands.Add(Issue(rotate: false));
        admin.Subcommands.Add(Issue(rotate: true));
        admin.Subcommands.Add(Suspend(suspend: true));
        admin.Subcommands.Add(Suspend(suspend: false));
        admin.Subcommands.Add(Revoke());
        return admin;
    }

    /// <summary>
    /// The first admin credential, made on the hub machine itself with the CA key and the store: no network,
    /// no earlier credential. The private key exists only in the file written (or the output printed) once.
    /// </summary>
    private static Command Bootstrap()
    {
        var dir = CertsCommands.CertDirectoryOption();
        var data = CertsCommands.DataDirectoryOption();
        var clientId = new Option<string>("--client-id") { Description = "Id of the admin client.", DefaultValueFactory = _ => "admin" };
        var name = new Option<string?>("--name") { Description = "Display name, unique (default: \"Administrator <client id>\")." };
        var output = new Option<FileInfo?>("--out") { Description = "Write the PKCS#12 here (must not exist). Without it, it is printed once as base64." };
        var command = new Command("bootstrap", "Create an admin client and its first certificate, locally on the hub machine.") { dir, data, clientId, name, output };
        command.SetAction(async (result, cancellationToken) =>
        {
            var certificates = new CertificateDirectory(result.GetValue(dir)!.FullName);
            var target = result.GetValue(output);
            if (target is { Exists: true })
            {
                AnsiConsole.MarkupLineInterpolated($"[red]{target.FullName} exists; choose a new file.[/]");
                return 1;
            }

            // The store the hub is configured for (Store__Provider / Store__ConnectionString), SQLite by default.
            var factory = StoreSetup.Open(StoreOptions.FromEnvironment().Resolve(result.GetValue(data)!.FullName));
            await using (var db = factory.CreateDbContext())
            {
                await StoreSetup.MigrateAsync(db, cancellationToken);
            }

            var registry = new ClientRegistry(factory, TimeProvider.System);
            var id = result.GetValue(clientId)!;
            using var authority = CertificateAuthority.Load(certificates.CaCertificate, certificates.CaPrivateKey);
            var now = DateTimeOffset.UtcNow;
            using var certificate = authority.IssueClientCertificate(id, now.AddMinutes(-5), now.AddYears(1));
            try
            {
                // Registers only a new client: an id or name in use is refused, nothing is changed.
                await registry.RegisterAsync(id, result.GetValue(name) ?? "Administrator " + id, "", ClientRoles.Admin, "", [], cancellationToken);
            }
            catch (ClientRegistryException exception)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]{exception.Message}[/] Bootstrap makes new admins only.");
                return 1;
            }

            await registry.AddCertificateAsync(id, certificate, cancellationToken);
            if (target is not null)
            {
                CertificateAuthority.SavePkcs12(certificate, target.FullName);
                AnsiConsole.MarkupLineInterpolated($"[green]Admin '{id}' registered.[/] Its certificate and key: {target.FullName} (owner-only). Serial {certificate.SerialNumber}.");
            }
            else
            {
                AnsiConsole.MarkupLineInterpolated($"[green]Admin '{id}' registered.[/] Serial {certificate.SerialNumber}. Save this PKCS#12 (base64) now; it is not kept anywhere:");
                Console.WriteLine(Convert.ToBase64String(certificate.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pkcs12)));
            }

            return 0;
        });
        return command;
    }

    private static Command List()
    {
        var client = new ClientOptions();
        var prefix = new Option<string>("--prefix") { Description = "Only client ids starting with this.", DefaultValueFactory = _ => "" };
        var command = new Command("list", "List client systems and their certificates.") { prefix };
        client.AddTo(command);
        command.SetAction((result, cancellationToken) => ClientOptions.ReportFailuresAsync(async () =>
        {
            using var channel = client.Open(result);
            var response = await new AdminService.AdminServiceClient(channel).ListClientsAsync(new ListClientsRequest { ClientIdPrefix = result.GetValue(prefix)! }, cancellationToken: cancellationToken);
            var table = new Table().Border(TableBorder.Rounded).AddColumns("client", "role", "region", "purposes", "state", "certificates");
            foreach (var info in response.Clients)
            {
                var usable = info.Certificates.Count(c => c.RevokedAt is null);
                table.AddRow(
                    Markup.Escape(info.ClientId), info.Role, info.RegionScope.Length == 0 ? "(national)" : info.RegionScope,
                    Markup.Escape(string.Join(" ", info.AllowedPurposes)), info.Suspended ? "[red]suspended[/]" : "active",
                    $"{usable} usable, {info.Certificates.Count - usable} revoked");
            }

            AnsiConsole.Write(table);
            return 0;
        }));
        return command;
    }

    private static Command Register()
    {
        var client = new ClientOptions();
        var id = new Option<string>("--client-id") { Description = "The new client's id (its certificates' common name).", Required = true };
        var name = new Option<string>("--name") { Description = "Display name, unique.", Required = true };
        var ministry = new Option<string>("--ministry") { Description = "The ministry that runs it.", DefaultValueFactory = _ => "" };
        var role = new Option<string>("--role") { Description = "hr, ps or auditor.", Required = true };
        var region = new Option<string>("--region") { Description = "Region scope (division prefix); empty for national.", DefaultValueFactory = _ => "" };
        var purposes = new Option<string[]>("--purpose") { Description = "A purpose it may state (repeat the option).", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => [] };
        var command = new Command("register", "Register a client system (then issue its certificate).") { id, name, ministry, role, region, purposes };
        client.AddTo(command);
        command.SetAction((result, cancellationToken) => ClientOptions.ReportFailuresAsync(async () =>
        {
            using var channel = client.Open(result);
            var info = await new AdminService.AdminServiceClient(channel).RegisterClientAsync(new RegisterClientRequest
            {
                ClientId = result.GetValue(id)!,
                DisplayName = result.GetValue(name)!,
                Ministry = result.GetValue(ministry)!,
                Role = result.GetValue(role)!,
                RegionScope = result.GetValue(region)!,
                AllowedPurposes = { result.GetValue(purposes)! },
            }, cancellationToken: cancellationToken);
            AnsiConsole.MarkupLineInterpolated($"[green]Registered[/] {info.ClientId} ({info.Role}, region '{info.RegionScope}', purposes {string.Join(", ", info.AllowedPurposes)}).");
            return 0;
        }));
        return command;
    }

    private static Command Issue(bool rotate)
    {
        var client = new ClientOptions();
        var id = new Option<string>("--client-id") { Description = "The client.", Required = true };
        var csr = new Option<FileInfo?>("--csr") { Description = "A PKCS#10 request (PEM) made by the client system; without it the hub makes the key pair." };
        var output = new Option<FileInfo>("--out") { Description = "Where to write the certificate: .pfx (with key) or .crt (for a CSR). Must not exist.", Required = true };
        var days = new Option<int>("--days") { Description = "Validity in days (0: 365).", DefaultValueFactory = _ => 0 };
        var grace = new Option<int>("--grace-minutes") { Description = "How long the current certificates keep working (0: the hub's default).", DefaultValueFactory = _ => 0 };
        var command = rotate
            ? new Command("rotate", "Issue a new certificate; the client's current ones keep working for a grace period.") { id, csr, output, days, grace }
            : new Command("issue", "Issue a certificate to a registered client.") { id, csr, output, days };
        client.AddTo(command);
        command.SetAction((result, cancellationToken) => ClientOptions.ReportFailuresAsync(async () =>
        {
            var target = result.GetValue(output)!;
            if (target.Exists)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]{target.FullName} exists; choose a new file.[/]");
                return 1;
            }

            var key = result.GetValue(csr) is { } file ? new KeySource { CsrPem = await File.ReadAllTextAsync(file.FullName, cancellationToken) } : new KeySource { GenerateKeyPair = true };
            using var channel = client.Open(result);
            var admin = new AdminService.AdminServiceClient(channel);
            var issued = rotate
                ? await admin.RotateCertificateAsync(new RotateCertificateRequest { ClientId = result.GetValue(id)!, Key = key, ValidityDays = result.GetValue(days), GraceMinutes = result.GetValue(grace) }, cancellationToken: cancellationToken)
                : await admin.IssueCertificateAsync(new IssueCertificateRequest { ClientId = result.GetValue(id)!, Key = key, ValidityDays = result.GetValue(days) }, cancellationToken: cancellationToken);
            if (issued.Pkcs12.IsEmpty)
            {
                await File.WriteAllTextAsync(target.FullName, issued.CertificatePem, cancellationToken);
            }
            else
            {
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows())
                {
                    options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite; // a private key: owner only
                }

                await using var stream = new FileStream(target.FullName, options);
                issued.Pkcs12.WriteTo(stream);
            }

            AnsiConsole.MarkupLineInterpolated($"[green]Issued[/] {Describe(issued.Certificate)} → {target.FullName}");
            return 0;
        }));
        return command;
    }

    private static Command Suspend(bool suspend)
    {
        var client = new ClientOptions();
        var id = new Option<string>("--client-id") { Description = "The client.", Required = true };
        var command = new Command(suspend ? "suspend" : "resume", suspend ? "Suspend a client: its next call is refused, open streams end." : "Lift a suspension.") { id };
        client.AddTo(command);
        command.SetAction((result, cancellationToken) => ClientOptions.ReportFailuresAsync(async () =>
        {
            using var channel = client.Open(result);
            var admin = new AdminService.AdminServiceClient(channel);
            var request = new ClientRef { ClientId = result.GetValue(id)! };
            var info = suspend ? await admin.SuspendClientAsync(request, cancellationToken: cancellationToken) : await admin.ResumeClientAsync(request, cancellationToken: cancellationToken);
            AnsiConsole.MarkupLineInterpolated($"{info.ClientId}: {(info.Suspended ? "suspended" : "active")}.");
            return 0;
        }));
        return command;
    }

    private static Command Revoke()
    {
        var client = new ClientOptions();
        var serial = new Option<string>("--serial") { Description = "Serial number (hex) of the certificate.", Required = true };
        var reason = new Option<string>("--reason") { Description = "Why it is revoked.", Required = true };
        var command = new Command("revoke", "Revoke a certificate for good; tokens bound to it stop working at once.") { serial, reason };
        client.AddTo(command);
        command.SetAction((result, cancellationToken) => ClientOptions.ReportFailuresAsync(async () =>
        {
            using var channel = client.Open(result);
            var info = await new AdminService.AdminServiceClient(channel).RevokeCertificateAsync(
                new RevokeCertificateRequest { SerialNumber = result.GetValue(serial)!, Reason = result.GetValue(reason)! }, cancellationToken: cancellationToken);
            AnsiConsole.MarkupLineInterpolated($"[green]Revoked[/] {Describe(info)}");
            return 0;
        }));
        return command;
    }

    private static string Describe(CertificateInfo certificate)
    {
        var state = certificate.RevokedAt is not null ? "revoked " + Date(certificate.RevokedAt)
            : certificate.ReplacedUntil is not null ? "replaced, works until " + Date(certificate.ReplacedUntil)
            : "valid until " + Date(certificate.NotAfter);
        return $"{certificate.SerialNumber}: {state}";
    }

    private static string Date(Timestamp timestamp) => timestamp.ToDateTime().ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture);
}
