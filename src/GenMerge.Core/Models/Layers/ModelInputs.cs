using static TorchSharp.torch;

namespace GenMerge.Core.Models.Layers;

/// <summary>Shape checks for the (z, c) and (img, c) inputs of every family, with messages naming the argument.</summary>
internal static class ModelInputs
{
    public static void CheckLatent(Tensor z, ModelConfig config)
    {
        if (z.ndim != 2 || z.shape[1] != config.ZDim)
            throw new ArgumentException($"z: expected shape [B, {config.ZDim}] (z_dim), found {Shape(z)}", nameof(z));
    }

    public static void CheckImage(Tensor img, ModelConfig config)
    {
        if (img.ndim != 4 || img.shape[1] != config.ImgChannels || img.shape[2] != config.Resolution || img.shape[3] != config.Resolution)
            throw new ArgumentException(
                $"img: expected shape [B, {config.ImgChannels}, {config.Resolution}, {config.Resolution}], found {Shape(img)}", nameof(img));
    }

    /// <summary>
    /// Returns the class vectors to use: null for an unconditional model (which also accepts an empty [B, 0] c),
    /// c itself, as float32, for a conditional one, where it must be [B, c_dim] with B matching the batch.
    /// </summary>
    public static Tensor? CheckClasses(Tensor? c, long batch, ModelConfig config)
    {
        if (config.CDim == 0)
        {
            if (c is null || (c.ndim == 2 && c.shape[0] == batch && c.shape[1] == 0)) return null;
            throw new ArgumentException($"c: the model is unconditional (c_dim 0), so c must be null; found {Shape(c)}", nameof(c));
        }
        if (c is null)
            throw new ArgumentException($"c: the model is conditional, expected shape [{batch}, {config.CDim}] (c_dim), found null", nameof(c));
        if (c.ndim != 2 || c.shape[0] != batch || c.shape[1] != config.CDim)
            throw new ArgumentException($"c: expected shape [{batch}, {config.CDim}] (c_dim), found {Shape(c)}", nameof(c));
        return c.dtype == ScalarType.Float32 ? c : c.to_type(ScalarType.Float32);
    }

    public static string Shape(Tensor t) => "[" + string.Join(", ", t.shape) + "]";
}
