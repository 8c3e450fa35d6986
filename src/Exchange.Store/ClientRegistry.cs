using Microsoft.EntityFrameworkCore;

namespace Exchange.Store;

/// <summary>What the registry says about the holder of a certificate.</summary>
public sealed record RegisteredClient(string ClientId, string Role, string RegionScope);

/// <summary>The hub's registry of client systems and the certificates issued to them.</summary>
public sealed class ClientRegistry(IDbContextFactory<ExchangeDbContext> contextFactory, TimeProvider clock)
{
    /// <summary>Creates or updates a client system.</summary>
    public async Task UpsertClientAsync(string clientId, string displayName, string role, string regionScope, CancellationToken cancellationToken = default)
    {
        if (!ClientRoles.All.Contains(role))
        {
            throw new ArgumentException($"Unknown role '{role}'.", nameof(role));
        }

        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var client = await db.Clients.AsTracking().SingleOrDefaultAsync(c => c.Id == clientId, cancellationToken);
        if (client is null)
        {
            db.Clients.Add(new ClientSystem
            {
                Id = clientId,
                DisplayName = displayName,
                Role = role,
                RegionScope = regionScope,
                CreatedAtUtc = clock.GetUtcNow().UtcDateTime,
            });
        }
        else
        {
            client.DisplayName = displayName;
            client.Role = role;
            client.RegionScope = regionScope;
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Records a certificate issued to a registered client.</summary>
    public async Task AddCertificateAsync(
        string clientId, string thumbprint, string serialNumber, DateTime notBeforeUtc, DateTime notAfterUtc, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        db.ClientCertificates.Add(new ClientCertificate
        {
            Thumbprint = thumbprint.ToUpperInvariant(),
            SerialNumber = serialNumber.ToUpperInvariant(),
            ClientId = clientId,
            NotBeforeUtc = notBeforeUtc,
            NotAfterUtc = notAfterUtc,
        });
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Marks every certificate with this serial number revoked; returns how many were.</summary>
    public async Task<int> RevokeAsync(string serialNumber, string reason, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var serial = serialNumber.ToUpperInvariant();
        return await db.ClientCertificates
            .Where(c => c.SerialNumber == serial && c.RevokedAtUtc == null)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.RevokedAtUtc, now).SetProperty(c => c.RevocationReason, reason), cancellationToken);
    }

    /// <summary>
    /// The client holding a certificate, or the reason it may not call: unknown certificate, revoked,
    /// suspended client, or a certificate issued for another client id.
    /// </summary>
    public async Task<(RegisteredClient? Client, string? Refusal)> AuthenticateAsync(
        string thumbprint, string commonName, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var certificate = await db.ClientCertificates
            .Include(c => c.Client)
            .SingleOrDefaultAsync(c => c.Thumbprint == thumbprint, cancellationToken);
        return certificate switch
        {
            null => (null, "certificate not registered"),
            { RevokedAtUtc: not null } => (null, "certificate revoked"),
            { Client: null } => (null, "certificate not registered"),
            { Client.Suspended: true } => (null, "client suspended"),
            _ when !string.Equals(certificate.ClientId, commonName, StringComparison.Ordinal) => (null, "certificate subject does not match its registration"),
            _ => (new RegisteredClient(certificate.Client.Id, certificate.Client.Role, certificate.Client.RegionScope), null),
        };
    }
}
