using TorchSharp;
using static TorchSharp.torch;

namespace GenMerge.Core.Tests;

public class TorchSmokeTests
{
    [Fact]
    public void Torch_initialises_and_one_training_step_lowers_the_loss()
    {
        torch.manual_seed(1);
        var lin = nn.Linear(4, 1);
        var opt = optim.SGD(lin.parameters(), 0.1);
        var x = randn(64, 4);
        var y = x.sum(1, keepdim: true);
        float before, after;
        using (NewDisposeScope())
        {
            var loss = nn.functional.mse_loss(lin.forward(x), y);
            before = loss.item<float>();
            opt.zero_grad(); loss.backward(); opt.step();
        }
        using (NewDisposeScope())
            after = nn.functional.mse_loss(lin.forward(x), y).item<float>();
        Assert.True(after < before, $"loss {before} -> {after}");
    }
}
