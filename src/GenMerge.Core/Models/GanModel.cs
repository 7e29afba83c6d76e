using TorchSharp;

namespace GenMerge.Core.Models;

/// <summary>A generator, its discriminator and the generator's EMA copy, with their metadata.</summary>
public sealed class GanModel : IDisposable
{
    public GanModel(ModelConfig config, Generator g, Discriminator d, Generator gEma,
                    IReadOnlyList<string>? classNames = null, Provenance? provenance = null)
    {
        Config = config.Validate();
        G = g; D = d; GEma = gEma;
        ClassNames = classNames ?? Array.Empty<string>();
        Provenance = provenance ?? new Provenance();
        if (config.CDim > 0 && ClassNames.Count != 0 && ClassNames.Count != config.CDim)
            throw new ArgumentException($"class_names: {ClassNames.Count} names for c_dim {config.CDim}");
    }

    public ModelConfig Config { get; }
    public Generator G { get; }
    public Discriminator D { get; }
    public Generator GEma { get; }
    public IReadOnlyList<string> ClassNames { get; set; }
    public Provenance Provenance { get; set; }

    /// <summary>Fresh randomly initialised model (G_ema starts as a copy of G).</summary>
    public static GanModel Create(ModelConfig config, long seed, IReadOnlyList<string>? classNames = null)
    {
        torch.manual_seed(seed);
        var g = ModelFactory.CreateGenerator(config);
        var d = ModelFactory.CreateDiscriminator(config);
        var gEma = ModelFactory.CreateGenerator(config);
        gEma.load_state_dict(g.state_dict());
        gEma.eval();
        foreach (var p in gEma.parameters()) p.requires_grad = false;
        return new GanModel(config, g, d, gEma, classNames, new Provenance { Kind = "init", Seed = seed });
    }

    public GanModel To(torch.Device device)
    {
        G.to(device); D.to(device); GEma.to(device);
        return this;
    }

    public void Dispose()
    {
        G.Dispose(); D.Dispose(); GEma.Dispose();
    }
}
