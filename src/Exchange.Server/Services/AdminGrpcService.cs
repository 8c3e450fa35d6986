using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Exchange.Contracts.V1;
using Exchange.Pki;
using Exchange.Server.Security;
using Exchange.Store;
using Exchange.Validation;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Exchange.Server.Services;

/// <summary>Client administration for admins: every input checked before anything changes.</summary>
[Authorize(Policy = HubPolicies.Administer)]
public sealed partial class AdminGrpcService(ClientRegistry registry, ClientAdministration administration, IOptions<HubOptions> options, TimeProvider clock)
    : AdminService.AdminServiceBase
{
    private const int DefaultValidityDays = 365;
    private const int MaxValidityDays = 825;

    public override async Task<ClientInfo> RegisterClient(RegisterClientRequest request, ServerCallContext context)
    {
        var caller = CallerIdentity.From(context);
        if (!ClientIdPattern().IsMatch(request.ClientId))
        {
            throw RpcErrors.InvalidArgument("client_id", "2 to 64 characters: lower-case letters, digits and '-', starting with a letter or digit.");
        }

        if (string.IsNullOrWhiteSpace(request.DisplayName) || request.DisplayName.Length > 200)
        {
            throw RpcErrors.InvalidArgument("display_name", "Required, at most 200 characters.");
        }

        if (request.Ministry.Length > 200)
        {
            throw RpcErrors.InvalidArgument("ministry", "At most 200 characters.");
        }

        if (request.Role == ClientRoles.Admin)
        {
            throw RpcErrors.PermissionDenied("Admins are created by `exchange admin bootstrap` on the hub machine, not through the API.");
        }

        if (request.Role is not (ClientRoles.HumanResources or ClientRoles.PublicSecurity or ClientRoles.Auditor))
        {
            throw RpcErrors.InvalidArgument("role", "One of hr, ps, auditor.");
        }

        if (!DivisionCode.IsValidScope(request.RegionScope))
        {
            throw RpcErrors.InvalidArgument("region_scope", "Empty (national) or a 2-, 4- or 6-digit division prefix of a known province.");
        }

        if (!DivisionCode.IsWithin(request.RegionScope, caller.RegionScope))
        {
            throw RpcErrors.PermissionDenied($"Region scope '{request.RegionScope}' lies outside this admin's own scope '{caller.RegionScope}'.");
        }

        var unknown = request.AllowedPurposes.Where(p => !options.Value.Purposes.Contains(p, StringComparer.Ordinal)).ToList();
        if (unknown.Count > 0)
        {
            throw RpcErrors.PermissionDenied($"Not in the hub's purpose catalogue: {string.Join(", ", unknown)}; known: {string.Join(", ", options.Value.Purposes)}.");
        }

        try
        {
            await registry.RegisterAsync(
                request.ClientId, request.DisplayName.Trim(), request.Ministry.Trim(), request.Role, request.RegionScope,
                request.AllowedPurposes.Distinct(StringComparer.Ordinal).ToList(), context.CancellationToken);
        }
        catch (ClientRegistryException exception) when (exception.AlreadyExists)
        {
            throw new RpcException(new Grpc.Core.Status(StatusCode.AlreadyExists, exception.Message));
        }

        return await InfoAsync(request.ClientId, caller, context.CancellationToken);
    }

    public override async Task<IssuedCertificate> IssueCertificate(IssueCertificateRequest request, ServerCallContext context)
    {
        var caller = CallerIdentity.From(context);
        var client = await RequireClientAsync(request.ClientId, caller, context.CancellationToken);
        var (certificate, pkcs12) = Issue(client.Id, request.Key, request.ValidityDays);
        using (certificate)
        {
            await registry.AddCertificateAsync(client.Id, certificate, context.CancellationToken);
            return Issued(client.Id, certificate, pkcs12);
        }
    }

    public override async Task<IssuedCertificate> RotateCertificate(RotateCertificateRequest request, ServerCallContext context)
    {
        var caller = CallerIdentity.From(context);
        var client = await RequireClientAsync(request.ClientId, caller, context.CancellationToken);
        if (request.GraceMinutes < 0 || request.GraceMinutes > 90 * 24 * 60)
        {
            throw RpcErrors.InvalidArgument("grace_minutes", "0 (the hub's default) to 129600 (90 days).");
        }

        var grace = TimeSpan.FromMinutes(request.GraceMinutes == 0 ? options.Value.RotationGraceMinutes : request.GraceMinutes);
        var (certificate, pkcs12) = Issue(client.Id, request.Key, request.ValidityDays);
        using (certificate)
        {
            await registry.RotateCertificateAsync(client.Id, certificate, grace, context.CancellationToken);
            return Issued(client.Id, certificate, pkcs12);
        }
    }

    public override async Task<ListClientsResponse> ListClients(ListClientsRequest request, ServerCallContext context)
    {
        var caller = CallerIdentity.From(context);
        var response = new ListClientsResponse();
        foreach (var client in await registry.ListAsync(context.CancellationToken))
        {
            if (client.Id.StartsWith(request.ClientIdPrefix, StringComparison.Ordinal) && DivisionCode.IsWithin(client.RegionScope, caller.RegionScope))
            {
                response.Clients.Add(ToInfo(client));
            }
        }

        return response;
    }

    public override Task<ClientInfo> SuspendClient(ClientRef request, ServerCallContext context) => SetSuspendedAsync(request, context, true);

    public override Task<ClientInfo> ResumeClient(ClientRef request, ServerCallContext context) => SetSuspendedAsync(request, context, false);

    public override async Task<CertificateInfo> RevokeCertificate(RevokeCertificateRequest request, ServerCallContext context)
    {
        var caller = CallerIdentity.From(context);
        if (!HexPattern().IsMatch(request.SerialNumber))
        {
            throw RpcErrors.InvalidArgument("serial_number", "A hexadecimal serial number, as X.509 tools print it.");
        }

        if (string.IsNullOrWhiteSpace(request.Reason) || request.Reason.Length > 200)
        {
            throw RpcErrors.InvalidArgument("reason", "Required, at most 200 characters.");
        }

        var serial = request.SerialNumber.ToUpperInvariant();
        var owner = await registry.FindByCertificateSerialAsync(serial, context.CancellationToken);
        if (owner is null || !DivisionCode.IsWithin(owner.RegionScope, caller.RegionScope))
        {
            throw new RpcException(new Grpc.Core.Status(StatusCode.NotFound, $"No certificate with serial number {serial} in this admin's scope."));
        }

        await registry.RevokeAsync(serial, request.Reason.Trim(), context.CancellationToken);
        var client = await registry.FindAsync(owner.Id, context.CancellationToken);
        return ToInfo(client!.Id, client.Certificates.First(c => c.SerialNumber == serial));
    }

    private async Task<ClientInfo> SetSuspendedAsync(ClientRef request, ServerCallContext context, bool suspended)
    {
        var caller = CallerIdentity.From(context);
        var client = await RequireClientAsync(request.ClientId, caller, context.CancellationToken);
        if (client.Id == caller.ClientId)
        {
            throw RpcErrors.PermissionDenied("An admin cannot suspend itself.");
        }

        await registry.SetSuspendedAsync(client.Id, suspended, context.CancellationToken);
        return await InfoAsync(client.Id, caller, context.CancellationToken);
    }

    private (X509Certificate2 Certificate, byte[]? Pkcs12) Issue(string clientId, KeySource? key, int validityDays)
    {
        if (validityDays < 0 || validityDays > MaxValidityDays)
        {
            throw RpcErrors.InvalidArgument("validity_days", $"0 (meaning {DefaultValidityDays}) to {MaxValidityDays}.");
        }

        var now = clock.GetUtcNow();
        var notAfter = now.AddDays(validityDays == 0 ? DefaultValidityDays : validityDays);
        switch (key?.SourceCase)
        {
            case KeySource.SourceOneofCase.CsrPem:
                try
                {
                    return (administration.IssueFromRequest(clientId, key.CsrPem, now.AddMinutes(-5), notAfter), null);
                }
                catch (CertificateRequestException exception)
                {
                    throw RpcErrors.InvalidArgument("key.csr_pem", exception.Message);
                }

            case KeySource.SourceOneofCase.GenerateKeyPair when key.GenerateKeyPair:
                var certificate = administration.IssueWithNewKey(clientId, now.AddMinutes(-5), notAfter);
                var password = string.IsNullOrEmpty(key.Pkcs12Password) ? null : key.Pkcs12Password;
                return (certificate, certificate.Export(X509ContentType.Pkcs12, password));

            default:
                throw RpcErrors.InvalidArgument("key", "Give either csr_pem or generate_key_pair = true.");
        }
    }

    private async Task<ClientSystem> RequireClientAsync(string clientId, CallerIdentity caller, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(clientId))
        {
            throw RpcErrors.InvalidArgument("client_id", "Required.");
        }

        var client = await registry.FindAsync(clientId, cancellationToken);
        if (client is null || !DivisionCode.IsWithin(client.RegionScope, caller.RegionScope))
        {
            throw new RpcException(new Grpc.Core.Status(StatusCode.NotFound, $"No client '{clientId}' in this admin's scope."));
        }

        return client;
    }

    private async Task<ClientInfo> InfoAsync(string clientId, CallerIdentity caller, CancellationToken cancellationToken) =>
        ToInfo(await RequireClientAsync(clientId, caller, cancellationToken));

    private static IssuedCertificate Issued(string clientId, X509Certificate2 certificate, byte[]? pkcs12) => new()
    {
        Certificate = new CertificateInfo
        {
            ClientId = clientId,
            ThumbprintSha256 = CertificateAuthority.Thumbprint(certificate),
            SerialNumber = certificate.SerialNumber,
            NotBefore = Timestamp.FromDateTime(certificate.NotBefore.ToUniversalTime()),
            NotAfter = Timestamp.FromDateTime(certificate.NotAfter.ToUniversalTime()),
        },
        CertificatePem = certificate.ExportCertificatePem(),
        Pkcs12 = pkcs12 is null ? ByteString.Empty : ByteString.CopyFrom(pkcs12),
    };

    private static ClientInfo ToInfo(ClientSystem client)
    {
        var info = new ClientInfo
        {
            ClientId = client.Id,
            DisplayName = client.DisplayName,
            Ministry = client.Ministry,
            Role = client.Role,
            RegionScope = client.RegionScope,
            Suspended = client.Suspended,
            CreatedAt = Utc(client.CreatedAtUtc),
        };
        info.AllowedPurposes.AddRange(ClientRegistry.ToRegistered(client).Purposes);
        info.Certificates.AddRange(client.Certificates.OrderByDescending(c => c.NotBeforeUtc).Select(c => ToInfo(client.Id, c)));
        return info;
    }

    private static CertificateInfo ToInfo(string clientId, ClientCertificate certificate) => new()
    {
        ClientId = clientId,
        ThumbprintSha256 = certificate.Thumbprint,
        SerialNumber = certificate.SerialNumber,
        NotBefore = Utc(certificate.NotBeforeUtc),
        NotAfter = Utc(certificate.NotAfterUtc),
        RevokedAt = certificate.RevokedAtUtc is { } revoked ? Utc(revoked) : null,
        RevocationReason = certificate.RevocationReason ?? "",
        ReplacedUntil = certificate.ReplacedUntilUtc is { } until ? Utc(until) : null,
    };

    private static Timestamp Utc(DateTime value) => Timestamp.FromDateTime(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,63}$")]
    private static partial Regex ClientIdPattern();

    [GeneratedRegex("^[0-9A-Fa-f]{2,64}$")]
    private static partial Regex HexPattern();
}
