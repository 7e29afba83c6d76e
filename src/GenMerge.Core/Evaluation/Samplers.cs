using GenMerge.Core.Models;
using static TorchSharp.torch;

namespace GenMerge.Core.Evaluation;

/// <summary>
/// Chunked samplers for the metrics <c>Evaluator</c>: each call returns the next chunk, and the
/// whole sequence is deterministic given the seed.
/// </summary>
public static class Samplers
{
    public static Func<int, Tensor> Of(GenMerge.Core.Models.Generator g, long seed, int? classId = null)
    {
        long chunk = 0;
        return count => Sampling.Sample(g, count, seed * 7_919 + chunk++, classId);
    }

    public static Func<int, Tensor> Of(ReferenceSpec reference, long seed)
    {
        long chunk = 0;
        return count => reference.Draw(count, seed * 7_919 + chunk++);
    }

    /// <summary>Held-out samples of a source: a seed stream disjoint from the training shards'.</summary>
    public static long HeldOutSeed(long seed, int classId) => -(seed * 1_000_003 + classId + 1);
}
