using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;

namespace GenMerge.Cli.Tests;

/// <summary>`genmerge serve` as a process: it says where it listens, answers HTTP, and SIGTERM stops it cleanly.</summary>
public sealed class ServeCommandTests : IDisposable
{
    readonly CliRunner cli = new();

    public void Dispose() => cli.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // --storage: the default --work must not count as "both given"
    public async Task Serve_listens_where_it_says_answers_the_api_and_stops_on_sigterm(bool azurite)
    {
        cli.Env["GENMERGE_TASKHUB"] = "servecli" + Guid.NewGuid().ToString("N")[..10];
        string[] where = azurite ? ["--storage", "UseDevelopmentStorage=true", "--no-worker"] : ["--work", cli.PathOf("work")];
        using Process p = cli.Start(["serve", .. where, "--urls", "http://127.0.0.1:0", "--max-activities", "1"]);
        try
        {
            var stdout = new List<string>();
            string? listening = null;
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (listening is null && DateTime.UtcNow < deadline)
            {
                string? line = await p.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
                if (line is null) break;
                stdout.Add(line);
                if (Regex.Match(line, @"listening on (http://127\.0\.0\.1:\d+/)") is { Success: true } m) listening = m.Groups[1].Value;
            }
            Assert.True(listening is not null, "no 'listening on' line:\n" + string.Join("\n", stdout) + "\n" + (p.HasExited ? await p.StandardError.ReadToEndAsync() : ""));

            using var http = new HttpClient { BaseAddress = new Uri(listening!) };
            using var list = await http.GetAsync("/api/merges");
            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
            Assert.Equal("{\"merges\":[]}", await list.Content.ReadAsStringAsync());

            using (var kill = Process.Start("kill", ["-TERM", p.Id.ToString()])) kill.WaitForExit();
            Assert.True(p.WaitForExit(TimeSpan.FromSeconds(30)), "serve still running 30 s after SIGTERM");
            Assert.Contains("genmerge serve: stopping", await p.StandardOutput.ReadToEndAsync());
            Assert.Equal(0, p.ExitCode);
        }
        finally
        {
            if (!p.HasExited) { p.Kill(entireProcessTree: true); p.WaitForExit(); }
        }
    }

    [Theory]
    [InlineData(new[] { "--no-worker" }, "genmerge: error: --no-worker: needs --storage")]
    [InlineData(new[] { "--storage", "UseDevelopmentStorage=true", "--work", "w" }, "genmerge: error: --storage and --work: give one")]
    [InlineData(new[] { "--urls", "ftp://0.0.0.0:21" }, "genmerge: error: --urls: 'ftp://0.0.0.0:21' is not an http or https URL")]
    [InlineData(new[] { "--models", "no-such-folder" }, "genmerge: error: --models: folder 'no-such-folder' does not exist")]
    [InlineData(new[] { "--max-activities", "0" }, "genmerge: error: --max-activities must be positive")]
    public void Bad_serve_options_are_one_line_errors_with_exit_code_2(string[] args, string expected)
    {
        string[] urls = args.Contains("--urls") ? [] : ["--urls", "http://127.0.0.1:0"];
        var r = cli.Run(TimeSpan.FromMinutes(1), ["serve", .. urls, .. args]);
        Assert.True(r.ExitCode == 2, r.ToString());
        string line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith(expected, line);
    }
}
