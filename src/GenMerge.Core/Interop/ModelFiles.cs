using GenMerge.Core.Checkpoints;
using GenMerge.Core.Models;
using static TorchSharp.torch;

namespace GenMerge.Core.Interop;

/// <summary>Opens any model file a command accepts: a GenMerge .safetensors checkpoint, or a foreign .pkl/.pt/.pth imported on the fly.</summary>
public static class ModelFiles
{
    public static bool IsForeign(string path) =>
        Path.GetExtension(path).ToLowerInvariant() is ".pkl" or ".pt" or ".pth" or ".ckpt";

    /// <summary>The architecture only (a foreign file is parsed, no model is built).</summary>
    public static ModelConfig ReadConfig(string path) => IsForeign(path) ? StyleGan2Import.Read(path).Config : Checkpoint.ReadInfo(path).Config;

    public static GanModel Open(string path, TorchSharp.torch.Device? device = null)
    {
        if (!IsForeign(path)) return Checkpoint.Load(path, device);
        var model = StyleGan2Import.Load(path);
        return device is null ? model : model.To(device);
    }
}
