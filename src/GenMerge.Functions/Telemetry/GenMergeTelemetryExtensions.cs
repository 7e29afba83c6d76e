using Azure.Core;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using GenMerge.Pipeline.Telemetry;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Resources;

namespace GenMerge.Functions.Telemetry;

/// <summary>
/// OpenTelemetry for the Functions worker: the pipeline's ActivitySource and Meter
/// (<see cref="GenMergeTelemetry"/>) plus the Functions worker's own spans, exported to Azure Monitor
/// when APPLICATIONINSIGHTS_CONNECTION_STRING is set (in Azure; locally nothing is exported).
/// Call from Program.cs: <c>builder.Services.AddGenMergeTelemetry(builder.Configuration);</c>
/// </summary>
public static class GenMergeTelemetryExtensions
{
    public const string ServiceName = "genmerge-api";
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";
    public const string AuthenticationStringSetting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    public static IServiceCollection AddGenMergeTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var otel = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(ServiceName))
            .WithTracing(t => t.AddSource(GenMergeTelemetry.SourceName))
            .WithMetrics(m => m.AddMeter(GenMergeTelemetry.MeterName))
            .UseFunctionsWorkerDefaults();

        var connectionString = configuration[ConnectionStringSetting];
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            var credential = CredentialFor(configuration[AuthenticationStringSetting]);
            otel.UseAzureMonitorExporter(o =>
            {
                o.ConnectionString = connectionString;
                // Application Insights has local (instrumentation key) auth disabled: ingest with Entra ID.
                if (credential != null) o.Credential = credential;
            });
        }
        return services;
    }

    /// <summary>
    /// The credential an APPLICATIONINSIGHTS_AUTHENTICATION_STRING asks for:
    /// "Authorization=AAD;ClientId=&lt;guid&gt;" (user-assigned identity) or "Authorization=AAD"
    /// (system-assigned); null when the setting is absent. Anything else is a configuration error.
    /// </summary>
    public static TokenCredential? CredentialFor(string? authenticationString)
    {
        if (string.IsNullOrWhiteSpace(authenticationString)) return null;
        var parts = authenticationString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(kv => kv[0], kv => kv.Length == 2 ? kv[1] : "", StringComparer.OrdinalIgnoreCase);
        if (!parts.TryGetValue("Authorization", out var auth) || !auth.Equals("AAD", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException(
                $"{AuthenticationStringSetting} must contain 'Authorization=AAD' (found '{authenticationString}')");
        if (parts.TryGetValue("ClientId", out var clientId) && !string.IsNullOrWhiteSpace(clientId))
        {
            if (!Guid.TryParse(clientId, out _))
                throw new InvalidOperationException($"{AuthenticationStringSetting}: ClientId '{clientId}' is not a GUID");
            return new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId));
        }
        return new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned);
    }
}
