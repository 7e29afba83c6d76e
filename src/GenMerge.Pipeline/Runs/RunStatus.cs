using System.Text.Json.Serialization;
using GenMerge.Pipeline.Orchestration;

namespace GenMerge.Pipeline.Runs;

/// <summary>status.json in a run folder: what `genmerge status` shows for runs of the embedded host.</summary>
public sealed record RunStatus
{
    [JsonPropertyName("run_id")] public required string RunId { get; init; }
    /// <summary>Running, Completed, Failed or Terminated.</summary>
    [JsonPropertyName("state")] public required string State { get; init; }
    [JsonPropertyName("progress")] public MergeProgress? Progress { get; init; }
    [JsonPropertyName("failure")] public string? Failure { get; init; }
    [JsonPropertyName("updated_utc")] public DateTimeOffset UpdatedUtc { get; init; }

    /// <summary>The status of a run as the task hub knows it (the innermost failure's message as the reason).</summary>
    public static RunStatus From(MergeRunState state) => new()
    {
        RunId = state.RunId, State = state.State, Progress = state.Progress,
        Failure = state.Failure?.ErrorMessage, UpdatedUtc = state.LastUpdatedAt,
    };

    public string Describe()
    {
        var line = $"{RunId}: {State}";
        if (Progress is { } p)
        {
            line += $"  stage {p.Stage}";
            foreach (var (job, j) in p.Jobs) line += $"  [{job} {j.Step}/{j.Total} loss_G {j.LossG:F3} loss_D {j.LossD:F3}{(j.AugmentP is double ap ? $" p {ap:F3}" : "")}]";
            if (p.EtaSeconds is { } eta && State == "Running") line += $"  ETA {TimeSpan.FromSeconds(eta):hh\\:mm\\:ss}";
        }
        if (Failure is not null) line += $"\n  reason: {Failure}";
        return line;
    }
}
