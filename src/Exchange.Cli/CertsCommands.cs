using System.CommandLine;
using Exchange.Pki;
using Exchange.Server;
using Exchange.Store;
using Microsoft.EntityFrameworkCore;
using Spectre.Console;

namespace Exchange.Cli;

internal static class CertsCommands
{
    public static Option<DirectoryInfo> CertDirectoryOption() => new("--dir")
    {
        Description = "Folder for the development PKI (git-ignored).",
        DefaultValueFactory = _ => new DirectoryInfo("certs/dev"),
    };

    public static Option<DirectoryInfo> DataDirectoryOption() => new("--data")
    {
        Description = "Folder of the hub's embedded store, where the client registry lives.",
        DefaultValueFactory = _ => new DirectoryInfo("data"),
    };

    public static Command Create()
    {
        var certs = new Command("certs", "Development certificates and the client registry.");
        certs.Subcommands.Add(Init());
        certs.Subcommands.Add(Revoke());
        certs.Subcommands.Add(RotateTokenKeys());
        return certs;
    }

    private static Command Init()
    {
        var dir = CertDirectoryOption();
        var data = DataDirectoryOption();
        var force = new Option<bool>("--force") { Description = "Replace existing keys and certificates." };
        var command = new Command("init", "Create a development CA, the hub's server certificate and a certificate per demo client, and register the clients.")
        {
            dir, data, force,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var files = await DevelopmentPki.InitAsync(
                new CertificateDirectory(result.GetValue(dir)!.FullName),
                result.GetValue(data)!.FullName,
                DevelopmentPki.DefaultClients,
                result.GetValue(force),
                TimeProvider.System,
                cancellationToken);
            var table = new Table().Border(TableBorder.Rounded).AddColumns("client", "role", "region scope", "certificate");
            foreach (var client in DevelopmentPki.DefaultClients)
            {
                table.AddRow(client.Id, client.Role, client.RegionScope.Length == 0 ? "(national)" : client.RegionScope, Path.GetRelativePath(Environment.CurrentDirectory, new CertificateDirectory(result.GetValue(dir)!.FullName).Client(client.Id)));
            }

            AnsiConsole.MarkupLineInterpolated($"[green]Development PKI ready[/] in {result.GetValue(dir)!.FullName} ({files.Count} files; private keys readable by you only, never commit them).");
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }

    private static Command Revoke()
    {
        var data = DataDirectoryOption();
        var serial = new Option<string>("--serial") { Description = "Serial number (hex) of the certificate to revoke.", Required = true };
        var reason = new Option<string>("--reason") { Description = "Why it is revoked.", DefaultValueFactory = _ => "revoked by operator" };
        var command = new Command("revoke", "Revoke a client certificate: its next call is refused.") { data, serial, reason };
        command.SetAction(async (result, cancellationToken) =>
        {
            var registry = new ClientRegistry(StoreSetup.Open(StoreOptions.FromEnvironment().Resolve(result.GetValue(data)!.FullName)), TimeProvider.System);
            var count = await registry.RevokeAsync(result.GetValue(serial)!, result.GetValue(reason)!, cancellationToken);
            if (count == 0)
            {
                AnsiConsole.MarkupLine("[red]No unrevoked certificate has that serial number.[/]");
                return 1;
            }

            AnsiConsole.MarkupLine("[green]Revoked.[/]");
            return 0;
        });
        return command;
    }

    private static Command RotateTokenKeys()
    {
        var dir = CertDirectoryOption();
        var command = new Command("rotate-token-keys", "Add a new token signing and encryption key: new tokens use it; tokens signed with older unexpired keys stay valid. Restart hub nodes to load it.") { dir };
        command.SetAction(result =>
        {
            var keys = new Exchange.Identity.TokenKeys(new CertificateDirectory(result.GetValue(dir)!.FullName).TokenKeys);
            foreach (var file in keys.Rotate(TimeProvider.System))
            {
                AnsiConsole.MarkupLineInterpolated($"[green]Wrote[/] {file}");
            }

            return 0;
        });
        return command;
    }
}
