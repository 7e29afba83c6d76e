using GenMerge.Pipeline.Requests;

namespace GenMerge.Pipeline.Tests.Merge;

/// <summary>
/// The request schema is a user contract (HTTP, blob uploads, run folders): every field set, and only the models, are
/// written back as below, byte for byte. Both texts are what <see cref="MergeRequest.ToJson"/> wrote at 38040ca, plus
/// the fields added since (ema_kimg, data, distill, distill_features, distill_loss, distill_classes; samples_per_model is absent when sized from the
/// budget), including the read-only "ClassNames" it has always appended (run folders' request.json hold it; parsing ignores it).
/// A request.json written before keeps its explicit samples_per_model, so resuming an old run draws the same pool.
/// </summary>
public class MergeRequestJsonTests
{
    const string EveryField = """
        {
          "models": [
            {
              "name": "rings",
              "uri": "models/rings.safetensors",
              "reference": "domain:rings"
            },
            {
              "name": "squares",
              "uri": "models/squares.safetensors"
            }
          ],
          "root": 1,
          "method": "transfer",
          "rooting_steps": 11,
          "merge_steps": 600,
          "segment_steps": 13,
          "batch_size": 14,
          "lr": 0.0015,
          "rooting_lr": 0.0025,
          "final_lr": 0.0001,
          "freeze_d": 2,
          "aug": "ada",
          "aug_p": 0.25,
          "aug_target": 0.5,
          "aug_pipe": "bgc",
          "ema_kimg": 1.5,
          "gamma": 0.75,
          "seed": 17,
          "data": "live",
          "samples_per_model": 18,
          "shard_size": 19,
          "distill": 0.5,
          "distill_features": 0.25,
          "distill_loss": "l2",
          "distill_classes": {
            "squares": 0.5,
            "rings": 2
          },
          "eval_samples": 20,
          "select": "best",
          "ClassNames": [
            "rings",
            "squares"
          ]
        }
        """;

    /// <summary>Only the models given: the text shows every default.</summary>
    const string Defaults = """
        {
          "models": [
            {
              "name": "a",
              "uri": "a.safetensors"
            },
            {
              "name": "b",
              "uri": "b.safetensors"
            }
          ],
          "root": 0,
          "method": "cocktail",
          "rooting_steps": 600,
          "merge_steps": 600,
          "segment_steps": 200,
          "batch_size": 32,
          "lr": 0.002,
          "freeze_d": 0,
          "aug": "noaug",
          "aug_p": 0,
          "aug_target": 0.6,
          "aug_pipe": "blit",
          "seed": 1,
          "data": "shards",
          "shard_size": 1024,
          "distill": 0,
          "distill_features": 0,
          "distill_loss": "lap1",
          "eval_samples": 500,
          "select": "last",
          "ClassNames": [
            "a",
            "b"
          ]
        }
        """;

    [Fact]
    public void A_request_with_every_field_set_round_trips_unchanged()
    {
        var r = MergeRequest.Parse(EveryField);
        Assert.Equal(EveryField, r.ToJson().ReplaceLineEndings("\n"));
        Assert.Equal(MergeRequest.Parse(r.ToJson()), r with { Models = r.Models }, new RequestComparer());
    }

    [Fact]
    public void A_request_with_only_models_writes_the_defaults()
    {
        var r = MergeRequest.Parse("""{"models":[{"name":"a","uri":"a.safetensors"},{"name":"b","uri":"b.safetensors"}]}""");
        Assert.Equal(Defaults, r.ToJson().ReplaceLineEndings("\n"));
    }

    /// <summary>Records compare their model lists by reference; a request is equal when its JSON is.</summary>
    sealed class RequestComparer : IEqualityComparer<MergeRequest>
    {
        public bool Equals(MergeRequest? x, MergeRequest? y) => x?.ToJson() == y?.ToJson();
        public int GetHashCode(MergeRequest r) => r.ToJson().GetHashCode();
    }
}
