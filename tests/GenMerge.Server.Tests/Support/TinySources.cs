using GenMerge.Core.Checkpoints;
using GenMerge.Core.Models;

namespace GenMerge.Server.Tests.Support;

/// <summary>Tiny 16x16 compact source checkpoints and a request that runs every merge stage in seconds.</summary>
public static class TinySources
{
    public static readonly string[] Domains = { "rings", "squares" };

    public static readonly ModelConfig Config = new() { Family = ModelConfig.Compact, Resolution = 16, ZDim = 16, EmbedDim = 8, ChannelBase = 4, ChannelMax = 16 };

    /// <summary>Writes source <paramref name="i"/> to <paramref name="path"/>.</summary>
    public static void Write(int i, string path)
    {
        using var m = GanModel.Create(Config, seed: 100 + i);
        m.Provenance = m.Provenance with { Kind = "train", Data = $"domain:{Domains[i]}" };
        Checkpoint.Save(m, path);
    }

    /// <summary>A merge request JSON over models/{domain}.safetensors; <paramref name="extra"/> adds or replaces fields.</summary>
    public static string Request(string? extra = null, string firstUri = "models/rings.safetensors") =>
        "{\"models\":[" +
        $"{{\"name\":\"rings\",\"uri\":\"{firstUri}\",\"reference\":\"domain:rings\"}}," +
        "{\"name\":\"squares\",\"uri\":\"models/squares.safetensors\",\"reference\":\"domain:squares\"}]," +
        "\"rooting_steps\":3,\"segment_steps\":2,\"batch_size\":8,\"samples_per_model\":40,\"shard_size\":32,\"eval_samples\":8,\"seed\":3" +
        (extra is null ? ",\"merge_steps\":3" : "," + extra) + "}";
}
