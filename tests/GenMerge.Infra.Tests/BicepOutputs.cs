using System.Diagnostics;
using System.Text.Json.Nodes;

namespace GenMerge.Infra.Tests;

/// <summary>
/// Compiled and evaluated forms of infra/main.bicep, produced by scripts/bicep.sh (lint + build +
/// snapshot). Runs the script once per test run, and only when infra/ changed since the last run.
/// </summary>
public sealed class BicepOutputs
{
    public string RepoRoot { get; }
    public string OutDir { get; }
    /// <summary>bicep build output: the ARM template exactly as deployed.</summary>
    public JsonNode Template { get; }
    public string TemplateText { get; }
    /// <summary>bicep snapshot: every resource with its expressions evaluated (gpuProfile T4).</summary>
    public JsonNode SnapshotT4 { get; }
    public JsonNode SnapshotA100 { get; }

    public BicepOutputs()
    {
        RepoRoot = FindRepoRoot();
        OutDir = Path.Combine(RepoRoot, ".tools", "bicep-out");
        var outputs = new[] { "main.json", "snapshot-t4.snapshot.json", "snapshot-a100.snapshot.json" }
            .Select(f => Path.Combine(OutDir, f)).ToArray();
        if (IsStale(outputs)) RunBicepScript();

        TemplateText = File.ReadAllText(outputs[0]);
        Template = JsonNode.Parse(TemplateText)!;
        SnapshotT4 = JsonNode.Parse(File.ReadAllText(outputs[1]))!;
        SnapshotA100 = JsonNode.Parse(File.ReadAllText(outputs[2]))!;
    }

    public static IEnumerable<JsonObject> Resources(JsonNode snapshot, string type) =>
        snapshot["predictedResources"]!.AsArray().OfType<JsonObject>()
            .Where(r => string.Equals((string?)r["type"], type, StringComparison.OrdinalIgnoreCase));

    public static JsonObject Single(JsonNode snapshot, string type)
    {
        var all = Resources(snapshot, type).ToList();
        Assert.True(all.Count == 1, $"expected exactly one {type} in the snapshot, found {all.Count}");
        return all[0];
    }

    static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GenMerge.Functions.sln"))
                && File.Exists(Path.Combine(dir.FullName, "infra", "main.bicep")))
                return dir.FullName;
        throw new InvalidOperationException(
            $"cannot find the repository root (GenMerge.Functions.sln + infra/main.bicep) above {AppContext.BaseDirectory}");
    }

    /// <summary>True when an output is missing or older than any input of scripts/bicep.sh.</summary>
    bool IsStale(string[] outputs)
    {
        if (outputs.Any(o => !File.Exists(o))) return true;
        var oldestOutput = outputs.Min(File.GetLastWriteTimeUtc);
        var inputs = Directory.EnumerateFiles(Path.Combine(RepoRoot, "infra"), "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".bicep") || f.EndsWith(".json"))
            .Append(Path.Combine(RepoRoot, "scripts", "bicep.sh"));
        return inputs.Any(f => File.GetLastWriteTimeUtc(f) > oldestOutput);
    }

    void RunBicepScript()
    {
        var psi = new ProcessStartInfo("bash", new[] { Path.Combine(RepoRoot, "scripts", "bicep.sh") })
        {
            WorkingDirectory = RepoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException("scripts/bicep.sh did not finish within 5 minutes");
        }
        if (p.ExitCode != 0)
            throw new InvalidOperationException(
                $"scripts/bicep.sh failed (exit {p.ExitCode}):\n{stdout.Result}\n{stderr.Result}");
    }
}

[CollectionDefinition("bicep")]
public sealed class BicepCollection : ICollectionFixture<BicepOutputs>;
