using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace GenMerge.Cli.Tests;

/// <summary>
/// Stands in for a collector's OTLP/gRPC receiver: Kestrel on a free loopback port, HTTP/2 without TLS
/// (prior knowledge, as gRPC over http:// uses). Keeps each Export call's message (the 5-byte gRPC
/// frame header stripped) by service, and answers an empty message with grpc-status 0.
/// </summary>
public sealed class GrpcOtlpCollector : IAsyncDisposable
{
    readonly WebApplication app;
    readonly List<(string Path, byte[] Body)> calls = new();

    GrpcOtlpCollector(WebApplication app) => this.app = app;

    public string Endpoint { get; private set; } = "";

    public const string Traces = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";
    public const string Metrics = "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export";

    public static async Task<GrpcOtlpCollector> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        var collector = new GrpcOtlpCollector(builder.Build());
        collector.app.Run(collector.HandleAsync);
        await collector.app.StartAsync();
        collector.Endpoint = collector.app.Urls.Single().Replace("[::1]", "127.0.0.1");
        return collector;
    }

    public IReadOnlyList<byte[]> Bodies(string path)
    {
        lock (calls) return calls.Where(c => c.Path == path).Select(c => c.Body).ToList();
    }

    async Task HandleAsync(HttpContext c)
    {
        using var body = new MemoryStream();
        await c.Request.Body.CopyToAsync(body);
        var bytes = body.ToArray();
        lock (calls) calls.Add((c.Request.Path.Value ?? "", bytes.Length >= 5 ? bytes[5..] : bytes));
        c.Response.ContentType = "application/grpc";
        c.Response.AppendTrailer("grpc-status", "0");
        await c.Response.Body.WriteAsync(new byte[5]); // an uncompressed, empty Export*ServiceResponse
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
