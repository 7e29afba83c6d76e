namespace GenMerge.Pipeline.Workers;

/// <summary>
/// The process that runs activities, as runs record it (report.json's <c>workers</c>). <see cref="OnActivity"/> sees
/// every activity start and end on this worker (the `genmerge worker` console lines).
/// </summary>
public sealed record WorkerIdentity(string Id)
{
    public Action<WorkerActivityEvent>? OnActivity { get; init; }

    /// <summary>hostname-pid: distinct for every process on every machine.</summary>
    public static string DefaultId() => $"{Environment.MachineName}-{Environment.ProcessId}";
}

/// <summary>An activity started (Finished null), finished (Error null) or failed on this worker.</summary>
public sealed record WorkerActivityEvent(string Activity, TaskLabel? Label, TimeSpan? Elapsed = null, Exception? Error = null)
{
    public bool Started => Elapsed is null;

    public string Describe()
    {
        var what = Label is null ? Activity : $"{Activity} {Label}";
        return Elapsed is not { } t ? $"started {what}"
            : Error is null ? $"finished {what} in {t.TotalSeconds:F1} s"
            : $"failed {what} after {t.TotalSeconds:F1} s: {Error.Message.Split('\n')[0]}";
    }
}
