using TorchSharp;
using static TorchSharp.torch;

namespace GenMerge.Core.Models.StyleGan2;

/// <summary>ws -> image through blocks b4..b{R} (stylegan2-ada SynthesisNetwork, 'skip' or 'orig' architecture).</summary>
public sealed class SynthesisNetwork : nn.Module<Tensor, Tensor>
{
    private readonly List<SynthesisBlock> _blocks = new();

    public SynthesisNetwork(ModelConfig config) : base(nameof(SynthesisNetwork))
    {
        WDim = config.WDim;
        Resolution = config.Resolution;
        for (int res = 4; res <= config.Resolution; res *= 2)
        {
            long inCh = res > 4 ? StyleGan2Channels.At(config, res / 2) : 0;
            // conv_clamp applies at every resolution, fp16 or not, as in the reference; fp16 layers run in fp32 here.
            var block = new SynthesisBlock(inCh, StyleGan2Channels.At(config, res), config.WDim, res, config.ImgChannels,
                                           isLast: res == config.Resolution, config.GArchitecture, config.ConvClamp);
            _blocks.Add(block);
            register_module($"b{res}", block);
            NumWs += block.NumConv;
        }
        NumWs += _blocks[^1].NumToRgb;
        RegisterComponents();
    }

    public int WDim { get; }
    public int Resolution { get; }
    /// <summary>Number of w vectors consumed: one per conv plus the last block's torgb (as the reference).</summary>
    public int NumWs { get; }
    public IReadOnlyList<SynthesisBlock> Blocks => _blocks;

    public override Tensor forward(Tensor ws) => forward(ws, NoiseModes.Random);

    public Tensor forward(Tensor ws, string noiseMode)
    {
        if (ws.ndim != 3 || ws.shape[1] != NumWs || ws.shape[2] != WDim)
            throw new ArgumentException($"ws: expected shape [B, {NumWs}, {WDim}], found [{string.Join(", ", ws.shape)}]", nameof(ws));
        NoiseModes.Check(noiseMode);
        Tensor? x = null, img = null;
        int wIdx = 0;
        foreach (var block in _blocks)
        {
            // Consecutive blocks share one w: a block's torgb w is the next block's conv0 w.
            var blockWs = ws.narrow(1, wIdx, block.NumConv + block.NumToRgb);
            wIdx += block.NumConv;
            (x, img) = block.Forward(x, img, blockWs, noiseMode);
        }
        return img!;
    }
}
