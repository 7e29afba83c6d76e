using GenMerge.Cli.Console;
using GenMerge.Core.Checkpoints;

namespace GenMerge.Cli.Demo;

/// <summary>
/// The pretrained source models committed under models/ (emoji domains, compact 32 px; models/README.md says how each
/// was trained) and copied next to the CLI at build time, so `genmerge demo` starts where users start: with trained
/// generators.
/// </summary>
public static class ShippedModels
{
    /// <summary>The domains with a shipped model, in the order the demo lists them.</summary>
    public static IReadOnlyList<string> Domains { get; } = new[] { "animals", "flags", "smileys", "food" };

    /// <summary>models/ next to the CLI binary; GENMERGE_MODELS points elsewhere (tests).</summary>
    public static string Folder =>
        Environment.GetEnvironmentVariable("GENMERGE_MODELS") is { Length: > 0 } m ? m : Path.Combine(AppContext.BaseDirectory, "models");

    public static string FileName(string domain) => $"emoji-{domain}.safetensors";

    /// <summary>The checked path of a shipped model: a clear error naming the file and how to restore it.</summary>
    public static string Resolve(string domain)
    {
        if (!Domains.Contains(domain))
            throw new UserError($"--domains: no shipped model for '{domain}'; shipped: {string.Join(", ", Domains)}");
        var path = Path.Combine(Folder, FileName(domain));
        var restore = $"restore it with `git checkout -- models/{FileName(domain)}` and rebuild";
        if (!File.Exists(path)) throw new UserError($"shipped model {path} is missing; {restore}");
        try
        {
            // A full load: every tensor present, finite and of the right shape.
            using var _ = Checkpoint.Load(path);
        }
        catch (CheckpointException e)
        {
            throw new UserError($"shipped model {path} is unusable ({e.Problem}); {restore}");
        }
        return path;
    }
}
