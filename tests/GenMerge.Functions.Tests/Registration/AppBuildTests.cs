using GenMerge.Functions.Blobs;
using GenMerge.Api.Merges;
using GenMerge.Functions.Startup;
using GenMerge.Pipeline;
using GenMerge.Pipeline.Storage;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Trace;

namespace GenMerge.Functions.Tests.Registration;

/// <summary>The worker's host as Program.cs builds it (not started: that needs the Functions host's gRPC channel).</summary>
public sealed class AppBuildTests
{
    [Fact]
    public void Programs_services_resolve_and_build_every_activity()
    {
        string root = Path.Combine(Path.GetTempPath(), "genmerge-fn-app-" + Guid.NewGuid().ToString("N")[..8]);
        var builder = FunctionsApplication.CreateBuilder([]);
        builder.Configuration[FunctionsSettings.LocalRoot] = root;
        builder.Configuration[FunctionsSettings.Storage] = "";
        builder.Configuration[FunctionsSettings.StorageAccountUrl] = "";
        builder.Configuration[FunctionsSettings.HostStorage] = "";
        using IHost host = GenMergeApp.Configure(builder).Build();

        Assert.IsType<LocalFolderStore>(host.Services.GetRequiredService<IArtifactStore>());
        Assert.IsType<LocalFolderStore>(host.Services.GetRequiredService<MergeRequestInbox>().Store);
        Assert.NotNull(host.Services.GetRequiredService<MergeStarter>());
        Assert.NotNull(host.Services.GetService<TracerProvider>()); // telemetry is wired
        using var scope = host.Services.CreateScope();
        foreach (Type activity in PipelineTasks.Activities)
            Assert.IsType(activity, ActivatorUtilities.CreateInstance(scope.ServiceProvider, activity));
    }
}
