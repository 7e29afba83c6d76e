using GenMerge.Core.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenMerge.Core.Models.StyleGan2;

/// <summary>Equalised-lr conv with optional FIR down/upsampling (stylegan2-ada Conv2dLayer; used by D).</summary>
public sealed class Conv2dLayer : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter? bias;
    // State-dict parity with stylegan2-ada only: Ops applies this fixed [1,3,3,1] filter itself.
    private readonly Tensor resample_filter;
    private readonly int _up, _down, _padding;
    private readonly bool _lrelu;
    private readonly double _weightGain;
    private readonly int? _convClamp;

    /// <param name="convClamp">clamp of the output at conv_clamp * gain (reference bias_act); null = none.</param>
    public Conv2dLayer(long inChannels, long outChannels, int kernelSize, bool bias = true, bool lrelu = false,
                       int up = 1, int down = 1, int? convClamp = null) : base(nameof(Conv2dLayer))
    {
        _up = up; _down = down; _lrelu = lrelu; _convClamp = convClamp;
        _padding = kernelSize / 2;
        _weightGain = 1.0 / Math.Sqrt(inChannels * kernelSize * kernelSize);
        resample_filter = Owned.Buffer(Ops.SetupFilter());
        weight = Owned.Param(randn(outChannels, inChannels, kernelSize, kernelSize));
        this.bias = bias ? Owned.Param(zeros(outChannels)) : null;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => forward(x, 1.0);

    public Tensor forward(Tensor x, double gain)
    {
        var w = weight * _weightGain;
        x = Ops.Conv2dResample(x, w, _up, _down, _padding, flipWeight: _up == 1);
        return Ops.BiasAct(x, bias, _lrelu, gain, Ops.ScaledClamp(_convClamp, gain));
    }
}
