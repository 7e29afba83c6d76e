using GenMerge.Functions.Http;
using GenMerge.Api.Merges;
using GenMerge.Functions.Tests.Support;
using GenMerge.Pipeline.Orchestration;
using Microsoft.Extensions.Logging.Abstractions;

namespace GenMerge.Functions.Tests.Http;

public sealed class StartMergeTests(FakeMergeHost durable) : IClassFixture<FakeMergeHost>, IDisposable
{
    readonly TempStore temp = new();

    public void Dispose() => temp.Dispose();

    internal const string ValidRequest = """
        { "models": [ { "name": "cats", "uri": "models/cats.safetensors" }, { "name": "dogs", "uri": "models/dogs.safetensors" } ],
          "rooting_steps": 40, "merge_steps": 20, "seed": 7 }
        """;

    async Task<HttpAnswer> PostAsync(string? body, string query = "")
    {
        var function = new StartMergeFunction(new MergeStarter(temp.Store), NullLogger<StartMergeFunction>.Instance);
        var result = await function.Run(HttpCalls.Request("POST", "/api/merges", body, query), durable.Client, CancellationToken.None);
        return await HttpCalls.ExecuteAsync(result);
    }

    async Task AddModelsAsync()
    {
        await temp.AddModelAsync("models/cats.safetensors");
        await temp.AddModelAsync("models/dogs.safetensors");
    }

    [Fact]
    public async Task Valid_request_starts_the_merge_and_answers_202_with_its_urls()
    {
        await AddModelsAsync();
        HttpAnswer a = await PostAsync(ValidRequest);

        Assert.Equal(202, a.Status);
        string id = a.Str("id");
        string item = $"http://{HttpCalls.Host}/api/merges/{id}";
        Assert.Equal(item, a.Str("statusQueryGetUri"));
        Assert.Equal(item + "/terminate", a.Str("terminatePostUri"));
        Assert.Equal(item, a.Str("purgeDeleteUri"));
        Assert.Equal(item, a.Location);

        // The orchestration exists under the run id, with the request as its input.
        var meta = await durable.Client.GetInstanceAsync(id, getInputsAndOutputs: true);
        Assert.NotNull(meta);
        Assert.Equal(nameof(MergeOrchestrator), meta!.Name);
        var input = meta.ReadInputAs<MergeRunInput>()!;
        Assert.Equal(id, input.RunId);
        Assert.Equal(["models/cats.safetensors", "models/dogs.safetensors"], input.Request.Models!.Select(m => m.Uri));
        Assert.Equal(40, input.Request.Settings.RootingSteps);
        Assert.Equal(7, input.Request.Settings.Seed);
    }

    [Fact]
    public async Task Each_post_gets_its_own_run_id()
    {
        await AddModelsAsync();
        HttpAnswer first = await PostAsync(ValidRequest), second = await PostAsync(ValidRequest);
        Assert.NotEqual(first.Str("id"), second.Str("id"));
    }

    [Fact]
    public async Task Function_key_of_the_caller_is_carried_into_the_links()
    {
        await AddModelsAsync();
        HttpAnswer a = await PostAsync(ValidRequest, "?code=s3cret");
        Assert.Equal(202, a.Status);
        Assert.EndsWith($"/api/merges/{a.Str("id")}/terminate?code=s3cret", a.Str("terminatePostUri"));
        Assert.EndsWith("?code=s3cret", a.Str("statusQueryGetUri"));
    }

    [Theory]
    [InlineData("{ \"models\": [", "not valid JSON")]
    [InlineData("", "body is empty")]
    [InlineData("""{ "models": [ { "name": "cats", "uri": "models/cats.safetensors" }, { "name": "dogs", "uri": "models/dogs.safetensors" } ], "colour": "red" }""", "colour")]
    [InlineData("""{ "models": [ { "name": "cats", "uri": "models/cats.safetensors" }, { "name": "dogs", "uri": "models/dogs.safetensors" } ], "merge_steps": -5 }""", "merge_steps")]
    [InlineData("""{ "models": [ { "name": "cats", "uri": "models/cats.safetensors" } ] }""", "at least 2 models")]
    [InlineData("""{ "models": [ { "name": "cats", "uri": "models/cats.safetensors" }, { "name": "dogs" } ] }""", "models[1].uri: missing")]
    [InlineData("""{ "models": [ { "name": "cats", "uri": "models/cats.safetensors" }, { "name": "dogs", "uri": "models/wolves.safetensors" } ] }""", "models[1].uri: 'models/wolves.safetensors' not found")]
    [InlineData("""{ "models": [ { "name": "cats", "uri": "/etc/passwd" }, { "name": "dogs", "uri": "models/dogs.safetensors" } ] }""", "models[0].uri: '/etc/passwd' is not an artifact name")]
    public async Task BadRequestIsRefusedWith400NamingTheProblemAndStartsNothing(string body, string expected)
    {
        await AddModelsAsync();
        int before = await durable.CountInstancesAsync();
        HttpAnswer a = await PostAsync(body);
        Assert.Equal(400, a.Status);
        Assert.Contains(expected, a.Error);
        Assert.Null(a.Location);
        Assert.Equal(before, await durable.CountInstancesAsync());
    }

    [Fact]
    public async Task Too_many_models_are_refused()
    {
        await AddModelsAsync();
        var models = string.Join(",", Enumerable.Range(0, 17).Select(i => $$"""{ "name": "m{{i}}", "uri": "models/cats.safetensors" }"""));
        HttpAnswer a = await PostAsync($$"""{ "models": [ {{models}} ] }""");
        Assert.Equal(400, a.Status);
        Assert.Contains("at most 16 models", a.Error);
    }

    [Fact]
    public async Task Oversized_body_is_refused_with_413()
    {
        HttpAnswer a = await PostAsync(new string(' ', StartMergeFunction.MaxBodyBytes + 1));
        Assert.Equal(413, a.Status);
        Assert.Contains("larger than", a.Error);
    }
}
