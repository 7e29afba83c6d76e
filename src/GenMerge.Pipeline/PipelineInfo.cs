namespace GenMerge.Pipeline;

/// <summary>Names shared by the pipeline's hosts.</summary>
public static class PipelineInfo
{
    public const string TaskHubName = "GenMerge";
}
