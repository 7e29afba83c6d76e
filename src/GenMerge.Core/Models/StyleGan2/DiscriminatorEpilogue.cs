using GenMerge.Core.Models.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace GenMerge.Core.Models.StyleGan2;

/// <summary>
/// D's 4x4 head <c>b4</c> (stylegan2-ada DiscriminatorEpilogue): <c>mbstd</c> (1 channel), <c>conv</c>,
/// <c>fc</c> -> features h [B, C4], <c>out</c> -> logit [B, 1]. Returns both so D can add its class projection.
/// </summary>
public sealed class DiscriminatorEpilogue : nn.Module<Tensor, (Tensor Logit, Tensor Features)>
{
    private readonly MinibatchStdLayer? mbstd;
    private readonly Conv2dLayer conv;
    private readonly FullyConnectedLayer fc;
    private readonly FullyConnectedLayer @out;

    public DiscriminatorEpilogue(long inChannels, int mbstdGroup, int resolution = 4) : base(nameof(DiscriminatorEpilogue))
    {
        int mbstdChannels = mbstdGroup > 0 ? 1 : 0;
        if (mbstdGroup > 0) mbstd = new MinibatchStdLayer(mbstdGroup, mbstdChannels);
        conv = new Conv2dLayer(inChannels + mbstdChannels, inChannels, 3, lrelu: true);
        fc = new FullyConnectedLayer(inChannels * resolution * resolution, inChannels, lrelu: true);
        @out = new FullyConnectedLayer(inChannels, 1);
        FeatureDim = inChannels;
        RegisterComponents();
    }

    public long FeatureDim { get; }

    public override (Tensor Logit, Tensor Features) forward(Tensor x)
    {
        if (mbstd is not null) x = mbstd.forward(x);
        x = conv.forward(x);
        var h = fc.forward(x.flatten(1));
        return (@out.forward(h), h);
    }
}
