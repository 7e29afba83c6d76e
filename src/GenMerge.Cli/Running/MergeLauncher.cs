using System.Runtime.InteropServices;
using GenMerge.Core.Data;
using Microsoft.Extensions.Logging;
using GenMerge.Core.Checkpoints;
using GenMerge.Core.Evaluation;
using GenMerge.Core.Merging;
using GenMerge.Pipeline.Requests;
using GenMerge.Pipeline.Storage;
using GenMerge.Pipeline.Runs;
using GenMerge.SelfHosted;

namespace GenMerge.Cli.Running;

/// <summary>
/// What `merge`, `resume` and `demo` share: choose the store and Durable backend from --storage,
/// upload the input checkpoints, run the orchestration in-process, print progress, and copy the
/// results out of the store into the output folder.
/// </summary>
public sealed class MergeLauncher
{
    public MergeLauncher(string? storage, string workDir, string? taskHub = null)
    {
        StorageSetting = storage;
        Store = ArtifactStores.FromSetting(string.IsNullOrWhiteSpace(storage) ? null : storage, Path.Combine(workDir, "store"));
        // A connection string also hosts a persistent task hub (resumable after a crash); a local
        // folder or an https account URI runs the in-memory host (resume re-runs idempotent activities).
        Runner = new LocalMergeRunner(Store, storage is not null && ArtifactStores.IsConnectionString(storage) ? storage : null, Loggers(), taskHub);
    }

    public IArtifactStore Store { get; }
    public string? StorageSetting { get; }

    /// <summary>GENMERGE_LOG=Information (or Debug, Warning...) shows the Durable host's and activities' logs on stderr.</summary>
    public static Microsoft.Extensions.Logging.ILoggerFactory? Loggers() =>
        Enum.TryParse<Microsoft.Extensions.Logging.LogLevel>(Environment.GetEnvironmentVariable("GENMERGE_LOG"), true, out var level)
            ? Microsoft.Extensions.Logging.LoggerFactory.Create(b => b.AddConsole(o => o.LogToStandardErrorThreshold = Microsoft.Extensions.Logging.LogLevel.Trace).SetMinimumLevel(level))
            : null;
    public LocalMergeRunner Runner { get; }

