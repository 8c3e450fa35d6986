using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Exchange.Server.IntegrationTests;

/// <summary>
/// `exchange serve` as a process of its own (the built CLI, run by `dotnet`), configured by environment
/// variables the way an operator would: a hub node with no state but its store.
/// </summary>
public sealed class HubProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private HubProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>What the process printed, for a failure message.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static async Task<HubProcess> StartAsync(string certificateDirectory, IReadOnlyDictionary<string, string?> storeSettings)
    {
        var port = FreePort();
        var workingDirectory = Directory.CreateTempSubdirectory("exchange-node-").FullName;
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { CliAssembly(), "serve", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--dir", certificateDirectory, "--data", Path.Combine(workingDirectory, "data") })
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in storeSettings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Exchange.Hub"] = "Information";
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var node = new HubProcess(process, new Uri($"https://localhost:{port}"));
        process.OutputDataReceived += (_, e) => node.Append(e.Data);
        process.ErrorDataReceived += (_, e) => node.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        // Kestrel accepts connections only once migrations ran and the hub started.
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The hub process exited with {process.ExitCode}:\n{node.Output}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return node;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>exchange.dll of the same configuration as this test assembly (tests/X/bin/Debug/net10.0).</summary>
    private static string CliAssembly()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = output.Name;
        var configuration = output.Parent!.Name;
        var root = output;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Exchange.sln")))
        {
            root = root.Parent;
        }

        var path = Path.Combine(root?.FullName ?? throw new InvalidOperationException("Exchange.sln not found above the tests."),
            "src", "Exchange.Cli", "bin", configuration, framework, "exchange.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("Build the CLI first (dotnet build Exchange.sln).", path);
    }
}
