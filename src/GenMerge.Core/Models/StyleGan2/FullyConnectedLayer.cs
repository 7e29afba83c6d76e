using GenMerge.Core.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenMerge.Core.Models.StyleGan2;

/// <summary>
/// Equalised-learning-rate linear layer (stylegan2-ada FullyConnectedLayer). The stored weight is
/// N(0, 1) / lr_multiplier and is scaled at run time by <see cref="WeightGain"/> = lr_multiplier / sqrt(in_features),
/// so changing in_features changes the gain: code that resizes the weight must rescale it (see Conditioning).
/// </summary>
public sealed class FullyConnectedLayer : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter? bias;

    public FullyConnectedLayer(long inFeatures, long outFeatures, bool bias = true, bool lrelu = false,
                               double lrMultiplier = 1.0, double biasInit = 0.0) : base(nameof(FullyConnectedLayer))
    {
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Lrelu = lrelu;
        LrMultiplier = lrMultiplier;
        WeightGain = lrMultiplier / Math.Sqrt(inFeatures);
        BiasGain = lrMultiplier;
        weight = Owned.Param(randn(outFeatures, inFeatures) / lrMultiplier);
        this.bias = bias ? Owned.Param(full(new[] { outFeatures }, biasInit, ScalarType.Float32)) : null;
        RegisterComponents();
    }

    public long InFeatures { get; }
    public long OutFeatures { get; }
    public bool Lrelu { get; }
    public double LrMultiplier { get; }
    public double WeightGain { get; }
    public double BiasGain { get; }

    /// <summary>The raw stored weight [out, in] (before <see cref="WeightGain"/>).</summary>
    public Parameter Weight => weight;
    public Parameter? Bias => bias;

    public override Tensor forward(Tensor x)
    {
        var w = weight * WeightGain;
        Tensor? b = bias is null ? null : (BiasGain == 1.0 ? bias : bias * BiasGain);
        var y = x.matmul(w.t());
        return Ops.BiasAct(y, b, Lrelu);
    }
}
