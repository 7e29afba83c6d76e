using GenMerge.Core.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenMerge.Core.Models.Compact;

/// <summary>Nearest x2 upsample, 3x3 conv, LeakyReLU(0.2), pixel norm. No BatchNorm: averaging and batch-1 sampling dislike it.</summary>
public sealed class CompactUpBlock : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv;

    public CompactUpBlock(long inChannels, long outChannels) : base(nameof(CompactUpBlock))
    {
        conv = nn.Conv2d(inChannels, outChannels, 3, padding: 1);
        CompactInit.Hidden(conv);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        x = nn.functional.interpolate(x, scale_factor: new[] { 2.0, 2.0 }, mode: InterpolationMode.Nearest);
        x = LeakyRelu.Apply(conv.forward(x));
        return SecondMoment.Normalize(x);
    }
}
