using System.Diagnostics;

namespace GenMerge.Cli.Tests;

/// <summary>
/// The real emoji domains for tests: scripts/emoji-domains.sh run once per machine into a shared folder
/// ($GENMERGE_TEST_EMOJI, default /tmp/genmerge-test-emoji). A test that needs them is skipped, saying why, without npm.
/// </summary>
public static class EmojiCache
{
    static readonly Lazy<(string? Root, string? Why)> Cache = new(Install);

    public static string Root
    {
        get
        {
            var (root, why) = Cache.Value;
            Skip.If(root is null, why);
            return root!;
        }
    }

    static (string?, string?) Install()
    {
        var root = Environment.GetEnvironmentVariable("GENMERGE_TEST_EMOJI") is { Length: > 0 } e ? e
            : Path.Combine(Path.GetTempPath(), "genmerge-test-emoji");
        if (Directory.Exists(Path.Combine(root, "flags")) && Directory.EnumerateFiles(Path.Combine(root, "flags")).Any()) return (root, null);
        var script = Path.Combine(RepoRoot(), "scripts", "emoji-domains.sh");
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add(root);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        _ = p.StandardOutput.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(5))) { p.Kill(true); return (null, "scripts/emoji-domains.sh: no exit within 5 minutes"); }
        // Exit 2 is the script's "npm not found": skip. Anything else that fails is a real failure.
        if (p.ExitCode == 2) return (null, $"npm unavailable: {err.Result.Trim()}");
        if (p.ExitCode != 0) throw new InvalidOperationException($"scripts/emoji-domains.sh failed ({p.ExitCode}): {err.Result}");
        return (root, null);
    }

    public static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "GenMerge.Functions.sln"))) return d.FullName;
        throw new InvalidOperationException("repository root (GenMerge.Functions.sln) not found above " + AppContext.BaseDirectory);
    }
}