    public static string DefaultWorkDir =>
        Environment.GetEnvironmentVariable("GENMERGE_HOME") is { Length: > 0 } h ? h
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".genmerge");

    /// <summary>Uploads local checkpoints into the run and builds the request (validated before any compute).</summary>
    public async Task<MergeRequest> PrepareAsync(string runId, IReadOnlyList<string> modelFiles, IReadOnlyList<string>? names,
                                                 MergeSettings settings)
    {
        if (names is { Count: > 0 } && names.Count != modelFiles.Count)
            throw new ArgumentException($"--name: {names.Count} names for {modelFiles.Count} models");
        var run = new RunArtifacts(Store, runId);
        var models = new List<ModelRef>();
        var uploads = new List<string>();
        var classes = new List<(int CDim, IReadOnlyList<string> Names)>();
        try
        {
            for (int i = 0; i < modelFiles.Count; i++)
            {
                var file = modelFiles[i];
                if (!File.Exists(file)) throw new FileNotFoundException($"--model: '{file}' not found");
                var local = ImportIfForeign(file);
                uploads.Add(local);
                // A full load (every tensor finite and in range, names and shapes right) before the run exists: a bad
                // source gets a one-line error and exit 2 here, not a failed run left behind in the store.
                string? data;
                using (var loaded = Checkpoint.Load(local)) { data = loaded.Provenance.Data; classes.Add((loaded.Config.CDim, loaded.ClassNames)); }
                var name = names is { Count: > 0 } ? names[i] : ProceduralDomain.DomainOf(data) ?? EmojiDomains.NameOf(data) ?? Path.GetFileNameWithoutExtension(file);
                models.Add(new ModelRef { Name = name, Uri = run.At($"inputs/{Safe(name)}.safetensors"), Reference = ReferenceFor(data) });
            }
            var request = new MergeRequest { Models = models, Settings = settings }.Validate();
            // The merged classes' names (a multi-class source brings its own) must be unique, and distill_classes must name
            // some of them: user errors, before the run exists.
            var merged = GenMerge.Core.Merging.MergeClasses.Of(models.Select(m => m.Name!).ToList(), classes.Select(c => c.CDim).ToList(),
                                                               classes.Select(c => (IReadOnlyList<string>?)c.Names).ToList());
            settings.DistillWeights(merged.Select(c => c.Name).ToList());
            for (int i = 0; i < modelFiles.Count; i++) await run.UploadFileAsync(models[i].Uri!, uploads[i]);
            return request;
        }
        finally
        {
            foreach (var (u, f) in uploads.Zip(modelFiles)) if (u != f) File.Delete(u);
        }
    }

    /// <summary>A .pkl/.pt source is imported into a temporary GenMerge checkpoint (the import is in its provenance).</summary>
    static string ImportIfForeign(string file)
    {
        if (!GenMerge.Core.Interop.ModelFiles.IsForeign(file)) return file;
        var temp = Path.Combine(Path.GetTempPath(), $"genmerge-import-{Guid.NewGuid():N}.safetensors");
        using var m = GenMerge.Core.Interop.StyleGan2Import.Load(file);
        Checkpoint.Save(m, temp);
        return temp;
    }

    /// <summary>Runs (or continues) a merge, printing a line whenever its progress changes.</summary>
    public async Task<RunStatus> RunAsync(string runId, MergeRequest? request, CancellationToken ct = default)
    {
        var last = "";
        void Print(RunStatus s)
        {
            var line = s.Describe();
            if (line == last) return;
            last = line;
            System.Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] {line}");
        }
        // Ctrl+C / SIGTERM end the process at once, as the signal asks (Cancel stays false): waiting for the running
        // activity could take minutes, and ending mid-step loses only the unfinished segment. Say how to go on.
        void Interrupted(PosixSignalContext _) => System.Console.Error.WriteLine(
            $"genmerge: interrupted; finished segments are kept. Continue with: genmerge resume {runId} (same --storage / --work)");
        using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupted);
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupted);
        System.Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] computing on {GenMerge.Core.Device.Describe()}");
        return request is null ? await Runner.ResumeAsync(runId, Print, ct) : await Runner.RunAsync(runId, request, Print, ct);
    }

    /// <summary>Starts (or continues) the run on the task hub for workers to run, and says how to follow it.</summary>
    public async Task<RunStatus> SubmitAsync(string runId, MergeRequest? request, CancellationToken ct = default)
    {
        var status = await Runner.SubmitAsync(runId, request, ct);
        System.Console.WriteLine($"submitted: {status.Describe()}");
        System.Console.WriteLine($"task hub {Runner.TaskHubName}: `genmerge worker --storage CONN` processes on it run the work");
        System.Console.WriteLine($"watch it: genmerge status {runId} {HubArguments()}");
        System.Console.WriteLine($"results, once Completed: genmerge resume {runId} {HubArguments()} --submit --out DIR");
        return status;
    }

    /// <summary>The --storage / --taskhub arguments that reach this run again; a real account's key is not echoed.</summary>
    string HubArguments()
    {
        var storage = StorageSetting is { } s && s.Contains("UseDevelopmentStorage", StringComparison.OrdinalIgnoreCase) ? $"--storage \"{s}\"" : "--storage CONN";
        return Runner.TaskHubName != GenMerge.Pipeline.PipelineInfo.TaskHubName ? $"{storage} --taskhub {Runner.TaskHubName}" : storage;
    }

    /// <summary>Copies merged.safetensors, the reports and the grids of a finished run to a folder.</summary>
    public async Task<IReadOnlyList<string>> ExportAsync(string runId, string outDir)
    {
        var run = new RunArtifacts(Store, runId);
        Directory.CreateDirectory(outDir);
        var written = new List<string>();
        var wanted = new[] { run.Merged, run.ReportJson, run.ReportMarkdown, run.Manifest }
            .Concat(await Store.ListAsync($"{run.Root}/grids/"));
        foreach (var name in wanted)
        {
            if (!await Store.ExistsAsync(name)) continue;
            var target = Path.Combine(outDir, name[(run.Root.Length + 1)..].Replace('/', Path.DirectorySeparatorChar));
            await Store.DownloadToFileAsync(name, target);
            written.Add(target);
        }
        return written;
    }

    /// <summary>
    /// What a source is evaluated against: its built-in domain (the procedural generator, used for evaluation only),
    /// the image folder it was trained on when still there, or its emoji domain's folder when the emoji cache holds
    /// it; else null (held-out samples of the source itself).
    /// </summary>
    public static string? ReferenceFor(string? data)
    {
        if (ProceduralDomain.DomainOf(data) is not null) return data;
        if (EmojiDomains.NameOf(data) is { } emoji && EmojiDomains.Names.Contains(emoji))
            return EmojiDomains.TryFolder(emoji, EmojiDomains.DefaultRoot(DefaultWorkDir));
        return data is not null && Directory.Exists(data) ? data : null;
    }

    static string Safe(string name) => new(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '-').ToArray());
}
