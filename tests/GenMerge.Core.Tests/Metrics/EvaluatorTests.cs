using GenMerge.Core.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace GenMerge.Core.Tests.Metrics;

[Collection(ResNet18Collection.Name)]
public class EvaluatorTests(ResNet18Fixture fx)
{
    [Fact]
    public void Evaluate_returns_distances_and_samples_the_reference_once_per_key()
    {
        using var scope = NewDisposeScope();
        var gen = new torch.Generator(12);
        int referenceCalls = 0;
        Tensor Reference(int count) { referenceCalls++; return torch.rand(count, 3, 16, 16, generator: gen) * 2 - 1; }
        Tensor Same(int count) => torch.rand(count, 3, 16, 16, generator: gen) * 2 - 1;
        Tensor Dark(int count) => torch.rand(count, 3, 16, 16, generator: gen) * 0.2 - 1;

        var evaluator = new Evaluator(fx.Batched, chunkSize: 4, kidSubsets: 5, kidSubsetSize: 8, seed: 1);
        string key = "test-noise-" + Guid.NewGuid().ToString("N");
        var near = evaluator.Evaluate(Same, Reference, 8, key);
        var far = evaluator.Evaluate(Dark, Reference, 8, key);

        Assert.Equal(2, referenceCalls); // 8 images in chunks of 4, once for both evaluations
        Assert.Equal(8, near.N);
        Assert.Equal(key, near.Reference);
        Assert.True(far.FidR18 > near.FidR18, $"FID-R18 dark {far.FidR18} vs same {near.FidR18}");
        Assert.True(far.KidR18 > near.KidR18, $"KID-R18 dark {far.KidR18} vs same {near.KidR18}");
        Assert.True(near.KidR18Std >= 0);
    }

    [Fact]
    public void A_sampler_returning_the_wrong_count_is_reported()
    {
        using var scope = NewDisposeScope();
        var evaluator = new Evaluator(fx.Batched, chunkSize: 4);
        var ex = Assert.Throws<InvalidOperationException>(() => evaluator.Features(c => torch.zeros(c + 1, 3, 16, 16), 4));
        Assert.Contains("asked for 4", ex.Message);
    }
}
