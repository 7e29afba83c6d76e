using TorchSharp;
using static TorchSharp.torch;

namespace GenMerge.Core.Models.Layers;

/// <summary>
/// Appends the minibatch standard deviation as extra feature channels (StyleGAN2's MinibatchStdLayer).
/// The batch is split into groups of <c>min(groupSize, N)</c>; where N is not a multiple of that, the largest
/// divisor of N below it is used instead of failing (the reference asserts), so odd final batches still work.
/// </summary>
public sealed class MinibatchStdLayer : nn.Module<Tensor, Tensor>
{
    private readonly int _groupSize;
    private readonly int _numChannels;

    public MinibatchStdLayer(int groupSize, int numChannels = 1) : base(nameof(MinibatchStdLayer))
    {
        if (groupSize < 1) throw new ArgumentException($"mbstd_group: {groupSize} must be >= 1 for the minibatch-stddev layer");
        _groupSize = groupSize;
        _numChannels = numChannels;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        long n = x.shape[0], ch = x.shape[1], h = x.shape[2], w = x.shape[3];
        long g = Math.Min(_groupSize, n);
        while (n % g != 0) g--;
        long f = _numChannels, c = ch / f;
        var y = x.reshape(g, -1, f, c, h, w);      // [G n F c H W]
        y = y - y.mean(new long[] { 0 });          // deviation from the group mean
        y = y.square().mean(new long[] { 0 });     // [n F c H W] variance over the group
        y = (y + 1e-8).sqrt();
        y = y.mean(new long[] { 2, 3, 4 });        // [n F]
        y = y.reshape(-1, f, 1, 1).repeat(g, 1, h, w);
        return cat(new[] { x, y }, 1);
    }
}
