namespace GenMerge.Pipeline.Storage;

/// <summary>
/// The deterministic artifact names of one merge run, all under <c>runs/{runId}/</c>, and writes that
/// keep the run manifest current. Concurrent activities each write their own small manifest entry
/// (<c>runs/{runId}/manifest/{sha256(name)}.json</c>), so no two writers ever update the same object;
/// <see cref="BuildManifestAsync"/> assembles them into <c>runs/{runId}/manifest.json</c>.
/// A retried activity rewrites both its artifact and its entry, and the last complete write wins.
/// </summary>
public sealed class RunArtifacts
{
    public RunArtifacts(IArtifactStore store, string runId)
    {
        Store = store ?? throw new ArgumentNullException(nameof(store));
        RunId = ArtifactNames.ValidateSegment(runId, "run id");
        Root = $"runs/{RunId}";
    }

    public IArtifactStore Store { get; }
    public string RunId { get; }

    /// <summary>"runs/{runId}": the prefix of every name of this run (no trailing '/').</summary>
    public string Root { get; }

    public string Request => $"{Root}/request.json";
    public string Merged => $"{Root}/merged.safetensors";
    public string ReportJson => $"{Root}/report.json";
    public string ReportMarkdown => $"{Root}/report.md";
    public string Manifest => $"{Root}/manifest.json";
    /// <summary>The merged model before fine-tuning (averaged, or the method's other start).</summary>
    public string MergedInit => $"{Root}/merged-init.safetensors";
    /// <summary>The self-hosted runner's mirror of the run's progress (what `genmerge status` reads).</summary>
    public string Status => $"{Root}/status.json";

    /// <summary>Synthetic-data shard k of a source model: shards/{model}/{k:D4}.safetensors (zero-padded so listings sort).</summary>
    public string Shard(string model, int k) => $"{Root}/shards/{Segment(model, "model")}/{Index(k, "shard index")}.safetensors";

    /// <summary>Checkpoint after segment n of a training job: {job}/seg-{n:D3}.safetensors (job "rooted/{model}" or "finetune").</summary>
    public string JobSegment(string job, int n) => At($"{job}/seg-{n:D3}.safetensors");

    /// <summary>A domain's evaluation features (reference, merged, source), kept for the report's accuracies and selection.</summary>
    public string Features(string domain) => At($"eval/{Segment(domain, "domain")}/features.safetensors");

    /// <summary>An image or strip under grids/, e.g. Grid("class-0.png") or Grid("strips/0-1.png").</summary>
    public string Grid(string relativeName) => At("grids/" + relativeName);

    /// <summary>Any other name inside the run, validated (e.g. At("merge/seg-0003.safetensors")).</summary>
    public string At(string relativeName) => ArtifactNames.Validate($"{Root}/{relativeName}", nameof(relativeName));

    /// <summary>Where the manifest entry of an artifact lives: fixed length, whatever the name's length.</summary>
    public string ManifestEntry(string name) => $"{Root}/manifest/{ContentHasher.HashText(OwnName(name))}.json";

    public string Locate(string name) => Store.Locate(name);

    /// <summary>Writes an artifact of this run and records it in the manifest.</summary>
    public async Task<ArtifactInfo> WriteAsync(string name, Func<Stream, CancellationToken, Task> writer, CancellationToken cancellationToken = default)
    {
        ArtifactInfo info = await Store.WriteAsync(OwnName(name), writer, cancellationToken);
        await RecordAsync(info, cancellationToken);
        return info;
    }

    public async Task<ArtifactInfo> WriteAsync(string name, Stream content, CancellationToken cancellationToken = default)
    {
        ArtifactInfo info = await Store.WriteAsync(OwnName(name), content, cancellationToken);
        await RecordAsync(info, cancellationToken);
        return info;
    }

    public async Task<ArtifactInfo> WriteTextAsync(string name, string text, CancellationToken cancellationToken = default)
    {
        ArtifactInfo info = await Store.WriteTextAsync(OwnName(name), text, cancellationToken);
        await RecordAsync(info, cancellationToken);
        return info;
    }

    public async Task<ArtifactInfo> WriteJsonAsync<T>(string name, T value, CancellationToken cancellationToken = default)
    {
        ArtifactInfo info = await Store.WriteJsonAsync(OwnName(name), value, cancellationToken: cancellationToken);
        await RecordAsync(info, cancellationToken);
        return info;
    }

    public async Task<ArtifactInfo> UploadFileAsync(string name, string filePath, CancellationToken cancellationToken = default)
    {
        ArtifactInfo info = await Store.UploadFileAsync(OwnName(name), filePath, cancellationToken);
        await RecordAsync(info, cancellationToken);
        return info;
    }

