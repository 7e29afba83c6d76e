using GenMerge.Core.Metrics;
using Microsoft.ML.OnnxRuntime;

namespace GenMerge.Core.Tests.Metrics;

public class OnnxBatchDimTests
{
    [Fact]
    public void ResNet18_batch_dim_becomes_symbolic_and_a_second_patch_changes_nothing()
    {
        var (modelPath, _) = ResNet18ModelFiles.Locate();
        var original = File.ReadAllBytes(modelPath);
        var patched = OnnxBatchDim.MakeSymbolic(original);
        Assert.Equal(1, patched.InputsPatched);
        Assert.Equal(1, patched.OutputsPatched);
        Assert.True(patched.ValueInfosPatched > 50, $"value_info patched: {patched.ValueInfosPatched}");

        var again = OnnxBatchDim.MakeSymbolic(patched.Model);
        Assert.Equal(0, again.InputsPatched + again.OutputsPatched + again.ValueInfosPatched);
        Assert.Equal(patched.Model, again.Model);

        using var session = new InferenceSession(patched.Model);
        Assert.Equal(new[] { -1, 3, 224, 224 }, session.InputMetadata[ResNet18Features.InputName].Dimensions);
        Assert.Equal(-1, session.OutputMetadata[ResNet18Features.OutputName].Dimensions[0]);
    }

    [Fact]
    public void Truncated_model_bytes_are_rejected()
    {
        var (modelPath, _) = ResNet18ModelFiles.Locate();
        var head = File.ReadAllBytes(modelPath).AsSpan(0, 4096).ToArray();
        Assert.Throws<InvalidDataException>(() => OnnxBatchDim.MakeSymbolic(head));
    }
}
