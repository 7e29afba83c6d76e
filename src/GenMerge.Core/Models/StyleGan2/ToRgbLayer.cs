using GenMerge.Core.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenMerge.Core.Models.StyleGan2;

/// <summary>Modulated 1x1 conv to image channels, no demodulation (stylegan2-ada ToRGBLayer).</summary>
public sealed class ToRgbLayer : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly FullyConnectedLayer affine;
    private readonly Parameter weight;
    private readonly Parameter bias;
    private readonly double _weightGain;
    private readonly int? _convClamp;

    /// <param name="convClamp">clamp of the image contribution at conv_clamp (as the reference's ToRGBLayer); null = none.</param>
    public ToRgbLayer(long inChannels, long outChannels, int wDim, int? convClamp = null) : base(nameof(ToRgbLayer))
    {
        _convClamp = convClamp;
        affine = new FullyConnectedLayer(wDim, inChannels, biasInit: 1.0);
        weight = Owned.Param(randn(outChannels, inChannels, 1, 1));
        bias = Owned.Param(zeros(outChannels));
        _weightGain = 1.0 / Math.Sqrt(inChannels);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor w)
    {
        var styles = affine.forward(w) * _weightGain;
        x = x * styles.reshape(x.shape[0], -1, 1, 1);
        x = nn.functional.conv2d(x, weight);
        return Ops.BiasAct(x, bias, lrelu: false, clamp: _convClamp);
    }
}
