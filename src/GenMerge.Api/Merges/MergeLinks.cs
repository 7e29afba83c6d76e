using Microsoft.AspNetCore.Http;

namespace GenMerge.Api.Merges;

/// <summary>The management URLs of one merge, as returned by POST /api/merges.</summary>
public sealed record MergeLinks(string Id, string StatusQueryGetUri, string TerminatePostUri, string PurgeDeleteUri)
{
    /// <summary>Route of the merges collection below the host's route prefix.</summary>
    public const string CollectionRoute = "merges";

    /// <summary>
    /// Links built on <paramref name="collectionUrl"/> (e.g. https://app/api/merges). A function key the
    /// caller passed as ?code= is carried over, so the links work for that caller as they are.
    /// </summary>
    public static MergeLinks For(string collectionUrl, string id, string? functionKey = null)
    {
        string item = $"{collectionUrl.TrimEnd('/')}/{Uri.EscapeDataString(id)}";
        string key = string.IsNullOrEmpty(functionKey) ? "" : "?code=" + Uri.EscapeDataString(functionKey);
        return new MergeLinks(id, item + key, item + "/terminate" + key, item + key);
    }

    /// <summary>
    /// Links for a request to the collection (POST .../merges) or to one merge (.../merges/{id}[/...]):
    /// scheme and host as the client used them (the worker applies the host's X-Forwarded-* headers).
    /// </summary>
    public static MergeLinks FromRequest(HttpRequest request, string id)
    {
        string path = (request.PathBase + request.Path).Value ?? "";
        // Cut everything after the collection segment: the same base for every route of the API.
        string marker = "/" + CollectionRoute;
        int at = path.IndexOf(marker + "/", StringComparison.OrdinalIgnoreCase);
        if (at < 0 && path.TrimEnd('/').EndsWith(marker, StringComparison.OrdinalIgnoreCase))
            at = path.TrimEnd('/').Length - marker.Length;
        string collection = at >= 0 ? path[..(at + marker.Length)] : "/api/" + CollectionRoute;
        string? key = request.Query.TryGetValue("code", out var code) ? code.ToString() : null;
        return For($"{request.Scheme}://{request.Host}{collection}", id, key);
    }
}
