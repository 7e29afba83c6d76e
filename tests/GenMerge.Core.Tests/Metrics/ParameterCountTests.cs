using GenMerge.Core.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace GenMerge.Core.Tests.Metrics;

public class ParameterCountTests
{
    [Fact]
    public void Counts_weights_and_biases_of_all_submodules()
    {
        using var model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2, hasBias: false), nn.BatchNorm1d(2));
        // 4*3+3 + 3*2 + (2 weight + 2 bias; running stats are buffers, not parameters)
        Assert.Equal(12 + 3 + 6 + 4, ParameterCount.Of(model));
        foreach (var p in model.parameters().Take(2)) p.requires_grad = false;
        Assert.Equal(6 + 4, ParameterCount.Trainable(model));
    }
}
