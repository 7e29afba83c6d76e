using System.Net.Sockets;

namespace GenMerge.Tests;

/// <summary>
/// The Azurite instance scripts/test.sh starts; tests that need it fail with a message saying how to start it.
/// One copy for every test project (linked in by their project files): the same ports and patience everywhere.
/// </summary>
internal static class Azurite
{
    public const string ConnectionString = "UseDevelopmentStorage=true";

    static readonly Lazy<string?> Problem = new(Probe);

    public static void EnsureRunning()
    {
        if (Problem.Value is { } p)
            throw new InvalidOperationException(
                $"Azurite is not reachable on 127.0.0.1:10000-10002 ({p}). Run the tests through `bash scripts/test.sh`, " +
                "or start it first with `bash scripts/azurite.sh start`.");
    }

    static string? Probe()
    {
        foreach (int port in new[] { 10000, 10001, 10002 })
        {
            // A loaded machine (builds, training beside the tests) can keep Azurite's single event
            // loop busy for seconds: a few patient tries before calling it unreachable.
            string? problem = null;
            for (int attempt = 0; attempt < 3; attempt++)
            {
                try
                {
                    using var tcp = new TcpClient();
                    problem = tcp.ConnectAsync("127.0.0.1", port).Wait(TimeSpan.FromSeconds(10)) ? null : $"port {port} timed out";
                }
                catch (Exception e)
                {
                    problem = $"port {port}: {e.GetBaseException().Message}";
                }
                if (problem is null) break;
            }
            if (problem is not null) return problem;
        }
        return null;
    }

    /// <summary>A name unique to this test run, safe for containers (lowercase) and task hubs (letters and digits).</summary>
    public static string UniqueName(string prefix) => prefix + Guid.NewGuid().ToString("N")[..12];
}
