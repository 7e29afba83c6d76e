using System.CommandLine;
using GenMerge.Core.Data;

namespace GenMerge.Cli.Commands;

/// <summary>Where real images come from: a built-in procedural domain or a folder (exactly one of the two).</summary>
public sealed class ImageSourceOptions
{
    public readonly Option<string?> Domain = new("--domain")
    {
        Description = $"Built-in procedural domain ({string.Join(", ", ProceduralDomain.Names)}) or a real emoji domain " +
                      $"emoji:NAME ({string.Join(", ", EmojiDomains.Names)}; {EmojiDomains.SetupHint})",
    };
    public readonly Option<DirectoryInfo?> Images = new("--images") { Description = "Folder of PNG/JPEG training images" };

    public IEnumerable<Option> All => new Option[] { Domain, Images };

    /// <summary>Adds the options and the exactly-one-of check to <paramref name="cmd"/>.</summary>
    public void AddTo(Command cmd)
    {
        foreach (var o in All) cmd.Options.Add(o);
        cmd.Validators.Add(r =>
        {
            bool hasDomain = r.GetValue(Domain) is not null, hasImages = r.GetValue(Images) is not null;
            if (hasDomain == hasImages) r.AddError("give exactly one of --domain NAME or --images DIR");
        });
    }

    public IImageSource Create(ParseResult p, int resolution, long seed)
    {
        if (p.GetValue(Domain) is { } d)
        {
            if (EmojiDomains.NameOf(d) is not { } emoji) return ProceduralDomain.Create(d, resolution, seed);
            var folder = EmojiDomains.Folder(emoji, EmojiDomains.DefaultRoot(Running.MergeLauncher.DefaultWorkDir));
            return new ImageFolderSource(folder, resolution, seed, onSkipped: Warn, name: d);
        }
        return new ImageFolderSource(p.GetValue(Images)!.FullName, resolution, seed, onSkipped: Warn);
    }

    static void Warn(SkippedImage w) => System.Console.Error.WriteLine($"warning: skipped {w.File}: {w.Reason}");
}
