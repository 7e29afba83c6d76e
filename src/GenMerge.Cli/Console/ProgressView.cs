using System.Diagnostics;
using Spectre.Console;

namespace GenMerge.Cli.Console;

/// <summary>
/// Progress for long stages: a live Spectre bar on a terminal, plain lines (at most every few
/// seconds, plus the last) when output is redirected, so logs stay readable.
/// </summary>
public sealed class ProgressView
{
    static readonly TimeSpan PlainEvery = TimeSpan.FromSeconds(5);

    public static bool Interactive => !System.Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>Runs <paramref name="work"/> with a reporter (done, total, detail) for one named stage.</summary>
    public static T Run<T>(string stage, long total, Func<Action<long, string>, T> work)
    {
        if (Interactive)
        {
            T result = default!;
            AnsiConsole.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(),
                         new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask(Markup.Escape(stage), maxValue: Math.Max(total, 1));
                    result = work((done, detail) =>
                    {
                        task.Value = done;
                        task.Description = Markup.Escape($"{stage} {detail}");
                    });
                    task.Value = task.MaxValue;
                });
            return result;
        }
        var clock = Stopwatch.StartNew();
        TimeSpan? last = null;
        var r = work((done, detail) =>
        {
            if (done < total && last is { } l && clock.Elapsed - l < PlainEvery) return;
            last = clock.Elapsed;
            System.Console.WriteLine($"[{stage}] {done}/{total} {detail}");
        });
        return r;
    }

    public static void Run(string stage, long total, Action<Action<long, string>> work) =>
        Run<int>(stage, total, report => { work(report); return 0; });
}
