using GenMerge.Core.Models.StyleGan2;
using TorchSharp;
using static TorchSharp.torch;

namespace GenMerge.Core.Tests.Models;

/// <summary>
/// conv2d_resample has several code paths in stylegan2-ada that must agree; these tests check each path used
/// here against a differently ordered formulation of the same operator.
/// </summary>
public class StyleGan2OpsTests
{
    private static Tensor Fir(Tensor x, Tensor f, int down = 1, double gain = 1.0)
    {
        var k = (f * gain).unsqueeze(0).unsqueeze(0).repeat(x.shape[1], 1, 1, 1);
        var y = nn.functional.conv2d(x, k, groups: x.shape[1]);
        return down == 1 ? y : y.slice(2, 0, y.shape[2], down).slice(3, 0, y.shape[3], down);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Upsampling_conv_matches_the_zero_insertion_formulation(bool flipWeight)
    {
        using var _ = NewDisposeScope();
        torch.manual_seed(3);
        var x = randn(2, 5, 6, 6);
        var w = randn(7, 5, 3, 3);
        var f = Ops.SetupFilter();
        var ours = Ops.Conv2dResample(x, w, up: 2, down: 1, padding: 1, flipWeight: flipWeight);
        // Reference generic path: insert zeros (x2), pad 3/2, FIR with gain 4, then the 3x3 conv (a true
        // convolution, i.e. flipped kernel, when flipWeight is false).
        var up = x.reshape(2, 5, 6, 1, 6, 1);
        up = nn.functional.pad(up, new long[] { 0, 1, 0, 0, 0, 1 }).reshape(2, 5, 12, 12);
        var filtered = Fir(nn.functional.pad(up, new long[] { 3, 2, 3, 2 }), f, gain: 4);
        var expected = nn.functional.conv2d(filtered, flipWeight ? w : w.flip(2, 3));
        Assert.Equal(new long[] { 2, 7, 12, 12 }, ours.shape);
        TinyModels.AssertClose(expected, ours, 1e-5, "up conv");
    }

    [Theory]
    [InlineData(3, 1)]
    [InlineData(1, 0)]
    public void Downsampling_conv_matches_conv_then_filter(int kernel, int padding)
    {
        using var _ = NewDisposeScope();
        torch.manual_seed(4);
        var x = randn(2, 5, 8, 8);
        var w = randn(7, 5, kernel, kernel);
        var f = Ops.SetupFilter();
        var ours = Ops.Conv2dResample(x, w, up: 1, down: 2, padding: padding, flipWeight: true);
        // Reference generic path: pad (padding + 1 for the filter), plain conv, then FIR-filter and keep every 2nd pixel.
        long p = padding + 1;
        var expected = Fir(nn.functional.conv2d(nn.functional.pad(x, new[] { p, p, p, p }), w), f, down: 2);
        Assert.Equal(new long[] { 2, 7, 4, 4 }, ours.shape);
        TinyModels.AssertClose(expected, ours, 1e-5, "down conv");
    }

    [Fact]
    public void Filter_is_the_normalised_outer_product_of_1_3_3_1()
    {
        var f = Ops.SetupFilter();
        Assert.Equal(new long[] { 4, 4 }, f.shape);
        Assert.Equal(1.0, f.sum().item<float>(), 6);
        Assert.Equal(9.0 / 64, f[1, 2].item<float>(), 6);
    }
}
