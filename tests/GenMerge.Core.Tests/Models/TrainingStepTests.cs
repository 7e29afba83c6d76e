using GenMerge.Core.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace GenMerge.Core.Tests.Models;

public class TrainingStepTests
{
    [Theory]
    [InlineData(ModelConfig.Compact, 0)]
    [InlineData(ModelConfig.Compact, 3)]
    [InlineData(ModelConfig.StyleGan2, 0)]
    [InlineData(ModelConfig.StyleGan2, 3)]
    public void Adam_steps_on_G_change_its_output_and_D_backward_reaches_every_parameter(string family, int cDim)
    {
        var config = TinyModels.Config(family, cDim);
        using var model = GanModel.Create(config, seed: 31);
        TinyModels.Deterministic(model.G);
        var z = TinyModels.Z(4, config);
        var c = cDim > 0 ? ClassVectors.OneHot(tensor(new long[] { 0, 1, 2, 1 }), cDim) : null;

        // D: one logistic loss on real + fake; every D parameter gets a gradient.
        using (NewDisposeScope())
        {
            var real = TinyModels.Images(4, config);
            Tensor fake;
            using (no_grad()) fake = model.G.forward(z, c);
            var loss = nn.functional.softplus(-model.D.forward(real, c)).mean() + nn.functional.softplus(model.D.forward(fake, c)).mean();
            loss.backward();
            foreach (var (name, p) in model.D.named_parameters())
            {
                Assert.True(p.grad is not null, $"D.{name} has no gradient");
                Assert.True(p.grad!.isfinite().all().item<bool>(), $"D.{name} gradient not finite");
            }
            // The class input of D (compact: the projection; stylegan2: D.mapping's embedding) gets a gradient through c.
            string dClass = family == ModelConfig.StyleGan2 ? "mapping.embed.weight" : "cmap.weight";
            if (cDim > 0) Assert.True(model.D.named_parameters().First(np => np.name == dClass).parameter.grad!.abs().sum().item<float>() > 0);
        }

        // G: a few Adam steps of the non-saturating loss against the (frozen) D.
        Tensor before;
        using (no_grad()) before = model.G.forward(z, c).detach();
        var opt = optim.Adam(model.G.parameters(), lr: 0.002, beta1: 0, beta2: 0.99);
        for (int step = 0; step < 3; step++)
        {
            using var _ = NewDisposeScope();
            opt.zero_grad();
            var loss = nn.functional.softplus(-model.D.forward(model.G.forward(z, c), c)).mean();
            loss.backward();
            opt.step();
        }
        using (no_grad())
        {
            var after = model.G.forward(z, c);
            Assert.True(after.isfinite().all().item<bool>());
            TinyModels.AssertDifferent(before, after, 1e-4, "G after Adam steps");
        }
        var embedName = family == ModelConfig.StyleGan2 ? "mapping.embed.weight" : "embed.weight";
        if (cDim > 0) Assert.NotNull(model.G.named_parameters().First(np => np.name == embedName).parameter.grad);
    }
}
