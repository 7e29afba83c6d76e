using GenMerge.Pipeline.Requests;

namespace GenMerge.Pipeline.Tests.Merge;

/// <summary>
/// Requests written before the settings were unified (issue 19) still parse to the same values and are
/// written back byte for byte: the request schema is a user contract (HTTP, blob uploads, run folders).
/// Both texts below are what <see cref="MergeRequest.ToJson"/> wrote at 38040ca, including the read-only
/// "ClassNames" it has always appended (run folders' request.json hold it; parsing ignores it).
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
          "gamma": 0.75,
          "seed": 17,
          "samples_per_model": 18,
          "shard_size": 19,
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
          "samples_per_model": 4096,
          "shard_size": 1024,
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
