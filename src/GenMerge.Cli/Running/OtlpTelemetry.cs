using GenMerge.Pipeline.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace GenMerge.Cli.Running;

/// <summary>
/// The CLI's telemetry export: with the standard OTEL_EXPORTER_OTLP_ENDPOINT set, the pipeline's spans
/// and metrics (<see cref="GenMergeTelemetry"/>) go over OTLP to that collector (Jaeger, the Aspire
/// dashboard, an OpenTelemetry Collector). The exporter itself reads the other standard variables
/// (OTEL_EXPORTER_OTLP_PROTOCOL grpc | http/protobuf, _HEADERS, _TIMEOUT, OTEL_SERVICE_NAME,
/// OTEL_METRIC_EXPORT_INTERVAL ...). Without the endpoint nothing is set up: no listener, no cost.
/// </summary>
public static class OtlpTelemetry
{
    public const string EndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string DefaultServiceName = "genmerge";

    /// <summary>Starts the exporters; disposing the result flushes what is still buffered (the process is about to end).</summary>
    public static IDisposable? FromEnvironment()
    {
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(EndpointVariable))) return null;
        // CreateDefault honours OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES; name the service only when they do not.
        void Resource(ResourceBuilder r)
        {
            if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("OTEL_SERVICE_NAME"))) r.AddService(DefaultServiceName);
        }
        var tracer = Sdk.CreateTracerProviderBuilder()
            .ConfigureResource(Resource)
            .AddSource(GenMergeTelemetry.SourceName)
            .AddOtlpExporter()
            .Build();
        var meter = Sdk.CreateMeterProviderBuilder()
            .ConfigureResource(Resource)
            .AddMeter(GenMergeTelemetry.MeterName)
            .AddOtlpExporter()
            .Build();
        return new Providers(tracer, meter);
    }

    sealed class Providers(TracerProvider tracer, MeterProvider meter) : IDisposable
    {
        // Dispose = shutdown: the batch span processor and the periodic metric reader export once more.
        public void Dispose()
        {
            tracer.Dispose();
            meter.Dispose();
        }
    }
}
