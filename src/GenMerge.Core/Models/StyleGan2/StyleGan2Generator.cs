using GenMerge.Core.Models.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace GenMerge.Core.Models.StyleGan2;

/// <summary>
/// StyleGAN2 generator: <c>mapping</c> (z, c -> ws) then <c>synthesis</c> (ws -> image), with the
/// parameter names of stylegan2-ada-pytorch's networks.py (e.g. mapping.fc0.weight, synthesis.b4.const,
/// synthesis.b16.conv1.affine.weight), so its state dicts convert by name. Architecture 'skip' or 'orig'
/// (<see cref="ModelConfig.GArchitecture"/>), conv_clamp as the reference. Differences from the reference: layers it
/// runs in fp16 (num_fp16_res) are computed in fp32, and the modulated conv uses the non-fused form (same maths as its
/// grouped conv; tests/fixtures/sg2ref.py checks the two agree), no 'resnet' G and no truncation_cutoff.
/// </summary>
public sealed class StyleGan2Generator : Generator
{
    private readonly SynthesisNetwork synthesis;
    private readonly MappingNetwork mapping;
    private string _noiseMode = NoiseModes.Random;

    public StyleGan2Generator(ModelConfig config) : base(nameof(StyleGan2Generator), Checked(config))
    {
        synthesis = new SynthesisNetwork(config);
        mapping = new MappingNetwork(config.ZDim, config.CDim, config.WDim, synthesis.NumWs, config.MappingLayers, config.EmbedDim);
        RegisterComponents();
    }

    private static ModelConfig Checked(ModelConfig config)
    {
        config.Validate();
        if (config.Family != ModelConfig.StyleGan2)
            throw new ArgumentException($"family: '{config.Family}' given to the stylegan2 generator");
        StyleGan2Channels.Check(config);
        return config;
    }

    public MappingNetwork Mapping => mapping;
    public SynthesisNetwork Synthesis => synthesis;
    public int NumWs => synthesis.NumWs;

    /// <summary>
    /// Noise used by <see cref="forward(Tensor, Tensor?, double)"/>: "random" (default, training),
    /// "const" (the stored noise_const buffers: deterministic sampling) or "none".
    /// </summary>
    public string NoiseMode
    {
        get => _noiseMode;
        set => _noiseMode = NoiseModes.Check(value);
    }

    /// <summary>Image [B, img_channels, R, R]. c: null when c_dim = 0, else [B, c_dim].</summary>
    public override Tensor forward(Tensor z, Tensor? c, double truncationPsi)
        => Synthesize(Map(z, c, truncationPsi), _noiseMode);

    /// <summary>
    /// ws [B, num_ws, w_dim] for (z, c), with input checks. updateWAvg: in training mode, move w_avg toward
    /// this batch's mean w (the reference skips this in some regularisation passes).
    /// </summary>
    public Tensor Map(Tensor z, Tensor? c, double truncationPsi = 1.0, bool updateWAvg = true)
    {
        ModelInputs.CheckLatent(z, Config);
        var cc = ModelInputs.CheckClasses(c, z.shape[0], Config);
        return mapping.forward(z, cc, truncationPsi, updateWAvg);
    }

    /// <summary>Image from ws [B, num_ws, w_dim]; noiseMode defaults to <see cref="NoiseMode"/>.</summary>
    public Tensor Synthesize(Tensor ws, string? noiseMode = null) => synthesis.forward(ws, noiseMode ?? _noiseMode);
}
