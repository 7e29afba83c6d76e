using GenMerge.Core.Checkpoints;
using GenMerge.Core.Data;
using static TorchSharp.torch;

namespace GenMerge.Core.Evaluation;

/// <summary>
/// An evaluation reference: `domain:NAME` (a built-in procedural domain, used for evaluation only),
/// `model:FILE[#class]` (samples of a checkpoint's G_ema) or a folder of images.
/// </summary>
public sealed class ReferenceSpec
{
    ReferenceSpec(string spec, Func<int, long, Tensor> draw) { Spec = spec; this.draw = draw; }

    readonly Func<int, long, Tensor> draw;

    public string Spec { get; }

    /// <summary>n reference images [n, C, R, R] in [-1, 1], deterministic by seed.</summary>
    public Tensor Draw(int n, long seed) => draw(n, seed);

    public static ReferenceSpec Parse(string spec, int resolution)
    {
        if (string.IsNullOrWhiteSpace(spec)) throw new ArgumentException("reference: empty (expected domain:NAME, model:FILE or a folder)");
        if (spec.StartsWith("domain:", StringComparison.Ordinal))
        {
            var name = spec["domain:".Length..];
            ProceduralDomain.Create(name, resolution, 0); // validates the name now, before any compute
            return new ReferenceSpec(spec, (n, seed) => ProceduralDomain.Create(name, resolution, seed).NextBatch(n));
        }
        if (spec.StartsWith("model:", StringComparison.Ordinal))
        {
            var rest = spec["model:".Length..];
            int? cls = null;
            var hash = rest.LastIndexOf('#');
            if (hash > 0 && int.TryParse(rest[(hash + 1)..], out var k)) { cls = k; rest = rest[..hash]; }
            if (!File.Exists(rest)) throw new FileNotFoundException($"reference: model file '{rest}' not found");
            var config = GenMerge.Core.Interop.ModelFiles.ReadConfig(rest);
            if (config.Resolution != resolution)
                throw new ArgumentException($"reference: '{rest}' is {config.Resolution}px, the evaluated model is {resolution}px");
            return new ReferenceSpec(spec, (n, seed) =>
            {
                using var m = GenMerge.Core.Interop.ModelFiles.Open(rest, Device.Default);
                return Sampling.Sample(m.GEma, n, seed, cls);
            });
        }
        if (Directory.Exists(spec))
            return new ReferenceSpec(spec, (n, seed) =>
            {
                var folder = new ImageFolderSource(spec, resolution, seed);
                return folder.NextBatch(n);
            });
        throw new ArgumentException($"reference: '{spec}' is neither domain:NAME, model:FILE nor an existing folder");
    }
}
