using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Store;

/// <summary>What the registry says about the holder of a certificate.</summary>
/// <param name="Purposes">Purpose codes the client may state when reading person data.</param>
public sealed record RegisteredClient(string ClientId, string Role, string RegionScope, IReadOnlyList<string> Purposes);

/// <summary>A change the registry refuses, with the field at fault (for INVALID_ARGUMENT details).</summary>
public sealed class ClientRegistryException(string field, string message, bool notFound = false, bool alreadyExists = false) : Exception(message)
{
    public string Field { get; } = field;

    public bool NotFound { get; } = notFound;

    public bool AlreadyExists { get; } = alreadyExists;
}

/// <summary>The hub's registry of client systems and the certificates issued to them.</summary>
public sealed class ClientRegistry(IDbContextFactory<ExchangeDbContext> contextFactory, TimeProvider clock)
{
    /// <summary>
    /// How long an answer of <see cref="AuthenticateAsync"/> is reused. Every call asks, so this bounds how
    /// late a revocation made on another hub node (or by `exchange certs revoke`) takes effect; a change made
    /// through this registry clears the cache at once.
    /// </summary>
    public static readonly TimeSpan AnswerLifetime = TimeSpan.FromSeconds(1);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (RegisteredClient? Client, string? Refusal, DateTimeOffset Until)> _answers = new(StringComparer.Ordinal);

    /// <summary>Creates or updates a client system (development PKI and tests; admins use <see cref="RegisterAsync"/>).</summary>
    public async Task UpsertClientAsync(
        string clientId, string displayName, string role, string regionScope, IReadOnlyCollection<string>? purposes = null, CancellationToken cancellationToken = default)
    {
        if (!ClientRoles.All.Contains(role))
        {
            throw new ArgumentException($"Unknown role '{role}'.", nameof(role));
        }

        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var client = await db.Clients.AsTracking().SingleOrDefaultAsync(c => c.Id == clientId, cancellationToken);
        if (client is null)
        {
            client = new ClientSystem
            {
                Id = clientId,
                DisplayName = displayName,
                Role = role,
                RegionScope = regionScope,
                CreatedAtUtc = clock.GetUtcNow().UtcDateTime,
            };
            db.Clients.Add(client);
        }
        else
        {
            client.DisplayName = displayName;
            client.Role = role;
            client.RegionScope = regionScope;
        }

        if (purposes is not null)
        {
            client.AllowedPurposes = string.Join(' ', purposes);
        }

        await db.SaveChangesAsync(cancellationToken);
        _answers.Clear();
    }

    /// <summary>Registers a new client system; refuses a taken id or display name.</summary>
    /// <exception cref="ClientRegistryException">The id or name is taken, or the role is unknown.</exception>
    public async Task<ClientSystem> RegisterAsync(
        string clientId, string displayName, string ministry, string role, string regionScope, IReadOnlyCollection<string> purposes, CancellationToken cancellationToken = default)
    {
        if (!ClientRoles.All.Contains(role))
        {
            throw new ClientRegistryException("role", $"Unknown role '{role}'; one of {string.Join(", ", ClientRoles.All)}.");
        }

        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        if (await db.Clients.AnyAsync(c => c.Id == clientId, cancellationToken))
        {
            throw new ClientRegistryException("client_id", $"A client '{clientId}' is already registered.", alreadyExists: true);
        }

        if (await db.Clients.AnyAsync(c => c.DisplayName == displayName, cancellationToken))
        {
            throw new ClientRegistryException("display_name", $"Another client is already named '{displayName}'.", alreadyExists: true);
        }

        var client = new ClientSystem
        {
            Id = clientId,
            DisplayName = displayName,
            Ministry = ministry,
            Role = role,
            RegionScope = regionScope,
            AllowedPurposes = string.Join(' ', purposes),
            CreatedAtUtc = clock.GetUtcNow().UtcDateTime,
        };
        db.Clients.Add(client);
        await db.SaveChangesAsync(cancellationToken);
        _answers.Clear();
        return client;
    }

    public async Task<ClientSystem?> FindAsync(string clientId, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await db.Clients.Include(c => c.Certificates).SingleOrDefaultAsync(c => c.Id == clientId, cancellationToken);
    }

    /// <summary>The client a certificate was issued to (with all its certificates), by serial number; null if none.</summary>
    public async Task<ClientSystem?> FindByCertificateSerialAsync(string serialNumber, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var serial = serialNumber.ToUpperInvariant();
        return await db.Clients.Include(c => c.Certificates)
            .SingleOrDefaultAsync(c => c.Certificates.Any(certificate => certificate.SerialNumber == serial), cancellationToken);
    }

