using GenMerge.Core.Models.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace GenMerge.Core.Models.StyleGan2;

/// <summary>
/// One resolution of D, 'resnet' architecture (stylegan2-ada DiscriminatorBlock): <c>fromrgb</c> (first block
/// only), <c>conv0</c>, <c>conv1</c> (FIR downsample x2), and a 1x1 <c>skip</c> (FIR downsample), summed with gain sqrt(1/2).
/// </summary>
public sealed class DiscriminatorBlock : nn.Module<Tensor, Tensor>
{
    private readonly Conv2dLayer? fromrgb;
    private readonly Conv2dLayer conv0;
    private readonly Conv2dLayer conv1;
    private readonly Conv2dLayer skip;
    // State-dict parity with stylegan2-ada only: Ops applies this fixed [1,3,3,1] filter itself.
    private readonly Tensor resample_filter;

    public DiscriminatorBlock(long inChannels, long tmpChannels, long outChannels, int imgChannels) : base(nameof(DiscriminatorBlock))
    {
        resample_filter = Owned.Buffer(Ops.SetupFilter());
        if (inChannels == 0) fromrgb = new Conv2dLayer(imgChannels, tmpChannels, 1, lrelu: true);
        conv0 = new Conv2dLayer(tmpChannels, tmpChannels, 3, lrelu: true);
        conv1 = new Conv2dLayer(tmpChannels, outChannels, 3, lrelu: true, down: 2);
        skip = new Conv2dLayer(tmpChannels, outChannels, 1, bias: false, down: 2);
        RegisterComponents();
    }

    public bool TakesImage => fromrgb is not null;

    /// <summary>x: the image for the first block, else the previous block's features.</summary>
    public override Tensor forward(Tensor x)
    {
        if (fromrgb is not null) x = fromrgb.forward(x);
        var gain = Math.Sqrt(0.5);
        var y = skip.forward(x, gain);
        x = conv0.forward(x);
        x = conv1.forward(x, gain);
        return y + x;
    }
}
