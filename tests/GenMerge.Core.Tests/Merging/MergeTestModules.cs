using GenMerge.Core.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenMerge.Core.Tests.Merging;

/// <summary>Linear + Conv2d + a float buffer ("running") + an int64 step counter ("steps").</summary>
internal sealed class TinyNet : nn.Module<Tensor, Tensor>
{
    private readonly Linear fc;
    private readonly Conv2d conv;
    private readonly Linear? fc2;

    public TinyNet(long seed, int fcIn = 3, bool extraLayer = false) : base(nameof(TinyNet))
    {
        torch.manual_seed(seed);
        fc = nn.Linear(fcIn, 2);
        conv = nn.Conv2d(1, 2, 2);
        if (extraLayer) fc2 = nn.Linear(2, 2);
        register_buffer("running", torch.randn(2));
        register_buffer("steps", torch.tensor(seed, ScalarType.Int64));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => fc.forward(x);
}

/// <summary>One 4-entry parameter "w" and a 2-entry float buffer "b", for hand-worked examples.</summary>
internal sealed class VecNet : nn.Module<Tensor, Tensor>
{
    private readonly Parameter w;

    public VecNet(double[] weights, double[] buffer) : base(nameof(VecNet))
    {
        w = nn.Parameter(torch.tensor(weights.Select(x => (float)x).ToArray()));
        register_buffer("b", torch.tensor(buffer.Select(x => (float)x).ToArray()));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => x * w;
}

internal sealed class TestGenerator : GenMerge.Core.Models.Generator
{
    private readonly Linear fc;

    public TestGenerator(ModelConfig config, long seed) : base(nameof(TestGenerator), config)
    {
        torch.manual_seed(seed);
        fc = nn.Linear(config.ZDim, 3);
        register_buffer("w_avg", torch.randn(3));
        RegisterComponents();
    }

    public override Tensor forward(Tensor z, Tensor? c, double truncationPsi) => fc.forward(z);
}

internal sealed class TestDiscriminator : Discriminator
{
    private readonly Conv2d conv;

    public TestDiscriminator(ModelConfig config, long seed) : base(nameof(TestDiscriminator), config)
    {
        torch.manual_seed(seed);
        conv = nn.Conv2d(config.ImgChannels, 1, 3);
        RegisterComponents();
    }

    public override Tensor forward(Tensor img, Tensor? c) => conv.forward(img).mean([1, 2, 3]).unsqueeze(1);

    public override IReadOnlyList<Tensor> Features(Tensor img) => new[] { conv.forward(img) };
}

internal static class MergeTestHelpers
{
    public static ModelConfig Config(int cDim = 0) => ModelConfig.Default(ModelConfig.Compact, 16, cDim);

    public static GanModel Gan(long seed, ModelConfig? config = null)
    {
        var c = config ?? Config();
        return new GanModel(c, new TestGenerator(c, seed), new TestDiscriminator(c, seed + 100), new TestGenerator(c, seed + 200));
    }

    public static double[] Values(Tensor t) => t.detach().to(ScalarType.Float64).flatten().data<double>().ToArray();

    public static void AssertClose(double[] expected, double[] actual, double tol = 1e-6, string what = "")
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol, $"{what}[{i}]: expected {expected[i]}, got {actual[i]}");
    }

    /// <summary>Entry-wise weighted sum of the same entry across modules, computed independently of the merge code.</summary>
    public static double[] ExpectedMean(IReadOnlyList<nn.Module> models, string name, double[] w)
    {
        var arrays = models.Select(m => Values(m.state_dict()[name])).ToList();
        return Enumerable.Range(0, arrays[0].Length).Select(i => arrays.Select((a, k) => w[k] * a[i]).Sum()).ToArray();
    }
}
