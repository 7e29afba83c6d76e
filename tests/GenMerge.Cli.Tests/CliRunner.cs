using System.Diagnostics;

namespace GenMerge.Cli.Tests;

/// <summary>Runs the real `genmerge` executable (built beside the tests) in a temp folder.</summary>
public sealed class CliRunner : IDisposable
{
    public CliRunner()
    {
        Dir = Path.Combine(Path.GetTempPath(), "genmerge-cli-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Dir);
    }

    public string Dir { get; }
    public Dictionary<string, string> Env { get; } = new();

    public string PathOf(string relative) => Path.Combine(Dir, relative);

    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
    }

    public Process Start(params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "genmerge.dll");
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = Dir, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["GENMERGE_HOME"] = PathOf("home");
        foreach (var (k, v) in Env) psi.Environment[k] = v;
        return Process.Start(psi)!;
    }

    public Result Run(params string[] args) => Run(TimeSpan.FromMinutes(5), args);

    /// <summary>Runs a command that may take long on a loaded machine (CI shares 2 cores with other test processes).</summary>
    public Result Run(TimeSpan timeout, params string[] args)
    {
        using var p = Start(args);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout)) { p.Kill(true); throw new TimeoutException($"{string.Join(" ", args)}: no exit within {timeout}"); }
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    public void Dispose()
    {
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { }
    }
}
