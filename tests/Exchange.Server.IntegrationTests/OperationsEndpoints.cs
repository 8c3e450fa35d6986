using Exchange.Client;
using Exchange.Contracts.V1;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;

namespace Exchange.Server.IntegrationTests;

public abstract class OperationsEndpoints(HubFixture hub)
{
    [SkippableFact]
    public async Task Health_reports_the_hub_and_its_store_as_serving()
    {
        var response = await new Health.HealthClient(hub.Channel("auditor")).CheckAsync(new HealthCheckRequest());

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
    }

    [SkippableFact]
    public async Task Reflection_lists_the_record_service_to_a_registered_client()
    {
        using var call = new ServerReflection.ServerReflectionClient(hub.Channel("hr-gd")).ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));

        Assert.Contains(call.ResponseStream.Current.ListServicesResponse.Service, s => s.Name == "exchange.v1.RecordService");
    }

    [SkippableFact]
    public async Task Health_needs_a_registered_certificate_too()
    {
        var exception = await Assert.ThrowsAsync<RpcException>(() => new Health.HealthClient(hub.Channel("ps-revoked")).CheckAsync(new HealthCheckRequest()).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, exception.StatusCode);
    }

    [SkippableFact]
    public async Task The_demo_sample_files_push_as_the_README_describes()
    {
        var samples = Path.Combine(RepositoryRoot(), "src", "Exchange.Cli", "samples");

        var register = await PushFileAsync("ps-gd", Path.Combine(samples, "register-gd.csv"));
        var enrollment = await PushFileAsync("hr-gd", Path.Combine(samples, "enrollment-gd.csv"));

        Assert.Equal((8L, 1L, 2L), (register.Stored, register.Rejected, register.Flagged));
        Assert.Equal((7L, 1L), (enrollment.Stored, enrollment.Rejected));
    }

    private async Task<PushSummary> PushFileAsync(string clientId, string path)
    {
        using var reader = new StreamReader(path);
        var summary = new PushSummary();
        await RecordPusher.PushAsync(hub.Records(clientId), RecordCsv.ReadAsync(reader, e => summary.AddLocalRejection(e.RecordId, e.Field, e.Description)), new PushOptions(BatchSize: 3), summary);
        return summary;
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Exchange.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Exchange.sln not found above the test folder.");
    }
}
