using GenMerge.Core.Interop;
using Xunit;

namespace GenMerge.Cli.Tests;

/// <summary>import / export / sample --z / merge on stylegan2-ada-style pickles (tests/fixtures/sg2pkl, made by make_stylegan2_pickles.py).</summary>
public sealed class InteropCliTests : IDisposable
{
    private readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    internal static string Fixture(params string[] parts)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "fixtures");
            if (Directory.Exists(candidate)) return Path.Combine([candidate, .. parts]);
        }
        throw new DirectoryNotFoundException("tests/fixtures");
    }

    [Fact]
    public void Import_sample_export_round_trip_matches_the_reference()
    {
        var imported = _cli.PathOf("c0.safetensors");
        var r = _cli.Run("import", Fixture("sg2pkl", "sg2_c0.pkl"), "--out", imported);
        Assert.True(r.ExitCode == 0, r.ToString());
        var info = _cli.Run("info", imported);
        Assert.Contains("\"kind\": \"import\"", info.Stdout);

        // sample straight from the .pkl and from the import: both the reference images to 1e-4
        foreach (var model in new[] { Fixture("sg2pkl", "sg2_c0.pkl"), imported })
        {
            var s = _cli.Run("sample", "--model", model, "--z", Fixture("sg2pkl", "sg2_c0_z.npy"), "--noise", "const", "--out", _cli.PathOf("img.npy"));
            Assert.True(s.ExitCode == 0, s.ToString());
            using var img = Npy.Read(_cli.PathOf("img.npy"));
            using var reference = Npy.Read(Fixture("sg2pkl", "sg2_c0_img.npy"));
            Assert.Equal(reference.shape, img.shape);
            Assert.True((img - reference).abs().max().item<float>() <= 1e-4f);
        }

        var e = _cli.Run("export", imported, "--format", "pt", "--out", _cli.PathOf("c0.pt"));
        Assert.True(e.ExitCode == 0, e.ToString());
        var back = _cli.Run("import", _cli.PathOf("c0.pt"), "--out", _cli.PathOf("back.safetensors"));
        Assert.True(back.ExitCode == 0, back.ToString());
        using var a = GenMerge.Core.Checkpoints.SafeTensors.Load(imported);
        using var b = GenMerge.Core.Checkpoints.SafeTensors.Load(_cli.PathOf("back.safetensors"));
        Assert.Equal(a.Tensors.Keys.Order(), b.Tensors.Keys.Order());
        foreach (var (k, t) in a.Tensors) Assert.True(t.equal(b.Tensors[k]).all().item<bool>(), k);
        Assert.Equal(a.Metadata["config"], b.Metadata["config"]);

        var st = _cli.Run("export", imported, "--format", "safetensors", "--out", _cli.PathOf("g.safetensors"));
        Assert.True(st.ExitCode == 0, st.ToString());
    }

    [Theory]
    [InlineData("evil_os_system.pkl", "posix.system")]
    [InlineData("evil_os_system.pt", "posix.system")]
    public void Malicious_files_exit_2_with_one_line_and_no_output(string file, string global)
    {
        File.Delete("/tmp/genmerge-evil-marker");
        var r = _cli.Run("import", Fixture("interop", file), "--out", _cli.PathOf("x.safetensors"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(global, r.Stderr);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.False(File.Exists(_cli.PathOf("x.safetensors")));
        Assert.Empty(Directory.GetFiles(_cli.Dir));
        Assert.False(File.Exists("/tmp/genmerge-evil-marker"));
    }

    [Fact]
    public void Truncated_pickles_and_unsupported_architectures_exit_2()
    {
        var data = File.ReadAllBytes(Fixture("sg2pkl", "sg2_c0.pkl"));
        File.WriteAllBytes(_cli.PathOf("trunc.pkl"), data[..(data.Length / 2)]);
        var r = _cli.Run("import", _cli.PathOf("trunc.pkl"), "--out", _cli.PathOf("x.safetensors"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("trunc.pkl", r.Stderr);
        Assert.False(File.Exists(_cli.PathOf("x.safetensors")));
        var s = _cli.Run("sample", "--model", _cli.PathOf("trunc.pkl"), "--z", Fixture("sg2pkl", "sg2_c0_z.npy"), "--out", _cli.PathOf("x.npy"));
        Assert.Equal(2, s.ExitCode);
        Assert.False(File.Exists(_cli.PathOf("x.npy")));
    }

    [Fact]
    public void Eval_and_info_take_pickles_and_rosinality_files_directly()
    {
        var r = _cli.Run("eval", "--model", Fixture("rosinality", "small.pt"), "--reference", "model:" + Fixture("sg2pkl", "sg2_c0.pkl"),
                         "--n", "4", "--out", _cli.PathOf("e.json"));
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.True(File.Exists(_cli.PathOf("e.json")));
        var info = _cli.Run("info", Fixture("rosinality", "small.pt"));
        Assert.True(info.ExitCode == 0, info.ToString());
        Assert.Contains("rosinality", info.Stdout);
    }

    [Fact]
    public void Merge_takes_pickles_directly()
    {
        var r = _cli.Run("merge", "--model", Fixture("sg2pkl", "sg2_c0.pkl"), "--model", Fixture("sg2pkl", "sg2_c0.pkl"),
                         "--name", "a", "--name", "b", "--rooting-steps", "1", "--merge-steps", "1", "--batch", "4",
                         "--samples", "8", "--eval-samples", "4", "--out", _cli.PathOf("merged"));
        Assert.True(r.ExitCode == 0, r.ToString());
        var info = _cli.Run("info", _cli.PathOf("merged/merged.safetensors"));
        Assert.Contains("c_dim 2", info.Stdout);
        // the merged (conditional) model exports for PyTorch and imports back to the same config
        var e = _cli.Run("export", _cli.PathOf("merged/merged.safetensors"), "--out", _cli.PathOf("merged.pt"));
        Assert.True(e.ExitCode == 0, e.ToString());
        var back = _cli.Run("info", _cli.PathOf("merged.pt"));
        Assert.True(back.ExitCode == 0, back.ToString());
        static string Config(string stdout) => stdout.Split('\n').First(l => l.StartsWith("config:"));
        Assert.Equal(Config(info.Stdout), Config(back.Stdout));
    }
}
