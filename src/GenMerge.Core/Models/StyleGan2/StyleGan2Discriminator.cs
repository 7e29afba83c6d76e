using GenMerge.Core.Models.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace GenMerge.Core.Models.StyleGan2;

/// <summary>
/// StyleGAN2 discriminator, resnet architecture, with stylegan2-ada's names: blocks <c>b{R}..b8</c>
/// (FIR [1,3,3,1] downsampling as the reference, not plain average pooling) and the epilogue <c>b4</c>.
/// Conditioning deliberately differs from stylegan2-ada (which replaces <c>out</c> by a cmap_dim-wide output
/// dotted with a mapped label): here <c>out</c> keeps its single output and a projection term is ADDED,
/// logit = out(h) + (h · cmap(c)) / sqrt(cmap_dim), with <c>cmap</c> a bias-free equalised linear layer of c
/// (Miyato &amp; Koyama's projection discriminator). With cmap = 0 a conditional D equals its unconditional
/// source exactly, which makes unconditional -> conditional conversion exact.
/// </summary>
public sealed class StyleGan2Discriminator : Discriminator
{
    private readonly List<DiscriminatorBlock> _blocks = new();
    private readonly FullyConnectedLayer? cmap;
    private readonly DiscriminatorEpilogue b4;

    public StyleGan2Discriminator(ModelConfig config) : base(nameof(StyleGan2Discriminator), Checked(config))
    {
        for (int res = config.Resolution; res > 4; res /= 2)
        {
            long inCh = res < config.Resolution ? StyleGan2Channels.At(config, res) : 0;
            var block = new DiscriminatorBlock(inCh, StyleGan2Channels.At(config, res), StyleGan2Channels.At(config, res / 2), config.ImgChannels);
            _blocks.Add(block);
            register_module($"b{res}", block);
        }
        CmapDim = StyleGan2Channels.At(config, 4);
        if (config.CDim > 0)
        {
            cmap = new FullyConnectedLayer(config.CDim, CmapDim, bias: false);
            register_module("cmap", cmap);
        }
        b4 = new DiscriminatorEpilogue(CmapDim, config.MbstdGroup);
        RegisterComponents();
    }

    private static ModelConfig Checked(ModelConfig config)
    {
        config.Validate();
        if (config.Family != ModelConfig.StyleGan2)
            throw new ArgumentException($"family: '{config.Family}' given to the stylegan2 discriminator");
        StyleGan2Channels.Check(config);
        return config;
    }

    /// <summary>Width of the projection (= channels at 4x4 = width of the features h).</summary>
    public int CmapDim { get; }
    /// <summary>The class projection layer (null when unconditional). Class k's vector is column k of its weight.</summary>
    public FullyConnectedLayer? Cmap => cmap;

    /// <summary>Logits [B, 1]. img [B, img_channels, R, R]; c: null when c_dim = 0, else [B, c_dim].</summary>
    public override Tensor forward(Tensor img, Tensor? c)
    {
        ModelInputs.CheckImage(img, Config);
        var cc = ModelInputs.CheckClasses(c, img.shape[0], Config);
        var x = img.to_type(ScalarType.Float32);
        foreach (var block in _blocks) x = block.forward(x);
        var (logit, h) = b4.forward(x);
        if (cmap is null) return logit;
        var proj = (h * cmap.forward(cc!)).sum(1, keepdim: true) * (1.0 / Math.Sqrt(CmapDim));
        return logit + proj;
    }
}
