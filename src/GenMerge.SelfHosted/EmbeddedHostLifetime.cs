using Microsoft.Extensions.Hosting;

namespace GenMerge.SelfHosted;

/// <summary>
/// The lifetime of the hosts <see cref="LocalDurableHost"/> embeds: none of their own. The default ConsoleLifetime
/// takes over Ctrl+C / SIGTERM to stop a host that nobody waits on (so the signal did nothing) and holds process
/// exit until the running activity ends; the application that embeds the host (the CLI, a test) owns both.
/// </summary>
public sealed class EmbeddedHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
