namespace GenMerge.Pipeline.Runs;

/// <summary>Run ids, the same for every way a merge starts (CLI, HTTP, blob upload).</summary>
public static class RunIds
{
    /// <summary>A fresh run id: sortable by time, unique enough for one user's store.</summary>
    public static string New() => $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..6]}";
}
