using GenMerge.Core.Merging;

namespace GenMerge.Pipeline.Orchestration;

/// <summary>The merged model's classes from the validated sources: a pure function, so the orchestrator and every activity agree.</summary>
public static class SourceClasses
{
    public static IReadOnlyList<MergeClass> Of(IReadOnlyList<SourceInfo> sources) =>
        MergeClasses.Of(sources.Select(s => s.Name).ToList(), sources.Select(s => s.Config.CDim).ToList(),
                        sources.Select(s => s.ClassNames).ToList());

    /// <summary>Whether the merge takes the class-extended path (<see cref="MergeClasses.Extended"/>).</summary>
    public static bool Extended(IReadOnlyList<SourceInfo> sources) => MergeClasses.Extended(sources.Select(s => s.Config.CDim).ToList());
}
