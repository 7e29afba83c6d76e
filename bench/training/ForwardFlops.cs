using System.Text.RegularExpressions;
using GenMerge.Core.Models;
using static TorchSharp.torch;

/// <summary>
/// Forward multiply-adds per image of a G or D, counted analytically: every weight tensor (2-D linear or
/// 4-D conv) is multiplied by the number of output positions per image at which the model applies it,
/// read from the parameter's name (block b{res}) and the family's architecture. Only conv and linear
/// (plus stylegan2's demodulation matmul) count; elementwise ops, FIR filtering and normalisation do not.
/// A weight no rule knows throws, so an architecture change cannot silently drop layers from the count.
/// </summary>
static class ForwardFlops
{
    public sealed record Layer(string Name, long[] Shape, long Positions, long Macs);

    /// <summary>FLOPs = 2 x MACs.</summary>
    public static double Flops(IEnumerable<Layer> layers) => 2.0 * layers.Sum(l => (double)l.Macs);

    public static List<Layer> Count(nn.Module module, ModelConfig config, bool generator)
    {
        var layers = new List<Layer>();
        foreach (var (name, p) in module.named_parameters())
        {
            var shape = p.shape;
            if (!name.EndsWith("weight") || shape.Length is not (2 or 4)) continue; // biases, const, noise strength
            long weightMacs = shape.Aggregate(1L, (a, b) => a * b);
            long positions = config.Family == ModelConfig.Compact
                ? (generator ? CompactG(name, config) : CompactD(name))
                : (generator ? StyleGan2G(name) : StyleGan2D(name));
            layers.Add(new Layer(name, shape, positions, positions * weightMacs));
            // Modulated conv: demodulation coefficients are styles^2 [I] @ (sum_k w^2)^T [I, O] per image.
            if (config.Family == ModelConfig.StyleGan2 && generator && Regex.IsMatch(name, @"\.conv[01]\.weight$"))
                layers.Add(new Layer(name.Replace("weight", "demod"), new[] { shape[0], shape[1] }, 1, shape[0] * shape[1]));
        }
        return layers;
    }

    static int Res(string name)
    {
        var m = Regex.Match(name, @"(?:^|\.)b(\d+)\.");
        if (!m.Success) throw Unknown(name);
        return int.Parse(m.Groups[1].Value);
    }

    static InvalidOperationException Unknown(string name) =>
        new($"ForwardFlops: no rule for weight '{name}'; update the counter for the changed architecture");

    // fc to 4x4 features, then per block b{r}: nearest x2 upsample and a 3x3 conv at r x r; torgb at R x R.
    static long CompactG(string name, ModelConfig c) => name switch
    {
        "fc.weight" or "embed.weight" => 1,
        "torgb.weight" => (long)c.Resolution * c.Resolution,
        _ when Regex.IsMatch(name, @"^b\d+\.conv\.weight$") => Sq(Res(name)),
        _ => throw Unknown(name),
    };

    // Block b{r}: (fromrgb 1x1) and 3x3 conv at r x r, then 2x2 pooling; head b4: conv at 4x4, fc, out; cmap.
    static long CompactD(string name) => name switch
    {
        "b4.fc.weight" or "b4.out.weight" or "cmap.weight" => 1,
        _ when Regex.IsMatch(name, @"^b\d+\.(fromrgb|conv)\.weight$") => Sq(Res(name)),
        _ => throw Unknown(name),
    };

    // Mapping and affine layers run once per image. conv1 is a 3x3 conv at r x r; conv0 upsamples with a
    // stride-2 transposed conv whose cost is per *input* pixel, (r/2)^2; torgb is a 1x1 conv at r x r.
    static long StyleGan2G(string name) => name switch
    {
        _ when name.StartsWith("mapping.") => 1,
        _ when name.EndsWith(".affine.weight") => 1,
        _ when Regex.IsMatch(name, @"\.b\d+\.(conv1|torgb)\.weight$") => Sq(Res(name)),
        _ when Regex.IsMatch(name, @"\.b\d+\.conv0\.weight$") => Sq(Res(name) / 2),
        _ => throw Unknown(name),
    };

    // Block b{r}: fromrgb and conv0 at r x r; conv1 (FIR filter, stride-2 conv) and skip (filter and
    // downsample, then 1x1) produce (r/2)^2; head b4: conv at 4x4, fc, out; cmap once per image.
    static long StyleGan2D(string name) => name switch
    {
        "b4.fc.weight" or "b4.out.weight" or "cmap.weight" => 1,
        "b4.conv.weight" => 16,
        _ when Regex.IsMatch(name, @"^b\d+\.(fromrgb|conv0)\.weight$") => Sq(Res(name)),
        _ when Regex.IsMatch(name, @"^b\d+\.(conv1|skip)\.weight$") => Sq(Res(name) / 2),
        _ => throw Unknown(name),
    };

    static long Sq(int r) => (long)r * r;
}
