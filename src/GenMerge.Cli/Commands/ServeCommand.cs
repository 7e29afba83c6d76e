using System.CommandLine;
using GenMerge.Cli.Console;
using GenMerge.Cli.Running;
using GenMerge.Server;

namespace GenMerge.Cli.Commands;

/// <summary>`genmerge serve`: the merge HTTP API, inbox and dashboard without the Functions host (docs/serve.md).</summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var storage = new Option<string?>("--storage")
        {
            Description = "Blob connection string (e.g. \"UseDevelopmentStorage=true\"): artifacts, the merge-requests container and a persistent task hub. Default: folders under --work",
        };
        var work = new Option<string>("--work") { Description = "Working folder: store/, inbox/ (without --storage) and the API key", DefaultValueFactory = _ => MergeLauncher.DefaultWorkDir };
        var urls = new Option<string>("--urls") { Description = "Where to listen, ';'-separated; anything beyond loopback requires the API key", DefaultValueFactory = _ => ServeOptions.DefaultUrls };
        var noWorker = new Option<bool>("--no-worker") { Description = "Serve the API only; merges wait in the --storage task hub for a worker elsewhere" };
        var models = new Option<string?>("--models") { Description = "Folder of checkpoints requests can name as models/<file> (PUT /api/models/{name} uploads there)" };
        var maxActivities = new Option<int>("--max-activities") { Description = "Most pipeline activities run at once", DefaultValueFactory = _ => Math.Max(1, Environment.ProcessorCount) };
        maxActivities.Positive();
        var maxModelMib = new Option<int>("--max-model-mib") { Description = "Largest checkpoint an upload may be, in MiB", DefaultValueFactory = _ => (int)(ServeOptions.DefaultMaxModelBytes >> 20) };
        maxModelMib.Positive();

        var cmd = new Command("serve", "Serve the merge HTTP API (as the Functions app), the merge-requests inbox and a live dashboard at /")
        {
            storage, work, urls, noWorker, models, maxActivities, maxModelMib,
        };
        cmd.SetAction((p, ct) => CliErrors.GuardAsync(async () =>
        {
            if (p.GetResult(storage) is { Implicit: false } && p.GetResult(work) is { Implicit: false })
                throw new UserError("--storage and --work: give one; with --storage nothing but the API key goes to a local folder");
            var options = new ServeOptions
            {
                Storage = p.GetValue(storage),
                WorkDir = p.GetValue(work)!,
                Urls = p.GetValue(urls)!,
                NoWorker = p.GetValue(noWorker),
                ModelsDir = p.GetValue(models),
                MaxActivities = p.GetValue(maxActivities),
                MaxModelBytes = (long)p.GetValue(maxModelMib) << 20,
            };
            await using ServeHost host = await ServeHost.StartAsync(options, MergeLauncher.Loggers(), ct);
            foreach (Uri a in host.Addresses) System.Console.WriteLine($"genmerge serve: listening on {a} (dashboard at /, API at /api/merges)");
            System.Console.WriteLine($"genmerge serve: store {host.Store.Description}; inbox {host.Inbox.Store.Description}");
            if (host.ApiKeyCreated)
                System.Console.WriteLine($"genmerge serve: API key (shown once; kept in {options.KeyFile}): {host.ApiKey}");
            else if (host.ApiKey is not null)
                System.Console.WriteLine($"genmerge serve: API key required (x-functions-key or ?code=); it is in {options.KeyFile}");
            // Ctrl+C / SIGTERM end the wait, and the server stops cleanly (in-flight activities are abandoned; on
            // --storage a later serve or worker picks them up) before the process exits with 0.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            void OnSignal(System.Runtime.InteropServices.PosixSignalContext c) { c.Cancel = true; stop.Cancel(); }
            using var onInt = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, OnSignal);
            using var onTerm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, OnSignal);
            try { await Task.Delay(Timeout.Infinite, stop.Token); }
            catch (OperationCanceledException) { System.Console.WriteLine("genmerge serve: stopping"); }
            return 0;
        }));
        return cmd;
    }
}
