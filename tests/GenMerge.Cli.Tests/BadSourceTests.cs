using GenMerge.Core.Checkpoints;
using static TorchSharp.torch;

namespace GenMerge.Cli.Tests;

/// <summary>
/// Sources that load but must not be merged (NaN or absurdly large weights) are refused before a run exists, and a
/// merge whose training diverges fails naming the job and step and publishes nothing.
/// </summary>
public sealed class BadSourceTests : IDisposable
{
    readonly CliRunner cli = new();

    public void Dispose() => cli.Dispose();

    string Train(string domain)
    {
        var path = cli.PathOf($"{domain}.safetensors");
        var r = cli.Run("train", "--domain", domain, "--resolution", "16", "--steps", "2", "--batch", "8", "--snapshot-every", "0", "--out", path);
        Assert.True(r.ExitCode == 0, r.ToString());
        return path;
    }

    /// <summary>A copy of <paramref name="path"/> with one weight of G set to <paramref name="value"/>.</summary>
    string Poisoned(string path, float value, string name)
    {
        using var file = SafeTensors.Load(path);
        var tensors = file.Tensors.ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        var key = tensors.Keys.First(k => k.StartsWith("G.", StringComparison.Ordinal) && k.EndsWith(".weight", StringComparison.Ordinal));
        tensors[key].view(-1)[0] = value;
        var output = cli.PathOf(name);
        SafeTensors.Save(output, tensors, file.Metadata);
        return output;
    }

    string[] RunsInStore() => Directory.Exists(cli.PathOf("home/store/runs")) ? Directory.GetDirectories(cli.PathOf("home/store/runs")) : [];

    [Theory]
    [InlineData(float.NaN, "contains NaN or Inf values")]
    [InlineData(3e38f, "holds a value of magnitude 3E+38")]
    public void A_bad_source_is_refused_before_any_run_is_created(float value, string expected)
    {
        var rings = Train("rings");
        var bad = Poisoned(Train("squares"), value, "bad.safetensors");
        var r = cli.Run("merge", "--model", rings, "--model", bad, "--rooting-steps", "2", "--merge-steps", "2", "--out", cli.PathOf("out"));
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.StartsWith("genmerge: error: ", r.Stderr);
        Assert.Contains("bad.safetensors", r.Stderr);
        Assert.Contains(expected, r.Stderr);
        Assert.Empty(RunsInStore());
    }

    [Fact]
    public void A_diverging_merge_fails_naming_job_and_step_and_publishes_nothing()
    {
        var rings = Train("rings");
        var squares = Train("squares");
        // An absurd learning rate sends the weights to ~1e30 in one Adam step; the next forward pass overflows.
        var r = cli.Run("merge", "--model", rings, "--model", squares, "--rooting-steps", "4", "--segment-steps", "2", "--merge-steps", "2",
                        "--samples", "32", "--eval-samples", "8", "--batch", "8", "--lr", "1e30", "--out", cli.PathOf("out"));
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains("job rooted/squares, segment 1: training diverged at step 1", r.Stderr);
        var run = Assert.Single(RunsInStore());
        Assert.False(File.Exists(Path.Combine(run, "merged.safetensors")));
        Assert.False(File.Exists(Path.Combine(run, "rooted", "squares", "seg-001.safetensors")));
        Assert.False(File.Exists(cli.PathOf("out/merged.safetensors")));
    }

    [Fact]
    public void A_diverging_train_stops_with_one_error_line_and_writes_no_checkpoint()
    {
        var path = cli.PathOf("diverged.safetensors");
        var r = cli.Run("train", "--domain", "rings", "--resolution", "16", "--steps", "4", "--batch", "8", "--lr", "1e30",
                        "--snapshot-every", "0", "--out", path);
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.StartsWith("genmerge: error: training diverged at step 1: ", r.Stderr);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.False(File.Exists(path));
    }
}
