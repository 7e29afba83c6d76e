using System.Globalization;

/// <summary>What the numbers were measured on: cores, CPU model, memory, load.</summary>
static class MachineInfo
{
    public static string CpuModel() => FirstValue("/proc/cpuinfo", "model name") ?? "unknown";

    public static string MemTotal()
    {
        var kb = FirstValue("/proc/meminfo", "MemTotal");
        return kb is null ? "unknown" : $"{long.Parse(kb.Split(' ')[0]) / 1024.0 / 1024.0:F1} GiB";
    }

    /// <summary>The 1, 5 and 15 minute load averages, as /proc/loadavg gives them.</summary>
    public static string LoadAverage()
    {
        try { return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "unknown"; }
    }

    public static double Load1() =>
        double.TryParse(LoadAverage().Split(' ')[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN;

    static string? FirstValue(string file, string key)
    {
        try
        {
            foreach (var line in File.ReadLines(file))
            {
                int colon = line.IndexOf(':');
                if (colon > 0 && line[..colon].Trim() == key) return line[(colon + 1)..].Trim();
            }
        }
        catch (IOException) { }
        return null;
    }
}
