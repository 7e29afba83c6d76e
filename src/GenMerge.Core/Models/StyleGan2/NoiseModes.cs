namespace GenMerge.Core.Models.StyleGan2;

/// <summary>Per-pixel noise of the synthesis layers: fresh each call, the stored noise_const buffers, or none.</summary>
public static class NoiseModes
{
    public const string Random = "random";
    public const string Const = "const";
    public const string None = "none";

    public static string Check(string mode) => mode is Random or Const or None
        ? mode
        : throw new ArgumentException($"noise_mode: '{mode}' (expected '{Random}', '{Const}' or '{None}')", nameof(mode));
}
