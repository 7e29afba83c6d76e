using System.Text.RegularExpressions;
using GenMerge.Core.Checkpoints;
using GenMerge.Core.Models;

namespace GenMerge.Core.Interop;

/// <summary>
/// rosinality/stylegan2-pytorch checkpoints (train.py's <c>{"g", "d", "g_ema", "g_optim", "d_optim", "args"}</c>):
/// its networks are the same StyleGAN2 (config E: skip G, resnet D) under other names and shapes, mapped here onto
/// stylegan2-ada-pytorch's names. The optimiser states and args are not model weights (named in provenance). Its FIR
/// kernels are checked to be [1,3,3,1] and then left to the model's own buffers; w_avg, which the file lacks, is
/// estimated from the mapping network.
/// </summary>
internal static partial class RosinalityImport
{
    public sealed record Mapped(ModelConfig Config, Dictionary<string, PickledTensor> G, Dictionary<string, PickledTensor>? GEma);

    public static StyleGan2Import.Contents Read(PyDict top, string source)
    {
        var gEma = StateDict(top, "g_ema", source) ?? throw new CheckpointException(source, "no 'g_ema' state dict");
        var (config, ema) = Map(gEma, "g_ema", source);
        var sds = new Dictionary<string, IReadOnlyDictionary<string, PickledTensor>> { ["G_ema"] = ema };
        if (StateDict(top, "g", source) is { } g)
        {
            var (gConfig, mapped) = Map(g, "g", source);
            if (gConfig != config) throw new CheckpointException(source, "'g' and 'g_ema' have different architectures");
            sds["G"] = mapped;
        }
        if (StateDict(top, "d", source) is { } d) sds["D"] = MapD(d, config, source);
        var ignored = top.Keys.Select(k => k.ToString()!).Where(k => k is not ("g" or "g_ema" or "d")).ToList();
        return new StyleGan2Import.Contents(config, sds, "rosinality stylegan2-pytorch checkpoint", ignored)
        {
            // FIR filters (checked to be [1,3,3,1]) and w_avg (estimated) stay as the model builds them
            ModelDefaults = name => name.EndsWith("resample_filter", StringComparison.Ordinal) || name == "mapping.w_avg",
            EstimateWAvg = true,
        };
    }

    private static PyDict? StateDict(PyDict top, string key, string source) => top.Get(key) switch
    {
        null => null,
        PyDict d => d,
        var v => throw new CheckpointException(source, $"'{key}' is a {PickleReader.Describe(v)}, not a state dict"),
    };

