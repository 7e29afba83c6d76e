using System.Text.Json;
using System.Text.RegularExpressions;
using GenMerge.Core.Checkpoints;
using GenMerge.Core.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace GenMerge.Core.Tests.Models;

/// <summary>
/// Reads tests/fixtures/model_refs (written by tests/fixtures/make_model_refs.py from sg2ref.py, a PyTorch mirror
/// of stylegan2-ada-pytorch): configs, reference state dicts (safetensors) and inputs/outputs (.npy).
/// </summary>
internal static class ReferenceFixtures
{
    public static readonly string[] Names = { "skip_resnet_c0", "orig_orig_c2", "skip_skip_c2" };

    public static string Dir { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "fixtures", "model_refs");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException("tests/fixtures/model_refs not found above " + AppContext.BaseDirectory);
    }

    public static string PathOf(string file) => Path.Combine(Dir, file);

    public static ModelConfig Config(string name)
        => JsonSerializer.Deserialize<ModelConfig>(File.ReadAllText(PathOf(name + ".json")))!.Validate();

    /// <summary>Copies every tensor of the reference state dict into module, by name; names and shapes must match exactly.</summary>
    public static void LoadStrict(nn.Module module, string file)
    {
        using var st = SafeTensors.Load(PathOf(file));
        var dst = module.state_dict();
        var missing = dst.Keys.Except(st.Tensors.Keys).ToList();
        var extra = st.Tensors.Keys.Except(dst.Keys).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0,
            $"{file}: names differ; not in the reference: [{string.Join(", ", missing)}]; only in the reference: [{string.Join(", ", extra)}]");
        using var _ = no_grad();
        foreach (var (name, t) in dst)
        {
            var src = st.Tensors[name];
            Assert.True(src.shape.SequenceEqual(t.shape),
                $"{file}: '{name}' is [{string.Join(", ", src.shape)}] in the reference, [{string.Join(", ", t.shape)}] here");
            t.copy_(src);
        }
    }

    /// <summary>A little-endian float32 C-order .npy file (numpy format 1.0) as a tensor.</summary>
    public static Tensor Npy(string file)
    {
        var bytes = File.ReadAllBytes(PathOf(file));
        Assert.True(bytes.Length > 10 && bytes[0] == 0x93 && bytes[1] == (byte)'N', $"{file}: not an .npy file");
        int headerLen = bytes[8] | (bytes[9] << 8);
        var header = System.Text.Encoding.ASCII.GetString(bytes, 10, headerLen);
        Assert.Contains("'descr': '<f4'", header);
        Assert.Contains("'fortran_order': False", header);
        var shapeText = Regex.Match(header, @"'shape': \(([^)]*)\)").Groups[1].Value;
        var shape = shapeText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(long.Parse).ToArray();
        int offset = 10 + headerLen;
        var data = new float[(bytes.Length - offset) / 4];
        Buffer.BlockCopy(bytes, offset, data, 0, data.Length * 4);
        Assert.Equal(shape.Aggregate(1L, (a, b) => a * b), data.LongLength);
        return tensor(data).reshape(shape);
    }

    /// <summary>max |expected - actual|, asserted &lt;= tol.</summary>
    public static double AssertMaxAbs(Tensor expected, Tensor actual, double tol, string what)
    {
        Assert.Equal(expected.shape, actual.shape);
        double diff = (expected - actual).abs().max().item<float>();
        Assert.True(diff <= tol, $"{what}: max |diff| = {diff} > {tol}");
        return diff;
    }
}
