using System.Text.RegularExpressions;
using TorchSharp;
using DeviceType = TorchSharp.DeviceType;

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

    /// <summary>
    /// One line naming what this process computes on: the device, and on CPU its threads and whether oneDNN is on
    /// (<see cref="OneDnnCheck"/>, which runs here if it has not yet): with oneDNN off, training runs at about half
    /// the speed, and a user should be told why.
    /// </summary>
    public static string Describe() =>
        Default.type == DeviceType.CUDA ? $"{Default}" : $"cpu, {torch.get_num_threads()} threads, {OneDnnCheck.Ensure()}";

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
