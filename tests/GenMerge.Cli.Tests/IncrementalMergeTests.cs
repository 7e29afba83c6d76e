using System.Text.Json;

namespace GenMerge.Cli.Tests;

/// <summary>Issue 22 item 3: a merged K-class model plus one more source gives K + 1 classes, by the plain merge command.</summary>
public class IncrementalMergeTests
{
    static readonly string[] Tiny = ["--rooting-steps", "2", "--merge-steps", "2", "--segment-steps", "2", "--batch", "4",
                                     "--samples", "8", "--eval-samples", "4"];

    [Fact]
    public void A_two_class_merged_model_and_one_new_source_merge_into_three_classes()
    {
        using var cli = new CliRunner();
        foreach (var d in new[] { "rings", "squares", "stripes" })
            Assert.Equal(0, cli.Run("train", "--domain", d, "--resolution", "16", "--steps", "2", "--batch", "8",
                                    "--snapshot-every", "0", "--out", cli.PathOf($"{d}.safetensors")).ExitCode);
        var first = cli.Run(["merge", "--model", cli.PathOf("rings.safetensors"), "--model", cli.PathOf("squares.safetensors"), .. Tiny,
                             "--out", cli.PathOf("twoclass")]);
        Assert.True(first.ExitCode == 0, first.ToString());
        File.Move(cli.PathOf("twoclass/merged.safetensors"), cli.PathOf("twoclass.safetensors"));

        var r = cli.Run(["merge", "--model", cli.PathOf("twoclass.safetensors"), "--model", cli.PathOf("stripes.safetensors"), .. Tiny,
                         "--out", cli.PathOf("three")]);
        Assert.True(r.ExitCode == 0, r.ToString());
        var info = cli.Run("info", cli.PathOf("three/merged.safetensors"));
        Assert.Contains("c_dim 3", info.Stdout);
        Assert.Contains("classes:     rings, squares, stripes", info.Stdout);
        using var report = JsonDocument.Parse(File.ReadAllText(cli.PathOf("three/report.json")));
        var domains = report.RootElement.GetProperty("domains").EnumerateArray().ToList();
        Assert.Equal(["rings", "squares", "stripes"], domains.Select(d => d.GetProperty("name").GetString()));
        // The old classes are scored against held-out samples of the two-class model at that class; stripes against its domain.
        Assert.Equal("domain:stripes", domains[2].GetProperty("reference").GetString());
        Assert.StartsWith("held-out samples of source class 1", domains[1].GetProperty("reference").GetString());
        Assert.Contains("| stripes |", File.ReadAllText(cli.PathOf("three/report.md")));
    }

    [Fact]
    public void A_two_class_stylegan2_ada_pickle_merges_with_an_unconditional_one()
    {
        using var cli = new CliRunner();
        var r = cli.Run(["merge", "--model", InteropCliTests.Fixture("sg2pkl", "sg2_c2.pkl"), "--model", InteropCliTests.Fixture("sg2pkl", "sg2_c0.pkl"),
                         "--name", "pets", "--name", "cats", .. Tiny, "--out", cli.PathOf("merged")]);
        Assert.True(r.ExitCode == 0, r.ToString());
        var info = cli.Run("info", cli.PathOf("merged/merged.safetensors"));
        Assert.Contains("c_dim 3", info.Stdout);
        // The pickle stores no class names: its classes are named after the model.
        Assert.Contains("classes:     pets-0, pets-1, cats", info.Stdout);
    }

    [Fact]
    public void Duplicate_class_names_exit_2_with_one_line()
    {
        using var cli = new CliRunner();
        var r = cli.Run(["merge", "--model", InteropCliTests.Fixture("sg2pkl", "sg2_c2.pkl"), "--model", InteropCliTests.Fixture("sg2pkl", "sg2_c0.pkl"),
                         "--name", "pets", "--name", "pets-1", .. Tiny, "--out", cli.PathOf("merged")]);
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("genmerge: error: ", r.Stderr);
        Assert.Contains("the class name 'pets-1' is given by pets (class 1) and pets-1", r.Stderr);
        Assert.Single(r.Stderr.Trim().Split('\n'));
    }
}