    public async Task<IReadOnlyList<ClientSystem>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await db.Clients.Include(c => c.Certificates).OrderBy(c => c.Id).ToListAsync(cancellationToken);
    }

    /// <summary>Suspends or resumes a client: all its certificates and tokens stop (or start) working at the next call.</summary>
    /// <returns>False when no such client exists.</returns>
    public async Task<bool> SetSuspendedAsync(string clientId, bool suspended, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var changed = await db.Clients.Where(c => c.Id == clientId)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Suspended, suspended), cancellationToken) > 0;
        _answers.Clear();
        return changed;
    }

    /// <summary>Records a certificate issued to a registered client.</summary>
    public async Task AddCertificateAsync(string clientId, X509Certificate2 certificate, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        db.ClientCertificates.Add(NewCertificate(clientId, certificate));
        await db.SaveChangesAsync(cancellationToken);
        _answers.Clear();
    }

    /// <summary>
    /// Records a new certificate for a client and limits its current ones to a grace period, in one
    /// transaction: systems switch over without a gap, and the old certificates stop at the end of it.
    /// </summary>
    /// <returns>How many older certificates were put on a grace period.</returns>
    public async Task<int> RotateCertificateAsync(string clientId, X509Certificate2 certificate, TimeSpan gracePeriod, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var graceEnds = clock.GetUtcNow().UtcDateTime + gracePeriod;
        var limited = await db.ClientCertificates
            .Where(c => c.ClientId == clientId && c.RevokedAtUtc == null && (c.ReplacedUntilUtc == null || c.ReplacedUntilUtc > graceEnds))
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.ReplacedUntilUtc, graceEnds), cancellationToken);
        db.ClientCertificates.Add(NewCertificate(clientId, certificate));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        _answers.Clear();
        return limited;
    }

    /// <summary>Marks every certificate with this serial number revoked; returns how many were.</summary>
    public async Task<int> RevokeAsync(string serialNumber, string reason, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var serial = serialNumber.ToUpperInvariant();
        var revoked = await db.ClientCertificates
            .Where(c => c.SerialNumber == serial && c.RevokedAtUtc == null)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.RevokedAtUtc, now).SetProperty(c => c.RevocationReason, reason), cancellationToken);
        _answers.Clear();
        return revoked;
    }

    /// <summary>
    /// The client holding a certificate, or the reason it may not call: unknown certificate, revoked,
    /// replaced and past its grace period, suspended client, or a certificate issued for another client id.
    /// Read from the database on every call, so a revocation or suspension applies to the very next call.
    /// </summary>
    public async Task<(RegisteredClient? Client, string? Refusal)> AuthenticateAsync(
        string thumbprint, string commonName, CancellationToken cancellationToken = default)
    {
        var key = thumbprint + "/" + commonName;
        if (_answers.TryGetValue(key, out var cached) && clock.GetUtcNow() < cached.Until)
        {
            return (cached.Client, cached.Refusal);
        }

        var answer = await LookUpAsync(thumbprint, commonName, cancellationToken);
        _answers[key] = (answer.Client, answer.Refusal, clock.GetUtcNow() + AnswerLifetime);
        return answer;
    }

    /// <summary>The same, for the certificate a connection presented (SHA-256 thumbprint and subject CN).</summary>
    public Task<(RegisteredClient? Client, string? Refusal)> AuthenticateAsync(X509Certificate2 certificate, CancellationToken cancellationToken = default) =>
        AuthenticateAsync(
            certificate.GetCertHashString(HashAlgorithmName.SHA256),
            certificate.GetNameInfo(X509NameType.SimpleName, false),
            cancellationToken);

    private async Task<(RegisteredClient? Client, string? Refusal)> LookUpAsync(string thumbprint, string commonName, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var certificate = await db.ClientCertificates
            .Include(c => c.Client)
            .SingleOrDefaultAsync(c => c.Thumbprint == thumbprint, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        return certificate switch
        {
            null => (null, "certificate not registered"),
            { RevokedAtUtc: not null } => (null, "certificate revoked"),
            { ReplacedUntilUtc: { } until } when until <= now => (null, "certificate replaced and its grace period is over"),
            { Client: null } => (null, "certificate not registered"),
            { Client.Suspended: true } => (null, "client suspended"),
            _ when !string.Equals(certificate.ClientId, commonName, StringComparison.Ordinal) => (null, "certificate subject does not match its registration"),
            _ => (ToRegistered(certificate.Client), null),
        };
    }

    public static RegisteredClient ToRegistered(ClientSystem client) =>
        new(client.Id, client.Role, client.RegionScope, client.AllowedPurposes.Split(' ', StringSplitOptions.RemoveEmptyEntries));

    private static ClientCertificate NewCertificate(string clientId, X509Certificate2 certificate) => new()
    {
        Thumbprint = certificate.GetCertHashString(HashAlgorithmName.SHA256).ToUpperInvariant(),
        SerialNumber = certificate.SerialNumber.ToUpperInvariant(),
        ClientId = clientId,
        NotBeforeUtc = certificate.NotBefore.ToUniversalTime(),
        NotAfterUtc = certificate.NotAfter.ToUniversalTime(),
        Der = certificate.RawData,
    };
}
