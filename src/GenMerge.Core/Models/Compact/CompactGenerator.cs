using GenMerge.Core.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenMerge.Core.Models.Compact;

/// <summary>
/// Small DCGAN-like generator, fast on CPU at 16..64 px. Input: normalised z, and when conditional the
/// normalised class embedding <c>embed</c>(c) concatenated to it (2nd-moment normalised as in StyleGAN2's mapping,
/// so the embedding's scale does not matter); <c>fc</c> to 4x4 features; blocks <c>b8..b{R}</c>
/// (<see cref="CompactUpBlock"/>); <c>torgb</c> 3x3 conv + tanh. No W space: truncation psi is ignored.
/// </summary>
public sealed class CompactGenerator : Generator
{
    private readonly Linear? embed;
    private readonly Linear fc;
    private readonly List<CompactUpBlock> _blocks = new();
    private readonly Conv2d torgb;
    private readonly int _c4;

    public CompactGenerator(ModelConfig config) : base(nameof(CompactGenerator), Checked(config))
    {
        int embedDim = config.CDim > 0 ? config.EmbedDim : 0;
        if (config.CDim > 0)
        {
            embed = nn.Linear(config.CDim, embedDim);
            register_module("embed", embed);
        }
        _c4 = CompactChannels.At(config, 4);
        fc = nn.Linear(config.ZDim + embedDim, _c4 * 16);
        register_module("fc", fc);
        for (int res = 8; res <= config.Resolution; res *= 2)
        {
            var block = new CompactUpBlock(CompactChannels.At(config, res / 2), CompactChannels.At(config, res));
            _blocks.Add(block);
            register_module($"b{res}", block);
        }
        torgb = nn.Conv2d(CompactChannels.At(config, config.Resolution), config.ImgChannels, 3, padding: 1);
        CompactInit.Hidden(fc);
        CompactInit.Output(torgb);
        RegisterComponents();
    }

    private static ModelConfig Checked(ModelConfig config)
    {
        config.Validate();
        if (config.Family != ModelConfig.Compact)
            throw new ArgumentException($"family: '{config.Family}' given to the compact generator");
        return config;
    }

    /// <summary>The class embedding (null when unconditional). Class k's embedding is column k of its weight [embed_dim, c_dim].</summary>
    public Linear? Embed => embed;

    public override Tensor forward(Tensor z, Tensor? c, double truncationPsi)
    {
        ModelInputs.CheckLatent(z, Config);
        var cc = ModelInputs.CheckClasses(c, z.shape[0], Config);
        var x = SecondMoment.Normalize(z.to_type(ScalarType.Float32));
        if (embed is not null)
            x = cat(new[] { x, SecondMoment.Normalize(embed.forward(cc!)) }, 1);
        x = fc.forward(x).reshape(-1, _c4, 4, 4);
        x = SecondMoment.Normalize(LeakyRelu.Apply(x));
        foreach (var block in _blocks) x = block.forward(x);
        return tanh(torgb.forward(x));
    }
}
