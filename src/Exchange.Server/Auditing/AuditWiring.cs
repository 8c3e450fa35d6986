using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Exchange.Server.Auditing;

public static class AuditWiring
{
    /// <summary>The audit log (group commit, checkpoints, key) and the interceptor that feeds it.</summary>
    public static IServiceCollection AddHubAudit(this IServiceCollection services)
    {
        services.AddOptions<AuditOptions>().BindConfiguration(AuditOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<AuditSigner>();
        services.AddSingleton<AuditLog>();
        services.AddHostedService(provider => provider.GetRequiredService<AuditLog>());
        services.AddSingleton<AuditInterceptor>();
        services.Configure<GrpcServiceOptions>(grpc => grpc.Interceptors.Add<AuditInterceptor>());
        return services;
    }

    /// <summary>Must come before authentication: refused calls are audited too.</summary>
    public static IApplicationBuilder UseHubAudit(this IApplicationBuilder app) => app.UseMiddleware<AuditMiddleware>();
}
