using GenMerge.Core.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenMerge.Core.Models.Compact;

/// <summary>D block: (<c>fromrgb</c> 1x1 on the first block), 3x3 <c>conv</c>, LeakyReLU(0.2), 2x2 average pool.</summary>
public sealed class CompactDownBlock : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d? fromrgb;
    private readonly Conv2d conv;

    public CompactDownBlock(long inChannels, long outChannels, int imgChannels, bool takesImage) : base(nameof(CompactDownBlock))
    {
        if (takesImage) fromrgb = nn.Conv2d(imgChannels, inChannels, 1);
        conv = nn.Conv2d(inChannels, outChannels, 3, padding: 1);
        if (fromrgb is not null) CompactInit.Hidden(fromrgb);
        CompactInit.Hidden(conv);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        if (fromrgb is not null) x = LeakyRelu.Apply(fromrgb.forward(x));
        x = LeakyRelu.Apply(conv.forward(x));
        return nn.functional.avg_pool2d(x, new long[] { 2, 2 });
    }
}
