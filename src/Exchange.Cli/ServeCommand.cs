using Microsoft.Extensions.Hosting;
using System.CommandLine;
using Exchange.Server;

namespace Exchange.Cli;

internal static class ServeCommand
{
    public static Command Create()
    {
        var port = new Option<int?>("--port") { Description = "TCP port (default 5443, or Hub:Port from configuration)." };
        // No defaults here: unset options leave Hub:* from appsettings.json or the environment in charge.
        var data = new Option<DirectoryInfo?>("--data") { Description = "Folder of the embedded store (default data, or Hub:DataDirectory)." };
        var certs = new Option<DirectoryInfo?>("--dir") { Description = "Folder with ca.crt and server.pfx (default certs/dev, or Hub:CertificateDirectory)." };
        var command = new Command("serve", "Run the hub on 127.0.0.1 until stopped (Ctrl+C). Configuration: appsettings.json, Hub__* environment variables.")
        {
            port, data, certs,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var settings = new Dictionary<string, string?>();
            if (result.GetValue(data) is { } dataDirectory)
            {
                settings["Hub:DataDirectory"] = dataDirectory.FullName;
            }

            if (result.GetValue(certs) is { } certificateDirectory)
            {
                settings["Hub:CertificateDirectory"] = certificateDirectory.FullName;
            }

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
