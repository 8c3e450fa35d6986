using System.ComponentModel.DataAnnotations;
using System.Net;
using Exchange.Pki;
using Microsoft.Extensions.Options;

namespace Exchange.Server;

/// <summary>Settings of a hub process, bound from the "Hub" configuration section.</summary>
public sealed class HubOptions
{
    public const string Section = "Hub";

    /// <summary>IP address to listen on. Loopback by default: exposing the hub is a deliberate choice.</summary>
    [Required]
    public string ListenAddress { get; set; } = "127.0.0.1";

    /// <summary>TCP port; 0 picks a free one (tests).</summary>
    [Range(0, 65535)]
    public int Port { get; set; } = 5443;

    /// <summary>Folder of the embedded SQLite store.</summary>
    [Required]
    public string DataDirectory { get; set; } = "data";

    /// <summary>Folder written by `exchange certs init`: ca.crt and server.pfx are read from it.</summary>
    [Required]
    public string CertificateDirectory { get; set; } = "certs/dev";

    /// <summary>Most records accepted in one PushBatch.</summary>
    [Range(1, 100_000)]
    public int MaxBatchRecords { get; set; } = 5_000;

    /// <summary>Largest gRPC message accepted, in bytes.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxMessageBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// The catalogue of purpose codes: an admin grants each client some of these, and a read of person data
    /// must state one its client was granted.
    /// </summary>
    [MinLength(1)]
    public string[] Purposes { get; set; } = ["enrollment-drive", "benefit-verification", "fraud-audit", "statistics"];

    /// <summary>
    /// What this process serves: "all" (the hub and its token server, the default), "hub" (data services;
    /// tokens come from a separate token server sharing the certificate folder) or "token-server" (only the
    /// token endpoint and health).
    /// </summary>
    [RegularExpression("^(all|hub|token-server)$")]
    public string Components { get; set; } = "all";

    /// <summary>How long a rotated certificate keeps working beside its replacement, by default.</summary>
    [Range(0, 90 * 24 * 60)]
    public int RotationGraceMinutes { get; set; } = 7 * 24 * 60;

    public bool ServesTokens => Components is "all" or "token-server";

    public bool ServesData => Components is "all" or "hub";

    /// <summary>Batches read ahead of the one being stored, per Push stream (bounds memory per stream).</summary>
    [Range(1, 64)]
    public int PushReadAhead { get; set; } = 2;
}

/// <summary>Checks what data annotations cannot: a parseable address and certificate files that exist.</summary>
public sealed class HubOptionsValidator : IValidateOptions<HubOptions>
{
    public ValidateOptionsResult Validate(string? name, HubOptions options)
    {
        var failures = new List<string>();
        if (!IPAddress.TryParse(options.ListenAddress, out _))
        {
            failures.Add($"Hub:ListenAddress '{options.ListenAddress}' is not an IP address.");
        }

        var certificates = new CertificateDirectory(options.CertificateDirectory);
        foreach (var file in new[] { certificates.CaCertificate, certificates.ServerCertificate })
        {
            if (!File.Exists(file))
            {
                failures.Add($"Hub:CertificateDirectory: {file} does not exist. Run `exchange certs init` first.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>Refuses to start on a store provider or connection string that cannot work.</summary>
public sealed class StoreOptionsValidator : IValidateOptions<Exchange.Store.StoreOptions>
{
    public ValidateOptionsResult Validate(string? name, Exchange.Store.StoreOptions options)
    {
        var problems = options.Problems().ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
