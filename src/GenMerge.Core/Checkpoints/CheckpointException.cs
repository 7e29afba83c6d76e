namespace GenMerge.Core.Checkpoints;

/// <summary>A checkpoint or safetensors file that cannot be used; the message names the file and the problem.</summary>
public class CheckpointException : Exception
{
    public CheckpointException(string file, string problem, Exception? inner = null)
        : base($"{file}: {problem}", inner)
    {
        File = file;
        Problem = problem;
    }

    /// <summary>The file path, or a stream's description.</summary>
    public string File { get; }
    public string Problem { get; }
}
