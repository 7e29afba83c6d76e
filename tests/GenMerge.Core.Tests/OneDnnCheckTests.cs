using static TorchSharp.torch;

namespace GenMerge.Core.Tests;

public class OneDnnCheckTests
{
    /// <summary>
    /// The shapes oneDNN got wrong on the machine of 2026-12-06 (3x3, output channels not a multiple of 16): after the
    /// check, float32 input gradients must match float64 ones, which libtorch always computes with its own kernels.
    /// </summary>
    [Theory]
    [InlineData(3, 16)]
    [InlineData(1, 8)]
    [InlineData(8, 16)]
    [InlineData(17, 8)]
    public void After_the_check_convolution_input_gradients_match_a_float64_reference(int outChannels, int size)
    {
        OneDnnCheck.Ensure();
        var rng = new Generator(7, CPU);
        for (int t = 0; t < 10; t++)
        {
            using var scope = NewDisposeScope();
            var x0 = randn(new long[] { 4, 32, size, size }, generator: rng);
            var w = randn(new long[] { outChannels, 32, 3, 3 }, generator: rng) * 0.1;
            Tensor InputGrad(ScalarType type)
            {
                var x = x0.to(type).detach().clone().requires_grad_(true);
                nn.functional.conv2d(x, w.to(type), padding: new long[] { 1, 1 }).sum().backward();
                return x.grad!.to(float64);
            }
            var error = (InputGrad(float32) - InputGrad(float64)).abs().max().item<double>();
            Assert.True(error < 1e-4, $"try {t}: input gradient off by {error} ({OneDnnCheck.Ensure()})");
        }
    }

    [Fact]
    public void The_check_runs_once_and_says_what_it_decided()
    {
        var first = OneDnnCheck.Ensure();
        Assert.StartsWith("oneDNN: ", first);
        Assert.Same(first, OneDnnCheck.Ensure());
        // Off exactly when the line says so.
        Assert.Equal(first.StartsWith("oneDNN: off"), OneDnnCheck.Enabled == false);
    }
}
