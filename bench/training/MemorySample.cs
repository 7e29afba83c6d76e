using System.Diagnostics;

/// <summary>One reading of the process's memory: resident set, .NET private bytes, anonymous RSS (libtorch's
/// tensors live there), and the managed heap.</summary>
sealed record MemorySample(long Step, double WorkingSetMb, double PrivateMb, double RssAnonMb, double ManagedMb)
{
    static readonly Process Self = Process.GetCurrentProcess();

    public static MemorySample Take(long step)
    {
        Self.Refresh();
        return new MemorySample(step, Mb(Self.WorkingSet64), Mb(Self.PrivateMemorySize64), RssAnon(), Mb(GC.GetTotalMemory(false)));
    }

    static double Mb(long bytes) => bytes / (1024.0 * 1024.0);

    // /proc/self/status "RssAnon:  123456 kB" (Linux); NaN elsewhere.
    static double RssAnon()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith("RssAnon:"))
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
        }
        catch (IOException) { }
        return double.NaN;
    }
}