    private static (ModelConfig, Dictionary<string, PickledTensor>) Map(PyDict sd, string net, string source)
    {
        var t = new Dictionary<string, PickledTensor>(StringComparer.Ordinal);
        foreach (var (k, v) in sd)
            t[(string)k] = v as PickledTensor ?? throw new CheckpointException(source, $"{net}['{k}'] is a {PickleReader.Describe(v)}, not a tensor");
        var used = new HashSet<string>(StringComparer.Ordinal);
        var result = new Dictionary<string, PickledTensor>(StringComparer.Ordinal);
        PickledTensor Take(string name)
        {
            if (!t.TryGetValue(name, out var x)) throw new CheckpointException(source, $"{net} lacks tensor '{name}' (not a rosinality stylegan2 generator?)");
            used.Add(name);
            return x;
        }
        PickledTensor Reshape(PickledTensor x, params long[] shape) => Views.Reshape(x, shape, source);

        int nMlp = t.Keys.Count(k => MlpRe().IsMatch(k));
        int nRgbs = t.Keys.Count(k => RgbRe().IsMatch(k));
        if (nMlp == 0 || !t.ContainsKey("input.input"))
            throw new CheckpointException(source, $"{net} is not a rosinality stylegan2 generator (no style.N / input.input)");
        for (int i = 0; i < nMlp; i++)
        {
            result[$"mapping.fc{i}.weight"] = Take($"style.{i + 1}.weight");
            result[$"mapping.fc{i}.bias"] = Take($"style.{i + 1}.bias");
        }
        int styleDim = (int)result["mapping.fc0.weight"].Shape[1];
        int resolution = 4 << nRgbs;
        var channels = new Dictionary<int, int>();
        var input = Take("input.input");
        channels[4] = (int)input.Shape[1];
        result["synthesis.b4.const"] = Reshape(input, input.Shape[1..]);
        void Layer(string from, string to, int noise, bool flip)
        {
            var w = Take($"{from}.conv.weight");
            var weight = Reshape(w, w.Shape[1..]);
            result[$"{to}.weight"] = flip ? Views.Flip(weight, source) : weight;
            result[$"{to}.affine.weight"] = Take($"{from}.conv.modulation.weight");
            result[$"{to}.affine.bias"] = Take($"{from}.conv.modulation.bias");
            result[$"{to}.noise_strength"] = Reshape(Take($"{from}.noise.weight"));
            result[$"{to}.bias"] = Take($"{from}.activate.bias");
            var n = Take($"noises.noise_{noise}");
            result[$"{to}.noise_const"] = Reshape(n, n.Shape[2..]);
            if (t.ContainsKey($"{from}.conv.blur.kernel")) Views.CheckFir(Take($"{from}.conv.blur.kernel"), 4, source);
        }
        void Rgb(string from, string to)
        {
            var w = Take($"{from}.conv.weight");
            result[$"{to}.weight"] = Reshape(w, w.Shape[1..]);
            result[$"{to}.affine.weight"] = Take($"{from}.conv.modulation.weight");
            result[$"{to}.affine.bias"] = Take($"{from}.conv.modulation.bias");
            var b = Take($"{from}.bias");
            result[$"{to}.bias"] = Reshape(b, b.Shape[1]);
            if (t.ContainsKey($"{from}.upsample.kernel")) Views.CheckFir(Take($"{from}.upsample.kernel"), 4, source);
        }
        Layer("conv1", "synthesis.b4.conv1", 0, flip: false);
        Rgb("to_rgb1", "synthesis.b4.torgb");
        for (int k = 0; k < nRgbs; k++)
        {
            int res = 8 << k;
            Layer($"convs.{2 * k}", $"synthesis.b{res}.conv0", 2 * k + 1, flip: FlipUpsampleWeights);
            Layer($"convs.{2 * k + 1}", $"synthesis.b{res}.conv1", 2 * k + 2, flip: false);
            Rgb($"to_rgbs.{k}", $"synthesis.b{res}.torgb");
            channels[res] = (int)result[$"synthesis.b{res}.conv1.weight"].Shape[0];
        }
        var unused = t.Keys.Where(k => !used.Contains(k)).Order(StringComparer.Ordinal).ToList();
        if (unused.Count > 0)
            throw new CheckpointException(source, $"{net} tensor '{unused[0]}'" + (unused.Count > 1 ? $" (and {unused.Count - 1} more)" : "") +
                                                  " has no place in a stylegan2 generator; refusing to drop it");
        int channelMax = channels.Values.Max(), channelBase = channels[resolution] * resolution;
        foreach (var (res, c) in channels)
            if (Math.Min(channelBase / res, channelMax) != c)
                throw new CheckpointException(source, $"{net} channel widths ({string.Join(", ", channels.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}: {kv.Value}"))}) " +
                                                      "are not min(channel_base / res, channel_max) for any channel_base, channel_max");
        var config = new ModelConfig
        {
            Family = ModelConfig.StyleGan2, Resolution = resolution, ImgChannels = 3, ZDim = styleDim, WDim = styleDim, CDim = 0,
            EmbedDim = styleDim, ChannelBase = channelBase, ChannelMax = channelMax, MappingLayers = nMlp,
        };
        try { config.Validate(); }
        catch (ArgumentException e) { throw new CheckpointException(source, $"architecture not supported: {e.Message}"); }
        return (config, result);
    }

    /// <summary>
    /// rosinality's Discriminator (ConvLayer fromrgb, ResBlocks, mbstd 4/1, final_conv, final_linear) is the
    /// reference's 'resnet' D: same maths (its ResBlock's (conv2 + skip) / sqrt(2) is the reference's gain sqrt(0.5)).
    /// </summary>
    private static Dictionary<string, PickledTensor> MapD(PyDict sd, ModelConfig config, string source)
    {
        var t = new Dictionary<string, PickledTensor>(StringComparer.Ordinal);
        foreach (var (k, v) in sd)
            t[(string)k] = v as PickledTensor ?? throw new CheckpointException(source, $"d['{k}'] is a {PickleReader.Describe(v)}, not a tensor");
        var used = new HashSet<string>(StringComparer.Ordinal);
        var r = new Dictionary<string, PickledTensor>(StringComparer.Ordinal);
        void Map(string from, string to)
        {
            if (!t.TryGetValue(from, out var x)) throw new CheckpointException(source, $"d lacks tensor '{from}' (not a rosinality stylegan2 discriminator?)");
            used.Add(from);
            r[to] = x;
        }
        void Kernel(string from)
        {
            if (!t.TryGetValue(from, out var k)) return;
            used.Add(from);
            Views.CheckFir(k, 4, source);
        }
        int top = config.Resolution;
        Map("convs.0.0.weight", $"b{top}.fromrgb.weight");
        Map("convs.0.1.bias", $"b{top}.fromrgb.bias");
        int i = 1;
        for (int res = top; res > 4; res /= 2, i++)
        {
            Map($"convs.{i}.conv1.0.weight", $"b{res}.conv0.weight");
            Map($"convs.{i}.conv1.1.bias", $"b{res}.conv0.bias");
            Kernel($"convs.{i}.conv2.0.kernel");
            Map($"convs.{i}.conv2.1.weight", $"b{res}.conv1.weight");
            Map($"convs.{i}.conv2.2.bias", $"b{res}.conv1.bias");
            Kernel($"convs.{i}.skip.0.kernel");
            Map($"convs.{i}.skip.1.weight", $"b{res}.skip.weight");
        }
        Map("final_conv.0.weight", "b4.conv.weight");
        Map("final_conv.1.bias", "b4.conv.bias");
        Map("final_linear.0.weight", "b4.fc.weight");
        Map("final_linear.0.bias", "b4.fc.bias");
        Map("final_linear.1.weight", "b4.out.weight");
        Map("final_linear.1.bias", "b4.out.bias");
        var unused = t.Keys.Where(k => !used.Contains(k)).Order(StringComparer.Ordinal).ToList();
        if (unused.Count > 0)
            throw new CheckpointException(source, $"d tensor '{unused[0]}'" + (unused.Count > 1 ? $" (and {unused.Count - 1} more)" : "") +
                                                  " has no place in a stylegan2 resnet discriminator; refusing to drop it");
        return r;
    }

    /// <summary>
    /// rosinality's upsampling conv runs conv_transpose2d on its weight as stored, the reference's transposed conv
    /// on the same weight: no flip. Kept as one switch because this is the one place the two ports could differ.
    /// </summary>
    private const bool FlipUpsampleWeights = false;

    [GeneratedRegex(@"^style\.\d+\.weight$")] private static partial Regex MlpRe();
    [GeneratedRegex(@"^to_rgbs\.\d+\.conv\.weight$")] private static partial Regex RgbRe();
}
