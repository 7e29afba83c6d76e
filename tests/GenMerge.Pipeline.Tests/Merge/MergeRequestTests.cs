using GenMerge.Pipeline.Requests;

namespace GenMerge.Pipeline.Tests.Merge;

public class MergeRequestTests
{
    const string Valid = """{"models":[{"name":"a","uri":"m/a.safetensors"},{"name":"b","uri":"m/b.safetensors"}]}""";

    [Fact]
    public void A_valid_request_parses_with_defaults()
    {
        var r = MergeRequest.Parse(Valid);
        Assert.Equal("cocktail", r.Settings.Method);
        Assert.Equal(new[] { "a", "b" }, r.ClassNames);
    }

    [Theory]
    [InlineData("""{"models":[{"name":"a","uri":"x"},{"name":"b","uri":"y"}],"method":"blend"}""", "method: unknown merge method 'blend'")]
    [InlineData("""{"models":[{"name":"a","uri":"x"},{"name":"b","uri":"y"}],"rooting_steps":-5}""", "rooting_steps: -5 must be >= 0")]
    [InlineData("""{"models":[{"name":"a","uri":"x"},{"name":"b","uri":"y"}],"merge_steps":-1}""", "merge_steps: -1")]
    [InlineData("""{"models":[{"name":"a","uri":"x"}]}""", "at least 2 models")]
    [InlineData("""{"models":[{"name":"a","uri":"x"},{"name":"b","uri":"y"}],"root":2}""", "root: 2 is not a model index")]
    [InlineData("""{"models":[{"name":"a","uri":"x"},{"name":"a","uri":"y"}]}""", "the name 'a' is used twice")]
    [InlineData("""{"models":[{"name":"a","uri":"x"},{"name":"b"}]}""", "models[1].uri: missing")]
    [InlineData("""{"models":[{"name":"a","uri":"x"},{"name":"b","uri":"y"}],"colour":"red"}""", "colour")]
    [InlineData("""{"models":[{"name":"a","uri":"x"},{"name":"b","uri":"y"}],"aug":"bgc"}""", "aug: 'bgc' is not one of noaug, ada, fixed ('bgc' names a set of transforms: aug_pipe)")]
    [InlineData("""{"models":[{"name":"a","uri":"x"},{"name":"b","uri":"y"}],"aug":"ada","aug_pipe":"bg"}""", "aug_pipe: 'bg' is not one of blit, bgc")]
    [InlineData("""{"models":[{"name":"a","uri":"x"},{"name":"b","uri":"y"}],"select":"first"}""", "select: 'first' is not one of last, best")]
    [InlineData("""{"models":[{"name":"a","uri":"x"},{"name":"b","uri":"y"}],"aug":"ada","aug_target":1.5}""", "aug_target: 1.5 must lie in (0, 1]")]
    [InlineData("""{"models": 3""", "not valid JSON")]
    public void Bad_requests_are_refused_naming_the_field(string json, string expected)
    {
        var e = Assert.Throws<RequestException>(() => MergeRequest.Parse(json));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Too_many_models_are_refused()
    {
        var models = string.Join(",", Enumerable.Range(0, 17).Select(i => $$"""{"name":"m{{i}}","uri":"u{{i}}"}"""));
        var e = Assert.Throws<RequestException>(() => MergeRequest.Parse($$"""{"models":[{{models}}]}"""));
        Assert.Contains("at most 16 models", e.Message);
    }
}
