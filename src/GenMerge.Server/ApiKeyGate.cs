using System.Net;
using System.Security.Cryptography;
using System.Text;
using GenMerge.Api.Http;
using Microsoft.AspNetCore.Http;

namespace GenMerge.Server;

/// <summary>
/// The API key of a server reachable beyond loopback, checked as Azure Functions checks function keys
/// (x-functions-key header or ?code=). Generated on first start and kept in the work folder, so the
/// same key works after a restart; printed only when it is made.
/// </summary>
public static class ApiKeyGate
{
    public const string Header = "x-functions-key";

    /// <summary>Reads the key in <paramref name="path"/>, or writes a new random one there (owner-only).</summary>
    public static (string Key, bool Created) LoadOrCreate(string path)
    {
        if (File.Exists(path) && File.ReadAllText(path).Trim() is { Length: >= 16 } existing)
            return (existing, false);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        string key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        File.WriteAllText(path, key + "\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return (key, true);
    }

    /// <summary>True when every URL binds a loopback address (localhost, 127.x, ::1) only.</summary>
    public static bool AllLoopback(IEnumerable<string> urls) => urls.All(IsLoopback);

    static bool IsLoopback(string url)
    {
        if (!Uri.TryCreate(url.Replace("://*", "://0.0.0.0").Replace("://+", "://0.0.0.0"), UriKind.Absolute, out var uri))
            throw new ArgumentException($"--urls: '{url}' is not an absolute http(s) URL");
        if (uri.Scheme is not ("http" or "https"))
            throw new ArgumentException($"--urls: '{url}' is not an http or https URL");
        return uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
    }

    /// <summary>Middleware: /api/* needs the key; the dashboard's static files do not (they hold no data).</summary>
    public static Func<HttpContext, RequestDelegate, Task> Middleware(string key)
    {
        byte[] expected = Encoding.UTF8.GetBytes(key);
        return async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/api"))
            {
                string? given = context.Request.Headers[Header].FirstOrDefault()
                                ?? (context.Request.Query.TryGetValue("code", out var c) ? c.ToString() : null);
                if (given is null || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), expected))
                {
                    await JsonBodyResult.Error(StatusCodes.Status401Unauthorized,
                        given is null ? $"key: this server needs its API key ({Header} header or ?code=)" : "key: the API key is wrong").ExecuteAsync(context);
                    return;
                }
            }
            await next(context);
        };
    }
}
