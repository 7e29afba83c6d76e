using TorchSharp;

namespace GenMerge.Core;

/// <summary>Picks the compute device: CUDA when available, else CPU; GENMERGE_DEVICE overrides.</summary>
public static class Device
{
    public static torch.Device Default { get; } = Resolve(Environment.GetEnvironmentVariable("GENMERGE_DEVICE"));

    public static torch.Device Resolve(string? setting)
    {
        if (!string.IsNullOrWhiteSpace(setting) && setting != "auto") return new torch.Device(setting);
        return torch.cuda.is_available() ? torch.CUDA : torch.CPU;
    }
}
