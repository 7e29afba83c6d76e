namespace GenMerge.Core.Data;

/// <summary>
/// Real few-shot image domains: one folder of 64 px emoji PNGs per emoji category (Twemoji, CC-BY 4.0, and Noto
/// Emoji, Apache-2.0), laid out by scripts/emoji-domains.sh under a cache folder. `emoji:NAME` names one.
/// </summary>
public static class EmojiDomains
{
    public const string Prefix = "emoji:";

    /// <summary>The folders scripts/emoji-domains.sh writes, one per emoji category.</summary>
    public static IReadOnlyList<string> Names { get; } =
        new[] { "smileys", "people", "animals", "food", "travel", "activities", "objects", "symbols", "flags" };

    public const string SetupHint = "run `bash scripts/emoji-domains.sh` to download them (npm)";

    /// <summary>The domain name of an `emoji:NAME` spec, or null when the text is not one.</summary>
    public static string? NameOf(string? spec) =>
        spec is not null && spec.StartsWith(Prefix, StringComparison.Ordinal) ? spec[Prefix.Length..] : null;

    /// <summary>The cache root: $GENMERGE_EMOJI, else &lt;home&gt;/emoji (home: $GENMERGE_HOME or ~/.genmerge).</summary>
    public static string DefaultRoot(string genmergeHome) =>
        Environment.GetEnvironmentVariable("GENMERGE_EMOJI") is { Length: > 0 } e ? e : Path.Combine(genmergeHome, "emoji");

    /// <summary>The folder of domain <paramref name="name"/> if the cache holds it (one image at least), else null.</summary>
    public static string? TryFolder(string name, string root)
    {
        Check(name);
        var folder = Path.Combine(root, name);
        return Directory.Exists(folder) && Directory.EnumerateFiles(folder, "*.png").Any() ? folder : null;
    }

    /// <summary>The folder of domain <paramref name="name"/>; a clear error when the name or the cache is wrong.</summary>
    public static string Folder(string name, string root) =>
        TryFolder(name, root) ?? throw new DirectoryNotFoundException(
            $"emoji domain '{name}': no images in {Path.Combine(root, name)}; {SetupHint}");

    static void Check(string name)
    {
        if (!Names.Contains(name))
            throw new ArgumentException($"unknown emoji domain '{name}'; valid: {string.Join(", ", Names.Select(n => Prefix + n))}");
    }
}
