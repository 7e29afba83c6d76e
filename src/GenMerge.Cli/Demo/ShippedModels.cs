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

    /// <summary>The path of a shipped model; a clear error naming the file and how to restore it when it is missing.</summary>
    public static string Resolve(string domain)
    {
        if (!Domains.Contains(domain))
            throw new UserError($"--domains: no shipped model for '{domain}'; shipped: {string.Join(", ", Domains)}");
        var path = Path.Combine(Folder, FileName(domain));
        if (!File.Exists(path)) throw new UserError($"shipped model {path} is missing; {Restore(path)}");
        return path;
    }

    /// <summary>
    /// A load error (the merge loads every source fully before a run exists) of a shipped model, with how to restore it;
    /// null for any other file.
    /// </summary>
    public static UserError? Unusable(CheckpointException e) =>
        Path.GetDirectoryName(Path.GetFullPath(e.File)) == Path.GetFullPath(Folder) && Domains.Any(d => FileName(d) == Path.GetFileName(e.File))
            ? new UserError($"shipped model {e.File} is unusable ({e.Problem}); {Restore(e.File)}")
            : null;

    static string Restore(string path) => $"restore it with `git checkout -- models/{Path.GetFileName(path)}` and rebuild";
}
