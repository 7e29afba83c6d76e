using System.Net.Sockets;

namespace GenMerge.Functions.Tests.Support;

/// <summary>The Azurite instance scripts/test.sh starts; tests that need it fail with a message saying how to start it.</summary>
internal static class Azurite
{
    public const string ConnectionString = "UseDevelopmentStorage=true";

    static readonly Lazy<string?> Problem = new(() =>
    {
        try
        {
            using var tcp = new TcpClient();
            return tcp.ConnectAsync("127.0.0.1", 10000).Wait(TimeSpan.FromSeconds(2)) ? null : "port 10000 timed out";
        }
        catch (Exception e)
        {
            return e.GetBaseException().Message;
        }
    });

    public static void EnsureRunning()
    {
        if (Problem.Value is { } p)
            throw new InvalidOperationException(
                $"Azurite is not reachable on 127.0.0.1:10000 ({p}). Run the tests through `bash scripts/test.sh`, " +
                "or start it first with `bash scripts/azurite.sh start`.");
    }
}
