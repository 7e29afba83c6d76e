using System.Reflection;
using System.Text.Json.Serialization;
using GenMerge.Core.Merging;

namespace GenMerge.Functions.Tests.Http;

/// <summary>The request-fields table in docs/functions-local.md names every field the API accepts, and no other.</summary>
public class RequestFieldsDocTests
{
    [Fact]
    public void The_docs_list_exactly_the_request_fields()
    {
        // A request is its models plus the settings' fields (MergeRequestJsonConverter writes them flat).
        var accepted = typeof(MergeSettings).GetProperties()
            .Select(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name)
            .OfType<string>().Append("models").Order().ToList();
        var documented = File.ReadAllLines(Path.Combine(RepoRoot(), "docs", "functions-local.md"))
            .Where(l => l.StartsWith("| `", StringComparison.Ordinal))
            .Select(l => l.Split('`')[1])
            .Where(f => f.All(ch => char.IsLower(ch) || ch == '_'))
            .Order().ToList();
        Assert.Equal(accepted, documented);
    }

    static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GenMerge.Functions.sln"))) return dir.FullName;
        throw new InvalidOperationException($"cannot find the repository root (GenMerge.Functions.sln) above {AppContext.BaseDirectory}");
    }
}
