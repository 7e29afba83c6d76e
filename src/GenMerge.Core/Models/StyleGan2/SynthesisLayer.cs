using GenMerge.Core.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenMerge.Core.Models.StyleGan2;

/// <summary>
/// Modulated 3x3 conv with weight demodulation, optional x2 FIR upsampling, per-pixel noise, bias, lrelu
/// (stylegan2-ada SynthesisLayer). Computed in the reference's non-fused form: scale the input by the styles,
/// run one shared conv, scale the output by the demodulation coefficients.
/// </summary>
public sealed class SynthesisLayer : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly FullyConnectedLayer affine;
    private readonly Parameter weight;
    private readonly Tensor noise_const;
    private readonly Parameter noise_strength;
    private readonly Parameter bias;
    // State-dict parity with stylegan2-ada only: Ops applies this fixed [1,3,3,1] filter itself.
    private readonly Tensor resample_filter;
    private readonly int _up, _padding, _resolution;
    private readonly int? _convClamp;

    /// <param name="convClamp">clamp of the output at conv_clamp * gain (reference bias_act); null = none.</param>
    public SynthesisLayer(long inChannels, long outChannels, int wDim, int resolution, int up = 1, int kernelSize = 3,
                          int? convClamp = null)
        : base(nameof(SynthesisLayer))
    {
        _up = up; _resolution = resolution; _padding = kernelSize / 2; _convClamp = convClamp;
        resample_filter = Owned.Buffer(Ops.SetupFilter());
        affine = new FullyConnectedLayer(wDim, inChannels, biasInit: 1.0);
        weight = Owned.Param(randn(outChannels, inChannels, kernelSize, kernelSize));
        noise_const = Owned.Buffer(randn(resolution, resolution));
        noise_strength = Owned.Param(zeros(Array.Empty<long>()));
        bias = Owned.Param(zeros(outChannels));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor w) => forward(x, w, NoiseModes.Random, 1.0);

    public Tensor forward(Tensor x, Tensor w, string noiseMode, double gain = 1.0)
    {
        long batch = x.shape[0];
        var styles = affine.forward(w);                                             // [B, I]
        // Demodulation: 1/sqrt(sum_{i,k} (weight[o,i,k] * s[b,i])^2) = 1/sqrt(s^2 @ sum_k weight^2).
        var dcoefs = (styles.square().matmul(weight.square().sum(new long[] { 2, 3 }).t()) + 1e-8).rsqrt(); // [B, O]

        x = x * styles.reshape(batch, -1, 1, 1);
        x = Ops.Conv2dResample(x, weight, _up, 1, _padding, flipWeight: _up == 1);
        x = x * dcoefs.reshape(batch, -1, 1, 1);

        switch (noiseMode)
        {
            case NoiseModes.Random:
                x = x + randn(new long[] { batch, 1, _resolution, _resolution }, device: x.device) * noise_strength;
                break;
            case NoiseModes.Const:
                x = x + noise_const * noise_strength;
                break;
            case NoiseModes.None:
                break;
            default:
                NoiseModes.Check(noiseMode);
                break;
        }
        return Ops.BiasAct(x, bias, lrelu: true, gain, Ops.ScaledClamp(_convClamp, gain));
    }
}
