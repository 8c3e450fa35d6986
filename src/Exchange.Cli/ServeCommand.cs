using Microsoft.Extensions.Hosting;
using System.CommandLine;
using Exchange.Server;

namespace Exchange.Cli;

internal static class ServeCommand
{
    public static Command Create()
    {
        var port = new Option<int?>("--port") { Description = "TCP port (default 5443, or Hub:Port from configuration)." };
        var data = CertsCommands.DataDirectoryOption();
        var certs = CertsCommands.CertDirectoryOption();
        var command = new Command("serve", "Run the hub on 127.0.0.1 until stopped (Ctrl+C). Configuration: appsettings.json, Hub__* environment variables.")
        {
            port, data, certs,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var settings = new Dictionary<string, string?>
            {
                ["Hub:DataDirectory"] = result.GetValue(data)!.FullName,
                ["Hub:CertificateDirectory"] = result.GetValue(certs)!.FullName,
            };
            if (result.GetValue(port) is { } chosen)
            {
                settings["Hub:Port"] = chosen.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            await using var app = HubApplication.Build([], settings);
            await HubApplication.StartAsync(app, cancellationToken);
            await app.WaitForShutdownAsync(cancellationToken);
            return 0;
        });
        return command;
    }
}
