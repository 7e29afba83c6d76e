using GenMerge.Core.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Generator = GenMerge.Core.Models.Generator;

namespace GenMerge.Core.Tests.Checkpoints;

/// <summary>Test-only G: two linear layers plus float, half and int64 buffers, to exercise several dtypes.</summary>
internal sealed class TinyGenerator : Generator
{
    private readonly Linear fc1;
    private readonly Linear fc2;

    public TinyGenerator(ModelConfig config) : base("TinyGenerator", config)
    {
        fc1 = nn.Linear(config.ZDim, 8);
        fc2 = nn.Linear(8, config.ImgChannels * config.Resolution * config.Resolution);
        register_buffer("w_avg", randn(config.ZDim));
        register_buffer("half_stats", randn(3).to(ScalarType.Float16));
        register_buffer("steps", tensor(new long[] { 7 }));
        RegisterComponents();
    }

    public override Tensor forward(Tensor z, Tensor? c, double truncationPsi) =>
        tanh(fc2.forward(nn.functional.relu(fc1.forward(z)))).view(-1, Config.ImgChannels, Config.Resolution, Config.Resolution);
}

/// <summary>Test-only D: one linear layer.</summary>
internal sealed class TinyDiscriminator : Discriminator
{
    private readonly Linear fc;

    public TinyDiscriminator(ModelConfig config) : base("TinyDiscriminator", config)
    {
        fc = nn.Linear(config.ImgChannels * config.Resolution * config.Resolution, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor img, Tensor? c) => fc.forward(img.flatten(1));

    public override IReadOnlyList<Tensor> Features(Tensor img) => new[] { img.flatten(1) };
}

internal static class TinyModels
{
    public static readonly ModelConfig Config = new() { Family = ModelConfig.Compact, Resolution = 8, ZDim = 4, CDim = 2 };

    public static (Generator G, Discriminator D, Generator GEma) Factory(ModelConfig config) =>
        (new TinyGenerator(config), new TinyDiscriminator(config), new TinyGenerator(config));

    /// <summary>A model whose G, D and G_ema all differ, with class names and provenance set.</summary>
    public static GanModel Create(long seed)
    {
        torch.manual_seed(seed);
        var (g, d, ema) = Factory(Config);
        return new GanModel(Config, g, d, ema, new[] { "rings", "squares" },
            new Provenance
            {
                Kind = "train", Steps = 123, Seed = seed, Data = "domain:rings", Parents = new[] { "abc123" },
                Notes = new Dictionary<string, string> { ["root"] = "rings", ["ü"] = "\"quoted\"" }, CreatedUtc = "2025-01-02T03:04:05Z",
            });
    }
}
