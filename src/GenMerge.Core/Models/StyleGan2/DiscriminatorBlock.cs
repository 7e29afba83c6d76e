using GenMerge.Core.Models.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace GenMerge.Core.Models.StyleGan2;

/// <summary>
/// One resolution of D (stylegan2-ada DiscriminatorBlock): <c>fromrgb</c> (first block, or every block in
/// 'skip'), <c>conv0</c>, <c>conv1</c> (FIR downsample x2); 'resnet' adds a 1x1 <c>skip</c> (FIR downsample) with
/// both paths at gain sqrt(1/2); 'skip' also downsamples the image for the next block's fromrgb.
/// </summary>
public sealed class DiscriminatorBlock : nn.Module
{
    private readonly Conv2dLayer? fromrgb;
    private readonly Conv2dLayer conv0;
    private readonly Conv2dLayer conv1;
    private readonly Conv2dLayer? skip;
    // State-dict parity with stylegan2-ada only: Ops applies this fixed [1,3,3,1] filter itself.
    private readonly Tensor resample_filter;
    private readonly string _architecture;

    /// <param name="inChannels">0 for the first block (reads the image only).</param>
    /// <param name="architecture">"resnet", "orig" or "skip" (<see cref="ModelConfig.DArchitecture"/>).</param>
    /// <param name="convClamp">conv_clamp of fromrgb, conv0, conv1 (not of skip, as the reference); null = none.</param>
    public DiscriminatorBlock(long inChannels, long tmpChannels, long outChannels, int imgChannels,
                              string architecture = ModelConfig.ArchResnet, int? convClamp = null) : base(nameof(DiscriminatorBlock))
    {
        if (architecture is not (ModelConfig.ArchResnet or ModelConfig.ArchOrig or ModelConfig.ArchSkip))
            throw new ArgumentException($"d_architecture: unknown '{architecture}'", nameof(architecture));
        _architecture = architecture;
        resample_filter = Owned.Buffer(Ops.SetupFilter());
        if (inChannels == 0 || architecture == ModelConfig.ArchSkip)
            fromrgb = new Conv2dLayer(imgChannels, tmpChannels, 1, lrelu: true, convClamp: convClamp);
        conv0 = new Conv2dLayer(tmpChannels, tmpChannels, 3, lrelu: true, convClamp: convClamp);
        conv1 = new Conv2dLayer(tmpChannels, outChannels, 3, lrelu: true, down: 2, convClamp: convClamp);
        if (architecture == ModelConfig.ArchResnet)
            skip = new Conv2dLayer(tmpChannels, outChannels, 1, bias: false, down: 2);
        RegisterComponents();
    }

    public bool TakesImage => fromrgb is not null;

    /// <summary>x: the previous block's features (null for the first block); img: the image at this block's
    /// resolution while some block still reads it. Returns the features and the image for the next block.</summary>
    public (Tensor X, Tensor? Img) Forward(Tensor? x, Tensor? img)
    {
        if (fromrgb is not null)
        {
            if (img is null) throw new ArgumentException("img: this block reads the image, found null", nameof(img));
            var y = fromrgb.forward(img);
            x = x is null ? y : x + y;
            img = _architecture == ModelConfig.ArchSkip ? Ops.Downsample2d(img) : null;
        }
        if (skip is not null)
        {
            var gain = Math.Sqrt(0.5);
            var y = skip.forward(x!, gain);
            var h = conv1.forward(conv0.forward(x!), gain);
            return (y + h, img);
        }
        return (conv1.forward(conv0.forward(x!)), img);
    }
}