    public Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken = default) => Store.OpenReadAsync(OwnName(name), cancellationToken);
    public Task<bool> ExistsAsync(string name, CancellationToken cancellationToken = default) => Store.ExistsAsync(OwnName(name), cancellationToken);

    /// <summary>Deletes an artifact and its manifest entry.</summary>
    public async Task<bool> DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        bool existed = await Store.DeleteAsync(OwnName(name), cancellationToken);
        await Store.DeleteAsync(ManifestEntry(name), cancellationToken);
        return existed;
    }

    /// <summary>All artifacts of the run (manifest bookkeeping excluded).</summary>
    public async Task<IReadOnlyList<string>> ListAsync(string prefix = "", CancellationToken cancellationToken = default)
    {
        string full = prefix.Length == 0 ? Root + "/" : OwnName(prefix.TrimEnd('/')) + (prefix.EndsWith('/') ? "/" : "");
        IReadOnlyList<string> names = await Store.ListAsync(full, cancellationToken);
        return names.Where(n => !IsBookkeeping(n)).ToList();
    }

    /// <summary>
    /// Assembles the manifest from the per-artifact entries and writes manifest.json. An artifact
    /// without an entry (written around this class) is hashed by reading it; an entry whose artifact
    /// is gone is dropped. With <paramref name="rehash"/>, every artifact is re-read and hashed and
    /// entries that disagree are replaced (use it to verify a run).
    /// </summary>
    public async Task<RunManifest> BuildManifestAsync(bool rehash = false, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<string> names = await ListAsync("", cancellationToken);
        var entries = new RunManifestEntry[names.Count];
        // A few at a time: each may be a network round trip.
        await Parallel.ForEachAsync(Enumerable.Range(0, names.Count), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                string name = names[i];
                RunManifestEntry? recorded = rehash ? null : await TryReadEntryAsync(name, ct);
                if (recorded is null || recorded.Name != name)
                {
                    await using Stream s = await Store.OpenReadAsync(name, ct);
                    (long size, string sha) = await ContentHasher.HashAsync(s, ct);
                    recorded = new RunManifestEntry(name, size, sha, DateTimeOffset.UtcNow);
                    await Store.WriteJsonAsync(ManifestEntry(name), recorded, cancellationToken: ct);
                }
                entries[i] = recorded;
            });
        var manifest = new RunManifest(RunId, DateTimeOffset.UtcNow, entries);
        await Store.WriteJsonAsync(Manifest, manifest, cancellationToken: cancellationToken);
        return manifest;
    }

    public Task<RunManifest> ReadManifestAsync(CancellationToken cancellationToken = default) =>
        Store.ReadJsonAsync<RunManifest>(Manifest, cancellationToken: cancellationToken);

    async Task RecordAsync(ArtifactInfo info, CancellationToken cancellationToken) =>
        await Store.WriteJsonAsync(ManifestEntry(info.Name), new RunManifestEntry(info.Name, info.Size, info.Sha256, DateTimeOffset.UtcNow), cancellationToken: cancellationToken);

    async Task<RunManifestEntry?> TryReadEntryAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            return await Store.ReadJsonAsync<RunManifestEntry>(ManifestEntry(name), cancellationToken: cancellationToken);
        }
        catch (ArtifactNotFoundException)
        {
            return null;
        }
    }

    // Worker records (Workers/WorkerRecords) say who ran a task, not what it produced; the report's own record is
    // finished after the manifest is assembled, so listing them would leave the manifest stale.
    bool IsBookkeeping(string name) => name == Manifest || name.StartsWith(Root + "/manifest/", StringComparison.Ordinal)
        || name.StartsWith(Root + "/workers/", StringComparison.Ordinal);

    /// <summary>Accepts a full name inside this run; rejects names of other runs with a clear message.</summary>
    string OwnName(string name)
    {
        ArtifactNames.Validate(name);
        if (!name.StartsWith(Root + "/", StringComparison.Ordinal))
            throw new ArgumentException($"Artifact name '{name}' is not inside run '{RunId}' (expected it to start with '{Root}/').", nameof(name));
        return name;
    }

    static string Segment(string value, string what) => ArtifactNames.ValidateSegment(value, what);

    static string Index(int value, string what) =>
        value >= 0 ? value.ToString("D4", System.Globalization.CultureInfo.InvariantCulture)
            : throw new ArgumentOutOfRangeException(what, value, $"The {what} must be 0 or more.");
}
