using GenMerge.Core.Models.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace GenMerge.Core.Models.StyleGan2;

/// <summary>
/// D's 4x4 head <c>b4</c> (stylegan2-ada DiscriminatorEpilogue): <c>fromrgb</c> ('skip' only), <c>mbstd</c>
/// (group, num_channels), <c>conv</c>, <c>fc</c> -> features h [B, C4], <c>out</c> -> [B, out_dim]: 1 for an
/// unconditional or legacy-projection D, cmap_dim for the reference conditional D (which dots it with cmap).
/// Returns out and h, so the discriminator can apply either conditioning.
/// </summary>
public sealed class DiscriminatorEpilogue : nn.Module
{
    private readonly Conv2dLayer? fromrgb;
    private readonly MinibatchStdLayer? mbstd;
    private readonly Conv2dLayer conv;
    private readonly FullyConnectedLayer fc;
    private readonly FullyConnectedLayer @out;

    /// <param name="inChannels">channels at 4x4.</param>
    /// <param name="mbstdGroup">minibatch-stddev group size; 0 disables the layer (GenMerge's legacy switch).</param>
    /// <param name="mbstdChannels">minibatch-stddev feature channels (reference mbstd_num_channels); 0 disables it.</param>
    /// <param name="outDim">width of <c>out</c>: 1, or cmap_dim for the reference conditional D.</param>
    /// <param name="architecture">D architecture: 'skip' adds fromrgb of the 4x4 image.</param>
    /// <param name="convClamp">conv_clamp of <c>conv</c> (not fromrgb, as the reference); null = none.</param>
    public DiscriminatorEpilogue(long inChannels, int mbstdGroup, int mbstdChannels = 1, long outDim = 1, int imgChannels = 3,
                                 string architecture = ModelConfig.ArchResnet, int? convClamp = null, int resolution = 4)
        : base(nameof(DiscriminatorEpilogue))
    {
        int mbstdCh = mbstdGroup > 0 ? mbstdChannels : 0;
        if (mbstdCh > 0 && inChannels % mbstdCh != 0)
            throw new ArgumentException($"mbstd_channels: {mbstdCh} does not divide the {inChannels} channels at 4x4");
        if (architecture == ModelConfig.ArchSkip) fromrgb = new Conv2dLayer(imgChannels, inChannels, 1, lrelu: true);
        if (mbstdCh > 0) mbstd = new MinibatchStdLayer(mbstdGroup, mbstdCh);
        conv = new Conv2dLayer(inChannels + mbstdCh, inChannels, 3, lrelu: true, convClamp: convClamp);
        fc = new FullyConnectedLayer(inChannels * resolution * resolution, inChannels, lrelu: true);
        @out = new FullyConnectedLayer(inChannels, outDim);
        FeatureDim = inChannels;
        OutDim = outDim;
        RegisterComponents();
    }

    public long FeatureDim { get; }
    public long OutDim { get; }
    /// <summary>The output layer [out_dim, C4] (rescaled by the unconditional -> conditional conversion).</summary>
    public FullyConnectedLayer Out => @out;

    /// <summary>x: features [B, C4, 4, 4]; img: the 4x4 image ('skip' only, else null). Returns out(h) and h.</summary>
    public (Tensor Out, Tensor Features) Forward(Tensor x, Tensor? img)
    {
        if (fromrgb is not null)
            x = x + fromrgb.forward(img ?? throw new ArgumentException("img: the 'skip' epilogue reads the 4x4 image, found null", nameof(img)));
        if (mbstd is not null) x = mbstd.forward(x);
        x = conv.forward(x);
        var h = fc.forward(x.flatten(1));
        return (@out.forward(h), h);
    }
}
