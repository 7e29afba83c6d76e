using GenMerge.Pipeline.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.StaticFiles;

namespace GenMerge.Api.Http;

/// <summary>
/// GET .../merges/{id}/files[/{path}]: a run's artifacts (grids, reports), read only from its own
/// runs/{id}/ prefix. Any path that could leave it (.., absolute, backslashes, encoded separators) is a 400.
/// </summary>
public static class ArtifactHandlers
{
    static readonly FileExtensionContentTypeProvider Types = new();

    /// <summary>The run's artifact names relative to its folder (optionally under ?prefix=grids/), bookkeeping left out.</summary>
    public static async Task<IResult> ListAsync(HttpRequest request, string id, IArtifactStore store, CancellationToken cancellationToken)
    {
        if (!MergeHandlers.IsRunId(id))
            return JsonBodyResult.Error(StatusCodes.Status404NotFound, $"id: no merge '{id}'");
        string prefix = request.Query.TryGetValue("prefix", out var p) ? p.ToString() : "";
        if (prefix.Length > 0 && Problem(prefix.TrimEnd('/')) is { } why)
            return JsonBodyResult.Error(StatusCodes.Status400BadRequest, $"prefix: {why}");
        var run = new RunArtifacts(store, id);
        IReadOnlyList<string> names = await run.ListAsync(prefix.Length == 0 ? "" : $"{run.Root}/{prefix}", cancellationToken);
        return new JsonBodyResult(StatusCodes.Status200OK, new ArtifactList(id, names.Select(n => n[(run.Root.Length + 1)..]).ToList()));
    }

    public static async Task<IResult> GetAsync(string id, string? path, IArtifactStore store, CancellationToken cancellationToken)
    {
        if (!MergeHandlers.IsRunId(id))
            return JsonBodyResult.Error(StatusCodes.Status404NotFound, $"id: no merge '{id}'");
        if (Problem(path) is { } why)
            return JsonBodyResult.Error(StatusCodes.Status400BadRequest, $"path: {why}");
        string name = new RunArtifacts(store, id).At(path!);
        Stream content;
        try
        {
            content = await store.OpenReadAsync(name, cancellationToken);
        }
        catch (ArtifactNotFoundException)
        {
            return JsonBodyResult.Error(StatusCodes.Status404NotFound, $"path: merge '{id}' has no artifact '{path}'");
        }
        string type = Types.TryGetContentType(name, out var t) ? t : "application/octet-stream";
        if (name.EndsWith(".md", StringComparison.OrdinalIgnoreCase)) type = "text/markdown; charset=utf-8";
        return Results.Stream(content, type);
    }

    /// <summary>Why a relative artifact path is refused; null when it names something inside the run.</summary>
    static string? Problem(string? path)
    {
        if (string.IsNullOrEmpty(path)) return "empty; name an artifact of the run, e.g. grids/class-0.png";
        if (path.StartsWith('/') || path.Contains('\\') || path.Contains(':') || path.Contains('%'))
            return $"'{path}' is not a relative artifact path";
        if (path.Split('/').Any(s => s is "" or "." or ".."))
            return $"'{path}' leaves the run's folder or has an empty segment";
        return ArtifactNames.IsValid(path) ? null : $"'{path}' is not a valid artifact name";
    }
}

/// <summary>Body of GET .../merges/{id}/files.</summary>
public sealed record ArtifactList(string Id, IReadOnlyList<string> Files);
