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
    public MergeLauncher(string? storage, string workDir)
    {
        Store = ArtifactStores.FromSetting(string.IsNullOrWhiteSpace(storage) ? null : storage, Path.Combine(workDir, "store"));
        // A connection string also hosts a persistent task hub (resumable after a crash); a local
        // folder or an https account URI runs the in-memory host (resume re-runs idempotent activities).
        Runner = new LocalMergeRunner(Store, storage is not null && ArtifactStores.IsConnectionString(storage) ? storage : null, Loggers());
    }

    public IArtifactStore Store { get; }

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
                using (var loaded = Checkpoint.Load(local)) data = loaded.Provenance.Data;
                var name = names is { Count: > 0 } ? names[i] : ProceduralDomain.DomainOf(data) ?? Path.GetFileNameWithoutExtension(file);
                models.Add(new ModelRef { Name = name, Uri = run.At($"inputs/{Safe(name)}.safetensors"), Reference = ReferenceFor(data) });
            }
            var request = new MergeRequest { Models = models, Settings = settings }.Validate();
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
        return request is null ? await Runner.ResumeAsync(runId, Print, ct) : await Runner.RunAsync(runId, request, Print, ct);
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
    /// The evaluation reference of a source: its built-in domain (the procedural generator, used
    /// for evaluation only) or the image folder it was trained on, when still there; else null
    /// (held-out samples of the source).
    /// </summary>
    static string? ReferenceFor(string? data)
    {
        if (ProceduralDomain.DomainOf(data) is not null) return data;
        return data is not null && Directory.Exists(data) ? data : null;
    }

    static string Safe(string name) => new(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '-').ToArray());
}
