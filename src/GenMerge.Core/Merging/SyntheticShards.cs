using GenMerge.Core.Checkpoints;
using GenMerge.Core.Models;
using static TorchSharp.torch;

namespace GenMerge.Core.Merging;

/// <summary>
/// Synthetic training data: samples of one source generator (z ~ N(0, I), psi = 1), labelled with
/// the class's index in the merge (a one-class source, c_dim 1, is sampled at its own class 0; a multi-class source
/// at the source class the merged class stands for). Images are stored as uint8 (like real data, 4x smaller than float32).
/// These shards are the only data every later merge step sees.
/// </summary>
public static class SyntheticShards
{
    /// <summary>Deterministic seed of shard k of class c, so a retried activity rewrites the same shard.</summary>
    public static long ShardSeed(long seed, int classId, int shard) => seed * 1_000_003 + classId * 10_007 + shard;

    /// <summary>Samples shard k of a source model and writes it (z, images, class) as safetensors.</summary>
    /// <param name="sourceClass">The source's own class to draw (conditional sources; default 0).</param>
    public static void Write(GanModel source, int classId, int shard, int count, long seed, Stream output, string? sourceHash = null,
                             int? sourceClass = null)
    {
        if (source.Config.CDim > 0 && sourceClass is { } sc && (sc < 0 || sc >= source.Config.CDim))
            throw new ArgumentException($"source class: {sc} is not a class of a model with c_dim {source.Config.CDim}");
        using var scope = NewDisposeScope();
        var s = ShardSeed(seed, classId, shard);
        using var gen = new TorchSharp.torch.Generator(unchecked((ulong)s), CPU);
        var z = randn(new long[] { count, source.Config.ZDim }, generator: gen);
        // A conditional source draws the class this shard stands for (class 0 of a one-class source); an unconditional one takes no c.
        using var drawn = source.Config.CDim == 0 ? null : full(new long[] { count }, sourceClass ?? 0, dtype: int64);
        var images = Sampling.Generate(source.GEma, z, drawn);
        var bytes = images.add(1).mul(127.5).round().clamp(0, 255).to(uint8);
        var labels = full(new long[] { count }, classId, dtype: int64);
        var meta = new Dictionary<string, string>
        {
            ["format"] = "genmerge-shard/1", ["class"] = classId.ToString(), ["shard"] = shard.ToString(),
            ["seed"] = s.ToString(), ["source_sha256"] = sourceHash ?? "",
        };
        SafeTensors.Write(output, new Dictionary<string, Tensor> { ["z"] = z, ["images"] = bytes, ["class"] = labels }, meta);
    }

    /// <summary>Reads a shard as stored: images uint8 [N, C, R, R] and the latents that made them, z [N, z_dim].</summary>
    public static (Tensor Images, Tensor Z) ReadPairs(Stream input, string name = "shard")
    {
        using var file = SafeTensors.Read(input, name);
        if (!file.Tensors.TryGetValue("images", out var img) || img.dtype != ScalarType.Byte)
            throw new InvalidDataException($"{name}: not a synthetic shard (no uint8 'images' tensor)");
        if (!file.Tensors.TryGetValue("z", out var z) || z.dim() != 2 || z.shape[0] != img.shape[0])
            throw new InvalidDataException($"{name}: not a synthetic shard (no 'z' tensor [{img.shape[0]}, z_dim] beside its images)");
        return (img.clone(), z.clone());
    }
}
