using GenMerge.Core.Checkpoints;

namespace GenMerge.Cli.Tests;

/// <summary>`--domain emoji:NAME`: trains on the real emoji folder scripts/emoji-domains.sh lays out; bad names and a missing cache are one line.</summary>
public class EmojiDomainTests
{
    [SkippableFact]
    public void Train_reads_an_emoji_domain_and_records_it_as_the_data()
    {
        var emoji = EmojiCache.Root;
        using var cli = new CliRunner();
        cli.Env["GENMERGE_EMOJI"] = emoji;
        var r = cli.Run("train", "--domain", "emoji:flags", "--resolution", "16", "--steps", "2", "--batch", "8",
                        "--snapshot-every", "0", "--out", cli.PathOf("flags.safetensors"));
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("emoji:flags", Checkpoint.ReadInfo(cli.PathOf("flags.safetensors")).Provenance.Data);
        // The script's layout: one folder per category, both vendors, and the licences beside them.
        Assert.InRange(Directory.GetFiles(Path.Combine(emoji, "flags"), "*.png").Length, 300, 1000);
        Assert.Contains("CC-BY 4.0", File.ReadAllText(Path.Combine(emoji, "LICENSES.txt")));
    }

    [Theory]
    [InlineData("emoji:unicorns", "unknown emoji domain 'unicorns'")]
    [InlineData("emoji:flags", "no images in")]
    public void A_bad_emoji_domain_or_a_missing_cache_is_one_line(string domain, string expected)
    {
        using var cli = new CliRunner();
        cli.Env["GENMERGE_EMOJI"] = cli.PathOf("no-emoji-here");
        var r = cli.Run("train", "--domain", domain, "--resolution", "16", "--steps", "2", "--out", cli.PathOf("x.safetensors"));
        Assert.Equal(2, r.ExitCode);
        var line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(expected, line);
        if (expected == "no images in") Assert.Contains("scripts/emoji-domains.sh", line);
        Assert.False(File.Exists(cli.PathOf("x.safetensors")));
    }

    [Fact]
    public void An_image_folder_without_images_is_one_line_naming_it()
    {
        using var cli = new CliRunner();
        Directory.CreateDirectory(cli.PathOf("empty"));
        File.WriteAllText(cli.PathOf("empty/notes.txt"), "no pictures here");
        var r = cli.Run("train", "--images", cli.PathOf("empty"), "--resolution", "16", "--steps", "2", "--out", cli.PathOf("x.safetensors"));
        Assert.Equal(2, r.ExitCode);
        var line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"image folder '{cli.PathOf("empty")}' holds no image files", line);
    }
}
