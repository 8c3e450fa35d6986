using System.Net;
using System.Security.Authentication;
using Exchange.Identity;
using Exchange.Pki;
using Exchange.Server.Auditing;
using Exchange.Server.Linking;
using Exchange.Server.Security;
using Exchange.Server.Services;
using Exchange.Store;
using Exchange.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Exchange.Server;

/// <summary>Builds and starts a hub process. Used by `exchange serve`, `exchange demo` and the integration tests.</summary>
public static class HubApplication
{
    /// <summary>Builds the hub. Settings override configuration ("Hub:Port" = "0", ...).</summary>
    public static WebApplication Build(string[] args, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = Directory.GetCurrentDirectory() });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        // EF Core logs every command at Information; operators want the hub's own events.
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);
        // OpenIddict logs whole token requests and responses at Information: tokens stay out of the logs.
        builder.Logging.AddFilter("OpenIddict", LogLevel.Warning);
        var hub = builder.Configuration.GetSection(HubOptions.Section).Get<HubOptions>() ?? new HubOptions();
        builder.Services.AddHubServices(hub);
        builder.WebHost.ConfigureKestrel(ConfigureKestrel);
        configureServices?.Invoke(builder.Services);

        var app = builder.Build();
        app.UseHubAudit();
        app.UseAuthentication();
        app.UseAuthorization();
        if (hub.ServesData)
        {
            app.MapGrpcService<RecordGrpcService>();
            app.MapGrpcService<PersonGrpcService>();
            app.MapGrpcService<CoverageGrpcService>();
            app.MapGrpcService<ChangeFeedGrpcService>();
            app.MapGrpcService<AdminGrpcService>();
            app.MapGrpcService<AuditGrpcService>();
        }

        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
        return app;
    }

    /// <summary>Applies migrations, starts listening and returns the address clients should use.</summary>
    public static async Task<Uri> StartAsync(WebApplication app, CancellationToken cancellationToken = default)
    {
        // Options are validated before anything else, so a bad configuration fails with its own message.
        _ = app.Services.GetRequiredService<IOptions<HubOptions>>().Value;
        _ = app.Services.GetRequiredService<IOptions<StoreOptions>>().Value;
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<ExchangeDbContext>>().CreateDbContextAsync(cancellationToken))
        {
            await StoreSetup.MigrateAsync(db, cancellationToken);
        }

        app.Services.GetRequiredService<SqliteCheckpointer>().Start();
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        // Kestrel reports the IP it bound; clients should name the host the certificate is issued for.
        var uri = new Uri(address.Replace("[::1]", "localhost", StringComparison.Ordinal));
        Log.Listening(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Exchange.Hub"), uri.ToString());
        return uri;
    }

    private static IServiceCollection AddHubServices(this IServiceCollection services, HubOptions hub)
    {
        services.AddOptions<HubOptions>().BindConfiguration(HubOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<HubOptions>, HubOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<HubCertificates>();

        services.AddOptions<StoreOptions>().BindConfiguration(StoreOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<StoreOptions>, StoreOptionsValidator>();
        services.AddPooledDbContextFactory<ExchangeDbContext>((provider, options) => StoreSetup.Configure(options, Store(provider)));
        services.AddSingleton(provider =>
        {
            var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger<SqliteCheckpointer>();
            return SqliteCheckpointer.For(Store(provider), e => Log.CheckpointFailed(logger, SqliteConnectionPragmas.AutoCheckpointPages, e.Message));
        });
        services.AddSingleton(provider =>
        {
            var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger<PostgresStatistics>();
            return PostgresStatistics.For(Store(provider), e => Log.StatisticsFailed(logger, e.Message));
        });
        services.AddSingleton<RecordWriter>();
        services.AddSingleton<ClientRegistry>();
        services.AddSingleton<RecordValidator>();
        services.AddSingleton<BatchIngestor>();
        services.AddSingleton<PushActivity>();
        services.AddSingleton<PersonEventSignal>();
        services.AddSingleton<LinkageModelProvider>();
        services.AddSingleton<OnlineLinker>();
        services.AddSingleton<LinkDecisions>();
        services.AddSingleton<Relinker>();
        services.AddSingleton<PersonSearch>();

        services.AddHubAudit();
        services.AddHubAuthentication();
        services.AddSingleton<ClientAdministration>();
        services.AddExchangeIdentity(hub.ServesTokens, provider =>
        {
            var options = provider.GetRequiredService<IOptions<HubOptions>>().Value;
            var keys = new TokenKeys(new CertificateDirectory(options.CertificateDirectory).TokenKeys);
            keys.EnsureCreated(provider.GetRequiredService<TimeProvider>());
            return new IdentitySetup(provider.GetRequiredService<HubCertificates>().Authority, keys);
        });
        services.AddGrpc(ConfigureGrpc);
        services.AddOptions<Grpc.AspNetCore.Server.GrpcServiceOptions>().Configure<IOptions<HubOptions>>((grpc, hub) =>
        {
            grpc.MaxReceiveMessageSize = hub.Value.MaxMessageBytes;
            grpc.MaxSendMessageSize = hub.Value.MaxMessageBytes;
        });
        services.AddGrpcHealthChecks().AddDbContextCheck<ExchangeDbContext>("store");
        services.AddGrpcReflection();
        return services;
    }

    /// <summary>The store the hub's options name, under its data folder.</summary>
    private static StoreConnection Store(IServiceProvider provider) =>
        provider.GetRequiredService<IOptions<StoreOptions>>().Value.Resolve(provider.GetRequiredService<IOptions<HubOptions>>().Value.DataDirectory);

    private static void ConfigureGrpc(Grpc.AspNetCore.Server.GrpcServiceOptions options) =>
        // Internal exception messages may carry data; clients get the status text only.
        options.EnableDetailedErrors = false;

    private static void ConfigureKestrel(WebHostBuilderContext context, KestrelServerOptions kestrel)
    {
        var hub = kestrel.ApplicationServices.GetRequiredService<IOptions<HubOptions>>().Value;
        var certificates = kestrel.ApplicationServices.GetRequiredService<HubCertificates>();
        var logger = kestrel.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("Exchange.Tls");
        kestrel.AddServerHeader = false;
        kestrel.Limits.MaxRequestBodySize = null; // streams are long; gRPC limits each message instead
        kestrel.Listen(IPAddress.Parse(hub.ListenAddress), hub.Port, listen =>
        {
            // HTTPS with HTTP/2 only: no plaintext endpoint exists, and no client gets in without a certificate.
            listen.Protocols = HttpProtocols.Http2;
            listen.UseHttps(new HttpsConnectionAdapterOptions
            {
                ServerCertificate = certificates.Server,
                SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                ClientCertificateMode = ClientCertificateMode.RequireCertificate,
                CheckCertificateRevocation = false, // the registry, not CRLs, holds revocations
                ClientCertificateValidation = (certificate, _, _) =>
                {
                    // OS policy errors are ignored on purpose: only the hub's own CA counts.
                    var refusal = certificates.Validator.Validate(certificate);
                    if (refusal is not null)
                    {
                        Log.ClientCertificateRefused(logger, certificate?.Subject ?? "(none)", refusal);
                    }

                    return refusal is null;
                },
            });
        });
    }
}
