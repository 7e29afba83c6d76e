using System.Text.RegularExpressions;
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

    /// <summary>Why <paramref name="setting"/> (cpu, cuda, cuda:K) cannot be used on this machine; null when it can.</summary>
    public static string? Problem(string setting)
    {
        var m = Regex.Match(setting, @"^(cpu|cuda(?::(\d{1,3}))?)$");
        if (!m.Success) return $"'{setting}' is not a device: use cpu, cuda or cuda:K";
        if (setting == "cpu") return null;
        if (!torch.cuda.is_available()) return $"'{setting}': CUDA is not available here (a CPU build of libtorch, or no GPU)";
        int k = m.Groups[2].Success ? int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
        int n = torch.cuda.device_count();
        return k < n ? null : $"'{setting}': this machine has {n} CUDA device(s), cuda:0 to cuda:{n - 1}";
    }
}
