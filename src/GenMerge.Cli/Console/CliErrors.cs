using System.CommandLine;
using GenMerge.Core.Checkpoints;
using GenMerge.Core.Training;

namespace GenMerge.Cli.Console;

/// <summary>
/// Turns user errors into one line on stderr and exit code 2; anything else is a bug (code 1, with the trace). A diverged
/// training counts as the user's: its message names the step and the settings to lower.
/// </summary>
public static class CliErrors
{
    public static int Guard(Func<int> action)
    {
        try { return action(); }
        catch (Exception e) when (IsUserError(e))
        {
            System.Console.Error.WriteLine($"genmerge: error: {e.Message}");
            return 2;
        }
    }

    public static async Task<int> GuardAsync(Func<Task<int>> action)
    {
        try { return await action(); }
        catch (Exception e) when (IsUserError(e))
        {
            System.Console.Error.WriteLine($"genmerge: error: {e.Message}");
            return 2;
        }
    }

    /// <summary>Prints the first parse error (the rest usually follow from it) as one line; exit code 2.</summary>
    public static int Report(ParseResult parsed)
    {
        var command = parsed.CommandResult.Command;
        var where = command.Parents.Any() ? $"genmerge {command.Name} --help" : "genmerge --help";
        // Some parser messages list the allowed values on lines of their own: keep them on the one line.
        var message = string.Join(" ", parsed.Errors[0].Message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
        System.Console.Error.WriteLine($"genmerge: error: {message} (see {where})");
        return 2;
    }

    static bool IsUserError(Exception e) => e is ArgumentException or CheckpointException or FileNotFoundException
        or DirectoryNotFoundException or InvalidDataException or UnauthorizedAccessException or OperationCanceledException
        or UserError or TrainingDivergedException;
}

/// <summary>An error in what the user asked for (bad value, missing file), reported as one line.</summary>
public sealed class UserError(string message) : Exception(message);
