using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Exchange.Contracts.V1;
using Exchange.Pki;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Exchange.Bench;

/// <summary>
/// The transport ceiling: Kestrel with the hub's TLS settings (HTTP/2 only, TLS 1.2/1.3, a client
/// certificate required and checked against the hub's CA) serving a RecordService that stores nothing.
/// What a push costs here is TLS, HTTP/2 framing and protobuf, with no per-call registry lookup, no
/// validation, no store and no linking.
/// </summary>
internal static class NoOpHub
{
    public static async Task<(WebApplication App, Uri Address)> StartAsync(CertificateDirectory certificates)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddGrpc(options =>
        {
            options.MaxReceiveMessageSize = 4 * 1024 * 1024;
            options.MaxSendMessageSize = 4 * 1024 * 1024;
        });
        var authority = X509CertificateLoader.LoadCertificateFromFile(certificates.CaCertificate);
        var server = X509CertificateLoader.LoadPkcs12FromFile(certificates.ServerCertificate, null);
        var validator = new ClientCertificateValidator(authority, TimeProvider.System);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                listen.UseHttps(new HttpsConnectionAdapterOptions
                {
                    ServerCertificate = server,
                    SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                    ClientCertificateMode = ClientCertificateMode.RequireCertificate,
                    CheckCertificateRevocation = false,
                    ClientCertificateValidation = (certificate, _, _) => validator.Validate(certificate) is null,
                });
            });
        });
        var app = builder.Build();
        app.MapGrpcService<NoOpRecordService>();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return (app, new Uri(address));
    }

    /// <summary>Acknowledges every batch as stored, with the same per-record results the hub sends; keeps nothing.</summary>
    private sealed class NoOpRecordService : RecordService.RecordServiceBase
    {
        public override async Task Push(IAsyncStreamReader<PushBatch> requestStream, IServerStreamWriter<PushAck> responseStream, ServerCallContext context)
        {
            await foreach (var batch in requestStream.ReadAllAsync(context.CancellationToken))
            {
                var ack = new PushAck { BatchId = batch.BatchId, Stored = batch.Records.Count };
                for (var i = 0; i < batch.Records.Count; i++)
                {
                    ack.Results.Add(new RecordResult { Index = i, RecordId = batch.Records[i].RecordId, Version = batch.Records[i].Version, Outcome = RecordOutcome.Stored });
                }

                await responseStream.WriteAsync(ack, context.CancellationToken);
            }
        }

        // The unary ceiling of the query benchmark: a call that reads nothing and answers nothing.
        public override Task<GetRecordsResponse> GetRecords(GetRecordsRequest request, ServerCallContext context) => Task.FromResult(new GetRecordsResponse());
    }
}
