using GenMerge.Core.Checkpoints;
using static TorchSharp.torch;

namespace GenMerge.Core.Tests.Checkpoints;

/// <summary>Our writer and reader agree with an independent safetensors implementation (TorchSharp.PyBridge).</summary>
public class SafeTensorsInteropTests
{
    private static Dictionary<string, Tensor> Sample()
    {
        manual_seed(12);
        return new Dictionary<string, Tensor>
        {
            ["a.weight"] = randn(3, 5),
            ["a.bias"] = randn(5),
            ["half"] = randn(7).to(ScalarType.Float16),
            ["count"] = tensor(new long[] { 42 }),
        };
    }

    [Fact]
    public void PyBridge_reads_what_we_write()
    {
        var tensors = Sample();
        var stream = new MemoryStream();
        SafeTensors.Write(stream, tensors, new Dictionary<string, string> { ["format"] = "genmerge/1" });
        stream.Position = 0;
        var theirs = TorchSharp.PyBridge.Safetensors.LoadStateDict(stream);
        Assert.Equal(tensors.Keys.Order(), theirs.Keys.Order());
        foreach (var (name, t) in tensors)
            Assert.True(t.bytes.SequenceEqual(theirs[name].bytes), name);
    }

    [Fact]
    public void We_read_what_PyBridge_writes()
    {
        var tensors = Sample();
        var stream = new MemoryStream();
        TorchSharp.PyBridge.Safetensors.SaveStateDict(stream, tensors, leaveOpen: true);
        stream.Position = 0;
        using var ours = SafeTensors.Read(stream);
        foreach (var (name, t) in tensors)
        {
            Assert.Equal(t.dtype, ours.Tensors[name].dtype);
            Assert.True(t.bytes.SequenceEqual(ours.Tensors[name].bytes), name);
        }
    }
}
