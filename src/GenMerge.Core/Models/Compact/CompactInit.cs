using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenMerge.Core.Models.Compact;

/// <summary>
/// He init for the compact family: PyTorch's default (kaiming_uniform with a = sqrt(5)) shrinks the activation
/// variance about 6x per layer, so a fresh D's logit barely depends on its input and D stalls at log 4 on some
/// domains. Layers followed by LeakyReLU(0.2) keep the variance; output layers get gain 1; biases start at zero.
/// </summary>
internal static class CompactInit
{
    public static void Hidden(nn.Module layer) => Init(layer, leaky: true);
    public static void Output(nn.Module layer) => Init(layer, leaky: false);

    static void Init(nn.Module layer, bool leaky)
    {
        using var _ = no_grad();
        var (weight, bias) = layer switch
        {
            Conv2d c => (c.weight!, c.bias),
            Linear l => (l.weight!, l.bias),
            _ => throw new ArgumentException($"layer: {layer.GetType().Name} is not a Conv2d or Linear"),
        };
        if (leaky) nn.init.kaiming_normal_(weight, 0.2, nn.init.FanInOut.FanIn, nn.init.NonlinearityType.LeakyReLU);
        else nn.init.kaiming_normal_(weight, 1.0, nn.init.FanInOut.FanIn, nn.init.NonlinearityType.Linear);
        bias?.zero_();
    }
}
