using GenMerge.Core.Models.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace GenMerge.Core.Models.StyleGan2;

/// <summary>
/// StyleGAN2 discriminator with stylegan2-ada's names: blocks <c>b{R}..b8</c> ('resnet', 'orig' or 'skip';
/// FIR [1,3,3,1] downsampling as the reference) and the epilogue <c>b4</c>. Conditioning
/// (<see cref="ModelConfig.DConditioning"/>):
/// <list type="bullet">
/// <item>"reference" (every conditional model made now, and imported ones): as stylegan2-ada, <c>mapping</c>
/// (embed + fc0..fc{n-1}, cmap_dim wide) maps c to cmap, <c>b4.out</c> is [cmap_dim, C4] and
/// logit = (out(h) · cmap) / sqrt(cmap_dim).</item>
/// <item>"projection" (legacy GenMerge checkpoints only): <c>b4.out</c> keeps one output and a projection is added,
/// logit = out(h) + (h · cmap(c)) / sqrt(C4), with <c>cmap</c> a bias-free equalised linear layer of c.</item>
/// </list>
/// </summary>
public sealed class StyleGan2Discriminator : Discriminator
{
    private readonly List<DiscriminatorBlock> _blocks = new();
    private readonly MappingNetwork? mapping;
    private readonly FullyConnectedLayer? cmap;
    private readonly DiscriminatorEpilogue b4;

    public StyleGan2Discriminator(ModelConfig config) : base(nameof(StyleGan2Discriminator), Checked(config))
    {
        // conv_clamp applies at every resolution, fp16 or not, as in the reference; fp16 layers run in fp32 here.
        for (int res = config.Resolution; res > 4; res /= 2)
        {
            long inCh = res < config.Resolution ? StyleGan2Channels.At(config, res) : 0;
            var block = new DiscriminatorBlock(inCh, StyleGan2Channels.At(config, res), StyleGan2Channels.At(config, res / 2),
                                               config.ImgChannels, config.DArchitecture, config.ConvClamp);
            _blocks.Add(block);
            register_module($"b{res}", block);
        }
        CmapDim = StyleGan2Channels.CmapDim(config);
        long outDim = 1;
        if (config.CDim > 0 && config.ReferenceConditioning)
        {
            mapping = MappingNetwork.ForDiscriminator(config.CDim, CmapDim, config.DMappingLayers);
            register_module("mapping", mapping);
            outDim = CmapDim;
        }
        else if (config.CDim > 0)
        {
            cmap = new FullyConnectedLayer(config.CDim, CmapDim, bias: false);
            register_module("cmap", cmap);
        }
        b4 = new DiscriminatorEpilogue(StyleGan2Channels.At(config, 4), config.MbstdGroup, config.MbstdChannels, outDim,
                                       config.ImgChannels, config.DArchitecture, config.ConvClamp);
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

    /// <summary>Width of cmap: config.cmap_dim, or the channels at 4x4 when that is 0 (always so for "projection").</summary>
    public int CmapDim { get; }
    /// <summary>Legacy "projection" layout: the class projection layer (class k's vector is column k of its weight); else null.</summary>
    public FullyConnectedLayer? Cmap => cmap;
    /// <summary>"reference" layout: D.mapping, c -> cmap [B, cmap_dim]; else null.</summary>
    public MappingNetwork? Mapping => mapping;
    public DiscriminatorEpilogue Epilogue => b4;

    /// <summary>Logits [B, 1]. img [B, img_channels, R, R]; c: null when c_dim = 0, else [B, c_dim].</summary>
    public override Tensor forward(Tensor img, Tensor? c)
    {
        ModelInputs.CheckImage(img, Config);
        var cc = ModelInputs.CheckClasses(c, img.shape[0], Config);
        Tensor? x = null;
        Tensor? im = img.to_type(ScalarType.Float32);
        foreach (var block in _blocks) (x, im) = block.Forward(x, im);
        var (o, h) = b4.Forward(x!, im);
        double norm = 1.0 / Math.Sqrt(CmapDim);
        if (mapping is not null) return (o * mapping.Features(null, cc)).sum(1, keepdim: true) * norm;
        if (cmap is not null) return o + (h * cmap.forward(cc!)).sum(1, keepdim: true) * norm;
        return o;
    }

    public override IReadOnlyList<Tensor> Features(Tensor img)
    {
        ModelInputs.CheckImage(img, Config);
        Tensor? x = null;
        Tensor? im = img.to_type(ScalarType.Float32);
        var features = new List<Tensor>();
        foreach (var block in _blocks)
        {
            (x, im) = block.Forward(x, im);
            features.Add(x!);
        }
        return features;
    }
}
