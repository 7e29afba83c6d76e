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

    [Fact]
    public void The_data_mode_and_distillation_weights_parse_and_the_pool_is_sized_from_the_budget()
    {
        var r = MergeRequest.Parse(Valid[..^1] + ""","data":"live","distill":1.5,"distill_features":0.25,"distill_loss":"l2"}""");
        Assert.Equal("live", r.Settings.Data);
        Assert.Equal(1.5, r.Settings.Distill);
        Assert.Equal(0.25, r.Settings.DistillFeatures);
        Assert.Equal("l2", r.Settings.DistillLoss);
        Assert.Equal(0, r.Settings.Shards(2, 2, 32)); // live: no pool
        Assert.Equal("l2", r.Settings.Training(10, 16).DistillLoss);
        Assert.Equal(1.5, r.Settings.Training(10, 16, rooting: true).Distill);
        Assert.Equal(0.75, MergeRequest.Parse(Valid[..^1] + ""","ema_kimg":0.75}""").Settings.Training(10, 16).EmaKimg);
        Assert.Null(r.Settings.EmaKimg); // absent: the default rule

        // Defaults: rooting 600 steps x batch 32 all from one class, fine-tuning 600 x 32 / 2 per class; the larger over 4
        // reuses is 4800 samples, in whole shards of 1024: 5120.
        var d = MergeRequest.Parse(Valid).Settings;
        Assert.Equal("shards", d.Data);
        Assert.Equal(0, d.Distill);
        Assert.Equal(5120, d.SamplesPerClass(2, 2, 32));
        Assert.Equal(5, d.Shards(2, 2, 32));
        Assert.Equal(1024, d.ShardCount(4, 2, 2, 32));
        // Union trains rooting + merge steps on the union: (600 + 600) x 32 / 2 / 4 = 4800 -> 5120; 7 classes of 600 steps: 686 -> 1024.
        Assert.Equal(5120, (d with { Method = "union" }).SamplesPerClass(2, 2, 32));
        Assert.Equal(1024, (d with { Method = "union", RootingSteps = 0 }).SamplesPerClass(7, 7, 32));
        Assert.Equal(65536, (d with { RootingSteps = 1_000_000 }).SamplesPerClass(2, 2, 32));
        Assert.Equal(40, (d with { SamplesPerModel = 40 }).SamplesPerClass(2, 2, 32));
        Assert.Equal(8, (d with { SamplesPerModel = 40, ShardSize = 32 }).ShardCount(1, 2, 2, 32));
        // Large images: the pool stays within 2 GiB of uint8 for all classes together, never under one batch.
        var big = d with { RootingSteps = 1_000_000 };
        Assert.Equal(65536, big.SamplesPerClass(7, 7, 32));                   // 7 x 65536 x 3 KiB = 1.3 GiB: the sample cap binds
        Assert.Equal(5461, big.SamplesPerClass(2, 2, 256));                   // 2 GiB / 2 / 192 KiB
        Assert.Equal(341, big.SamplesPerClass(2, 2, 1024));                   // 2 GiB / 2 / 3 MiB
        Assert.Equal(42, big.SamplesPerClass(16, 16, 1024));                  // 2 GiB / 16 / 3 MiB
        Assert.Equal(64, (big with { BatchSize = 64 }).SamplesPerClass(16, 16, 1024)); // never under one batch
        Assert.Equal(1, big.Shards(2, 2, 1024));
        Assert.Equal(341, big.ShardCount(0, 2, 2, 1024));
        Assert.Equal(6, big.Shards(2, 2, 256));
        Assert.Equal(5461 - 5 * 1024, big.ShardCount(5, 2, 2, 256));
        Assert.Equal(40, (big with { SamplesPerModel = 40 }).SamplesPerClass(2, 2, 1024)); // an explicit size is kept
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
    [InlineData("""{"models":[{"name":"a","uri":"x"},{"name":"b","uri":"y"}],"data":"stream"}""", "data: 'stream' is not one of shards, live")]
    [InlineData("""{"models":[{"name":"a","uri":"x"},{"name":"b","uri":"y"}],"distill":-0.5}""", "distill: -0.5 must be a finite number >= 0")]
    [InlineData("""{"models":[{"name":"a","uri":"x"},{"name":"b","uri":"y"}],"distill_features":-1}""", "distill_features: -1 must be")]
    [InlineData("""{"models":[{"name":"a","uri":"x"},{"name":"b","uri":"y"}],"distill_loss":"huber"}""", "distill_loss: 'huber' is not one of l1, l2, lap1")]
    [InlineData("""{"models":[{"name":"a","uri":"x"},{"name":"b","uri":"y"}],"distill":1,"distill_classes":{"a":-1}}""", "distill_classes: 'a' has weight -1; it must be a finite number >= 0")]
    [InlineData("""{"models":[{"name":"a","uri":"x"},{"name":"b","uri":"y"}],"distill_classes":{"a":2}}""", "distill_classes: set, but distill and distill_features are 0")]
    [InlineData("""{"models":[{"name":"a","uri":"x"},{"name":"b","uri":"y"}],"distill":1,"distill_classes":[2,1]}""", "not valid JSON for the schema")]
    [InlineData("""{"models":[{"name":"a","uri":"x"},{"name":"b","uri":"y"}],"samples_per_model":0}""", "samples_per_model: 0 must be >= 1")]
    [InlineData("""{"models":[{"name":"a","uri":"x"},{"name":"b","uri":"y"}],"ema_kimg":-1}""", "ema_kimg: -1 must be a finite number >= 0")]
    [InlineData("""{"models": 3""", "not valid JSON")]
    public void Bad_requests_are_refused_naming_the_field(string json, string expected)
    {
        var e = Assert.Throws<RequestException>(() => MergeRequest.Parse(json));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Per_class_distillation_factors_map_names_to_the_merged_classes_in_order()
    {
        var s = MergeRequest.Parse(Valid[..^1] + ""","distill":1,"distill_classes":{"b":0.25}}""").Settings;
        Assert.Equal(new[] { 1.0, 0.25, 1.0 }, s.DistillWeights(new[] { "a", "b", "c" }));
        // A conditional source's classes are named only once its checkpoint is read: an unknown name is refused there.
        var e = Assert.Throws<ArgumentException>(() => s.DistillWeights(new[] { "a", "c" }));
        Assert.Equal("distill_classes: 'b' is not a class of this merge (its classes: a, c)", e.Message);
        Assert.Null(MergeRequest.Parse(Valid).Settings.DistillWeights(new[] { "a", "b" }));
    }

    [Fact]
    public void Too_many_models_are_refused()
    {
        var models = string.Join(",", Enumerable.Range(0, 17).Select(i => $$"""{"name":"m{{i}}","uri":"u{{i}}"}"""));
        var e = Assert.Throws<RequestException>(() => MergeRequest.Parse($$"""{"models":[{{models}}]}"""));
        Assert.Contains("at most 16 models", e.Message);
    }
}
