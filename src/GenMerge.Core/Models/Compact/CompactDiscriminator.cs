using GenMerge.Core.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenMerge.Core.Models.Compact;

/// <summary>
/// Compact D: blocks <c>b{R}..b8</c> (<see cref="CompactDownBlock"/>), head <c>b4</c>; conditional models add the
/// projection logit += (h · cmap(c)) / sqrt(cmap_dim) with <c>cmap</c> a bias-free linear of c (Miyato &amp; Koyama).
/// </summary>
public sealed class CompactDiscriminator : Discriminator
{
    private readonly List<CompactDownBlock> _blocks = new();
    private readonly Linear? cmap;
    private readonly CompactEpilogue b4;

    public CompactDiscriminator(ModelConfig config) : base(nameof(CompactDiscriminator), Checked(config))
    {
        for (int res = config.Resolution; res > 4; res /= 2)
        {
            var block = new CompactDownBlock(CompactChannels.At(config, res), CompactChannels.At(config, res / 2),
                                             config.ImgChannels, takesImage: res == config.Resolution);
            _blocks.Add(block);
            register_module($"b{res}", block);
        }
        CmapDim = CompactChannels.At(config, 4);
        if (config.CDim > 0)
        {
            cmap = nn.Linear(config.CDim, CmapDim, hasBias: false);
            register_module("cmap", cmap);
        }
        b4 = new CompactEpilogue(CmapDim, config.MbstdGroup);
        RegisterComponents();
    }

    private static ModelConfig Checked(ModelConfig config)
    {
        config.Validate();
        if (config.Family != ModelConfig.Compact)
            throw new ArgumentException($"family: '{config.Family}' given to the compact discriminator");
        return config;
    }

    public int CmapDim { get; }
    /// <summary>The class projection (null when unconditional). Class k's vector is column k of its weight [cmap_dim, c_dim].</summary>
    public Linear? Cmap => cmap;

    public override Tensor forward(Tensor img, Tensor? c)
    {
        ModelInputs.CheckImage(img, Config);
        var cc = ModelInputs.CheckClasses(c, img.shape[0], Config);
        var x = img.to_type(ScalarType.Float32);
        foreach (var block in _blocks) x = block.forward(x);
        var (logit, h) = b4.forward(x);
        if (cmap is null) return logit;
        return logit + (h * cmap.forward(cc!)).sum(1, keepdim: true) * (1.0 / Math.Sqrt(CmapDim));
    }

    public override IReadOnlyList<Tensor> Features(Tensor img)
    {
        ModelInputs.CheckImage(img, Config);
        var x = img.to_type(ScalarType.Float32);
        var features = new List<Tensor>();
        foreach (var block in _blocks) features.Add(x = block.forward(x));
        return features;
    }
}
