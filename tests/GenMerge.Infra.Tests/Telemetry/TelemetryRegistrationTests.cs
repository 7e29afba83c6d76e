using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using GenMerge.Functions.Telemetry;
using GenMerge.Pipeline.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace GenMerge.Infra.Tests.Telemetry;

/// <summary>AddGenMergeTelemetry: what the lead calls from Program.cs.</summary>
public class TelemetryRegistrationTests
{
    // Loopback discard port: if anything did try to export, it would fail fast and stay local.
    const string FakeConnectionString =
        "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://127.0.0.1:9/";
    const string ClientId = "22222222-2222-2222-2222-222222222222";

    static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddGenMergeTelemetry(configuration).BuildServiceProvider();
    }

    [Fact]
    public void Pipeline_source_and_meter_are_listened_to_without_azure_monitor()
    {
        using var sp = Build(new());
        Assert.NotNull(sp.GetService<TracerProvider>());
        Assert.NotNull(sp.GetService<MeterProvider>());
        Assert.True(GenMergeTelemetry.ActivitySource.HasListeners(), "GenMerge.Pipeline ActivitySource is not subscribed");
        Assert.Null(sp.GetService<IOptionsMonitor<AzureMonitorExporterOptions>>()?.Get(Options.DefaultName).ConnectionString);
    }

    [Fact]
    public void Connection_string_enables_azure_monitor_with_the_managed_identity()
    {
        using var sp = Build(new()
        {
            [GenMergeTelemetryExtensions.ConnectionStringSetting] = FakeConnectionString,
            [GenMergeTelemetryExtensions.AuthenticationStringSetting] = $"Authorization=AAD;ClientId={ClientId}",
        });
        Assert.NotNull(sp.GetService<TracerProvider>());
        var options = sp.GetRequiredService<IOptionsMonitor<AzureMonitorExporterOptions>>().Get(Options.DefaultName);
        Assert.Equal(FakeConnectionString, options.ConnectionString);
        Assert.IsType<ManagedIdentityCredential>(options.Credential);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("", false)]
    [InlineData("Authorization=AAD", true)]
    [InlineData("Authorization=AAD;ClientId=" + ClientId, true)]
    [InlineData("authorization=aad ; clientid=" + ClientId, true)]
    public void Authentication_string_yields_a_managed_identity_credential(string? value, bool expectCredential)
    {
        var credential = GenMergeTelemetryExtensions.CredentialFor(value);
        if (expectCredential) Assert.IsType<ManagedIdentityCredential>(credential);
        else Assert.Null(credential);
    }

    [Theory]
    [InlineData("Authorization=Key")]
    [InlineData("ClientId=" + ClientId)]
    [InlineData("Authorization=AAD;ClientId=not-a-guid")]
    public void Malformed_authentication_string_is_a_clear_error(string value)
    {
        var e = Assert.Throws<InvalidOperationException>(() => GenMergeTelemetryExtensions.CredentialFor(value));
        Assert.Contains(GenMergeTelemetryExtensions.AuthenticationStringSetting, e.Message);
    }
}
