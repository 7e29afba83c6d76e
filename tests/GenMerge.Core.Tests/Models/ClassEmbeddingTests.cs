using GenMerge.Core.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace GenMerge.Core.Tests.Models;

public class ClassEmbeddingTests
{
    private static string EmbedWeightName(string family) => family == ModelConfig.StyleGan2 ? "mapping.embed.weight" : "embed.weight";

    [Theory]
    [InlineData(ModelConfig.Compact)]
    [InlineData(ModelConfig.StyleGan2)]
    public void Class_k_images_depend_on_embedding_column_k_only(string family)
    {
        const int k = 1, j = 2;
        var config = TinyModels.Config(family, cDim: 3);
        using var model = GanModel.Create(config, seed: 5);
        var g = TinyModels.Deterministic(model.GEma);
        var embed = g.state_dict()[EmbedWeightName(family)];
        Assert.Equal(new long[] { config.EmbedDim, 3 }, embed.shape); // column k = class k (PyTorch Linear layout)
        using var _ = NewDisposeScope();
        var z = TinyModels.Z(3, config);
        var ck = ClassVectors.OneHot(k, 3, 3);
        var cj = ClassVectors.OneHot(j, 3, 3);
        var imgK = g.forward(z, ck);
        var imgJ = g.forward(z, cj);
        TinyModels.AssertDifferent(imgK, imgJ, what: "classes differ");

        using (no_grad()) embed.narrow(1, j, 1).add_(randn(config.EmbedDim, 1));
        TinyModels.AssertClose(imgK, g.forward(z, ck), 0, "class k after editing column j");
        TinyModels.AssertDifferent(imgJ, g.forward(z, cj), what: "class j after editing column j");

        using (no_grad()) embed.narrow(1, k, 1).add_(randn(config.EmbedDim, 1));
        TinyModels.AssertDifferent(imgK, g.forward(z, ck), what: "class k after editing column k");
    }

    [Fact]
    public void One_hot_helpers_build_float_rows_and_reject_bad_labels()
    {
        var c = ClassVectors.OneHot(tensor(new long[] { 2, 0 }), 3);
        Assert.Equal(ScalarType.Float32, c.dtype);
        Assert.Equal(new[] { 0f, 0f, 1f, 1f, 0f, 0f }, c.data<float>().ToArray());
        Assert.Equal(new[] { 0f, 1f, 0f, 1f }, ClassVectors.OneHot(1, 2, 2).data<float>().ToArray());
        Assert.Throws<ArgumentException>(() => ClassVectors.OneHot(tensor(new long[] { 3 }), 3));
        Assert.Throws<ArgumentException>(() => ClassVectors.OneHot(3, 3, 1));
    }
}
