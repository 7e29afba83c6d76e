using GenMerge.Core.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenMerge.Core.Models.Compact;

/// <summary>D head <c>b4</c>: optional <c>mbstd</c>, 3x3 <c>conv</c>, <c>fc</c> -> features h, <c>out</c> -> logit.</summary>
public sealed class CompactEpilogue : nn.Module<Tensor, (Tensor Logit, Tensor Features)>
{
    private readonly MinibatchStdLayer? mbstd;
    private readonly Conv2d conv;
    private readonly Linear fc;
    private readonly Linear @out;

    public CompactEpilogue(long channels, int mbstdGroup) : base(nameof(CompactEpilogue))
    {
        int extra = mbstdGroup > 0 ? 1 : 0;
        if (mbstdGroup > 0) mbstd = new MinibatchStdLayer(mbstdGroup);
        conv = nn.Conv2d(channels + extra, channels, 3, padding: 1);
        fc = nn.Linear(channels * 16, channels);
        @out = nn.Linear(channels, 1);
        CompactInit.Hidden(conv);
        CompactInit.Hidden(fc);
        CompactInit.Output(@out);
        RegisterComponents();
    }

    public override (Tensor Logit, Tensor Features) forward(Tensor x)
    {
        if (mbstd is not null) x = mbstd.forward(x);
        x = LeakyRelu.Apply(conv.forward(x));
        var h = LeakyRelu.Apply(fc.forward(x.flatten(1)));
        return (@out.forward(h), h);
    }
}
