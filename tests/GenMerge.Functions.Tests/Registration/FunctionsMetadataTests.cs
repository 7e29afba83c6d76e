using System.Text.Json;
using GenMerge.Pipeline;

namespace GenMerge.Functions.Tests.Registration;

/// <summary>
/// What the Functions host will index: the functions.metadata the Worker SDK generated for the
/// GenMerge.Functions build (copied next to the tests by the project reference).
/// </summary>
public sealed class FunctionsMetadataTests
{
    sealed record Function(string Name, string EntryPoint, JsonElement[] Bindings)
    {
        public JsonElement Trigger => Bindings.Single(b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));
        public string TriggerType => Trigger.GetProperty("type").GetString()!;
    }

    static readonly Lazy<IReadOnlyList<Function>> Functions = new(() =>
    {
        string path = Path.Combine(AppContext.BaseDirectory, "functions.metadata");
        Assert.True(File.Exists(path), $"{path} is missing: the Worker SDK did not generate it for GenMerge.Functions");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.EnumerateArray().Select(f =>
        {
            Assert.Equal("GenMerge.Functions.dll", f.GetProperty("scriptFile").GetString());
            return new Function(f.GetProperty("name").GetString()!, f.GetProperty("entryPoint").GetString()!,
                f.GetProperty("bindings").EnumerateArray().Select(b => b.Clone()).ToArray());
        }).ToList();
    });

    static Function Named(string name)
    {
        var matches = Functions.Value.Where(f => f.Name == name).ToList();
        Assert.True(matches.Count == 1, $"functions.metadata has {matches.Count} functions named '{name}' (expected 1); it has: {string.Join(", ", Functions.Value.Select(f => f.Name))}");
        return matches[0];
    }

    public static TheoryData<string> OrchestratorNames() => new(PipelineTasks.Orchestrators.Select(t => t.Name));
    public static TheoryData<string> ActivityNames() => new(PipelineTasks.Activities.Select(t => t.Name));

    [Theory]
    [MemberData(nameof(OrchestratorNames))]
    public void Every_pipeline_orchestrator_is_an_orchestration_trigger_function(string name) =>
        Assert.Equal("orchestrationTrigger", Named(name).TriggerType);

    [Theory]
    [MemberData(nameof(ActivityNames))]
    public void Every_pipeline_activity_is_an_activity_trigger_function(string name) =>
        Assert.Equal("activityTrigger", Named(name).TriggerType);

    [Fact]
    public void No_durable_function_exists_that_the_pipeline_does_not_define()
    {
        var pipeline = PipelineTasks.Orchestrators.Concat(PipelineTasks.Activities).Select(t => t.Name).ToHashSet();
        var durable = Functions.Value.Where(f => f.TriggerType is "orchestrationTrigger" or "activityTrigger").Select(f => f.Name).ToHashSet();
        Assert.Equal(pipeline.Order(), durable.Order());
    }

    [Theory]
    [InlineData("StartMerge", "post", "merges")]
    [InlineData("GetMerge", "get", "merges/{id}")]
    [InlineData("ListMerges", "get", "merges")]
    [InlineData("TerminateMerge", "post", "merges/{id}/terminate")]
    [InlineData("PurgeMerge", "delete", "merges/{id}")]
    public void Http_functions_have_their_routes_function_keys_and_a_durable_client(string name, string method, string route)
    {
        Function f = Named(name);
        Assert.Equal("httpTrigger", f.TriggerType);
        Assert.Equal("Function", f.Trigger.GetProperty("authLevel").GetString());
        Assert.Equal([method], f.Trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(route, f.Trigger.GetProperty("route").GetString());
        Assert.Contains(f.Bindings, b => b.GetProperty("type").GetString() == "durableClient");
    }

    [Fact]
    public void Blob_trigger_watches_merge_requests_on_the_host_storage()
    {
        Function f = Named("MergeRequestBlob");
        Assert.Equal("blobTrigger", f.TriggerType);
        Assert.Equal("merge-requests/{name}", f.Trigger.GetProperty("path").GetString());
        Assert.Equal("AzureWebJobsStorage", f.Trigger.GetProperty("connection").GetString());
        Assert.Contains(f.Bindings, b => b.GetProperty("type").GetString() == "durableClient");
    }
}
