using System.Net;
using System.Net.Sockets;
using System.Text;

namespace GenMerge.Cli.Tests;

/// <summary>
/// Stands in for an OpenTelemetry collector's OTLP/HTTP receiver on a free loopback port: keeps the
/// body of every POST by path (/v1/traces, /v1/metrics) and answers 200 with an empty protobuf
/// message, which is a valid (empty) Export*ServiceResponse.
/// </summary>
public sealed class OtlpCollector : IDisposable
{
    readonly HttpListener listener = new();
    readonly List<(string Path, byte[] Body)> posts = new();
    readonly Task loop;

    public OtlpCollector()
    {
        Port = FreePort();
        Endpoint = $"http://127.0.0.1:{Port}";
        listener.Prefixes.Add(Endpoint + "/");
        listener.Start();
        loop = Task.Run(ServeAsync);
    }

    public int Port { get; }
    public string Endpoint { get; }

    public IReadOnlyList<byte[]> Bodies(string path)
    {
        lock (posts) return posts.Where(p => p.Path == path).Select(p => p.Body).ToList();
    }

    /// <summary>
    /// Whether a protobuf string field with this tag byte holds <paramref name="value"/> in any body:
    /// the tag, a one-byte length, the UTF-8 bytes (enough decoding for names under 128 bytes).
    /// Span.name is field 5 (tag 0x2A), Metric.name field 1 (tag 0x0A).
    /// </summary>
    public static bool HasString(IEnumerable<byte[]> bodies, byte tag, string value)
    {
        var utf8 = Encoding.UTF8.GetBytes(value);
        var needle = new byte[utf8.Length + 2];
        needle[0] = tag;
        needle[1] = checked((byte)utf8.Length);
        utf8.CopyTo(needle, 2);
        return bodies.Any(b => b.AsSpan().IndexOf(needle) >= 0);
    }

    async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext c;
            try { c = await listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException) { return; }
            using var body = new MemoryStream();
            await c.Request.InputStream.CopyToAsync(body);
            if (c.Request.HttpMethod == "POST")
                lock (posts) posts.Add((c.Request.Url!.AbsolutePath, body.ToArray()));
            c.Response.StatusCode = 200;
            c.Response.ContentType = "application/x-protobuf";
            c.Response.ContentLength64 = 0;
            c.Response.Close();
        }
    }

    static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    public void Dispose()
    {
        // Close alone (it stops too): on Linux, Stop then Close makes the managed HttpListener look the port up
        // again, and that throws "Address already in use" when another process has taken the freed port meanwhile.
        try { listener.Close(); }
        catch (HttpListenerException) { } // cleanup only: what the test asserts was received before this
        try { loop.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
    }
}
