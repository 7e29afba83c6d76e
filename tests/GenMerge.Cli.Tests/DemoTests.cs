using GenMerge.Core.Evaluation;
using SkiaSharp;

namespace GenMerge.Cli.Tests;

/// <summary>`genmerge demo`: the shipped models merge end to end; a broken model or a wrong name is one clear line.</summary>
public class DemoTests
{
    [SkippableFact]
    public void Demo_quick_merges_the_shipped_models_against_the_real_images_where_cached_and_says_where_it_falls_back()
    {
        var emoji = EmojiCache.Root;
        using var cli = new CliRunner();
        // Only flags is cached here: animals must fall back to held-out samples of its source, and say so.
        var partial = cli.PathOf("emoji");
        CopyFolder(Path.Combine(emoji, "flags"), Path.Combine(partial, "flags"));
        cli.Env["GENMERGE_EMOJI"] = partial;
        var r = cli.Run(TimeSpan.FromMinutes(10), "demo", "--quick", "--out", cli.PathOf("out"));
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("source animals:", r.Stdout);
        Assert.Contains("evaluated against held-out samples of the source instead", r.Stdout);
        Assert.Contains($"evaluated against the real emoji images in {Path.Combine(partial, "flags")}", r.Stdout);

        var report = MergeReport.FromJson(File.ReadAllText(cli.PathOf("out/report.json")));
        Assert.Equal(new[] { "animals", "flags" }, report.Domains.Select(d => d.Name));
        Assert.Equal(Path.Combine(partial, "flags"), report.Domains[1].Reference);
        Assert.StartsWith("held-out samples of source", report.Domains[0].Reference);
        Assert.All(report.Domains, d => Assert.InRange(d.Accuracy, 0, 1));
        // The demo's recipe: the plain average fine-tuned with paired distillation and a short G_ema half-life, the
        // rooting steps spent on fine-tuning (40 + 60 of the quick budget).
        Assert.Equal("average-finetune", report.Method);
        Assert.Equal("pixels 30 (l1)", report.Distill);
        Assert.Equal(1, report.EmaKimg);
        Assert.Equal(100, report.FinetuneSteps);

        // One row of source samples above one row of merged samples per domain: 4 rows of 8 images of 32 px at scale 2.
        using var side = SKBitmap.Decode(cli.PathOf("out/grids/side-by-side.png"));
        Assert.NotNull(side);
        Assert.InRange(side.Height, 4 * 64, 4 * 64 + 5 * 2 * 2 + 8);
        Assert.InRange(side.Width, 8 * 64, 8 * 64 + 9 * 2 * 2 + 8);
    }

    [Fact]
    public void A_missing_shipped_model_names_the_file_and_how_to_restore_it()
    {
        using var cli = new CliRunner();
        Directory.CreateDirectory(cli.PathOf("models"));
        cli.Env["GENMERGE_MODELS"] = cli.PathOf("models");
        var r = cli.Run("demo", "--quick", "--out", cli.PathOf("out"));
        Assert.Equal(2, r.ExitCode);
        var line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"shipped model {cli.PathOf("models/emoji-animals.safetensors")} is missing", line);
        Assert.Contains("git checkout -- models/emoji-animals.safetensors", line);
        Assert.False(Directory.Exists(cli.PathOf("out")));
    }

    [Fact]
    public void A_truncated_shipped_model_is_refused_before_any_run_starts()
    {
        using var cli = new CliRunner();
        Directory.CreateDirectory(cli.PathOf("models"));
        var shipped = Path.Combine(AppContext.BaseDirectory, "models", "emoji-animals.safetensors");
        var bytes = File.ReadAllBytes(shipped);
        File.WriteAllBytes(cli.PathOf("models/emoji-animals.safetensors"), bytes[..(bytes.Length / 2)]);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "models", "emoji-flags.safetensors"), cli.PathOf("models/emoji-flags.safetensors"));
        cli.Env["GENMERGE_MODELS"] = cli.PathOf("models");
        var r = cli.Run("demo", "--quick", "--out", cli.PathOf("out"));
        Assert.Equal(2, r.ExitCode);
        var line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("genmerge: error: shipped model ", line);
        Assert.Contains("is unusable", line);
        Assert.False(Directory.Exists(cli.PathOf("home/store/runs")), "no run may exist after a refused model");
    }

    [Theory]
    [InlineData("unicorns,flags", "no shipped model for 'unicorns'")]
    [InlineData("flags", "a merge needs at least two models")]
    public void Bad_domains_get_one_line(string domains, string expected)
    {
        using var cli = new CliRunner();
        var r = cli.Run("demo", "--quick", "--domains", domains, "--out", cli.PathOf("out"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(expected, Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }

    static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.EnumerateFiles(from)) File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
    }
}
