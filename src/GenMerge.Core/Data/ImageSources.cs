namespace GenMerge.Core.Data;

/// <summary>Turns a data spec from the command line or a request into an <see cref="IImageSource"/>.</summary>
public static class ImageSources
{
    /// <summary>
    /// "domain:NAME" gives a <see cref="ProceduralDomain"/>; "folder:PATH" or a plain folder path gives an
    /// <see cref="ImageFolderSource"/> (recursive). Any other "scheme:" prefix is an error naming the valid forms.
    /// </summary>
    public static IImageSource Parse(string spec, int resolution, long seed, Action<SkippedImage>? onSkipped = null)
    {
        if (string.IsNullOrWhiteSpace(spec))
            throw new ArgumentException("image source spec is empty (expected 'domain:NAME' or a folder path)", nameof(spec));
        spec = spec.Trim();
        const string domain = "domain:", folder = "folder:";
        if (spec.StartsWith(domain, StringComparison.OrdinalIgnoreCase))
            return ProceduralDomain.Create(spec[domain.Length..], resolution, seed);
        if (spec.StartsWith(folder, StringComparison.OrdinalIgnoreCase))
            return new ImageFolderSource(spec[folder.Length..], resolution, seed, recursive: true, onSkipped);
        int colon = spec.IndexOf(':');
        // A colon after a one-letter prefix is a Windows drive ("C:\data"), not a scheme.
        if (colon > 1 && !Directory.Exists(spec) && !spec[..colon].Contains('/') && !spec[..colon].Contains('\\'))
            throw new ArgumentException($"image source '{spec}': unknown scheme '{spec[..colon]}:' (expected 'domain:NAME' with NAME one of {string.Join(", ", ProceduralDomain.Names)}, or a folder path)", nameof(spec));
        return new ImageFolderSource(spec, resolution, seed, recursive: true, onSkipped);
    }
}
