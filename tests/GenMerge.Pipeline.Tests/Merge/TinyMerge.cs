using GenMerge.Core.Checkpoints;
using GenMerge.Core.Merging;
using GenMerge.Core.Models;
using GenMerge.Pipeline.Requests;
using GenMerge.Pipeline.Storage;

namespace GenMerge.Pipeline.Tests.Merge;

/// <summary>Tiny 16x16 source models in a temp store and a request that runs every stage in seconds.</summary>
public sealed class TinyMerge : IDisposable
{
    public TinyMerge(int models = 2, string family = ModelConfig.Compact, int cDim = 0)
    {
        Root = Path.Combine(Path.GetTempPath(), "genmerge-merge-" + Guid.NewGuid().ToString("N")[..8]);
        Store = new LocalFolderStore(Path.Combine(Root, "store"));
        Config = Tiny(family) with { CDim = cDim };
        for (int i = 0; i < models; i++)
        {
            using var m = GanModel.Create(Config, seed: 100 + i);
            m.Provenance = m.Provenance with { Kind = "train", Data = $"domain:{Domains[i]}" };
            var path = Path.Combine(Root, $"{Domains[i]}.safetensors");
            Checkpoint.Save(m, path);
            Files.Add(path);
            Store.UploadFileAsync($"models/{Domains[i]}.safetensors", path).GetAwaiter().GetResult();
        }
    }

    public static readonly string[] Domains = { "rings", "squares", "stripes", "blobs" };

    public static ModelConfig Tiny(string family) => family == ModelConfig.Compact
        ? new ModelConfig { Family = family, Resolution = 16, ZDim = 16, EmbedDim = 8, ChannelBase = 4, ChannelMax = 16 }
        : new ModelConfig { Family = family, Resolution = 16, ZDim = 16, WDim = 16, EmbedDim = 8, ChannelBase = 128, ChannelMax = 16, MappingLayers = 1 };

    public string Root { get; }
    public LocalFolderStore Store { get; }
    public ModelConfig Config { get; }
    public List<string> Files { get; } = new();

    public MergeRequest Request(string method = "cocktail", int models = 2) => new()
    {
        Models = Enumerable.Range(0, models).Select(i => new ModelRef
        {
            Name = Domains[i], Uri = $"models/{Domains[i]}.safetensors", Reference = $"domain:{Domains[i]}",
        }).ToList(),
        Settings = new MergeSettings
        {
            Method = method, RootingSteps = 3, MergeSteps = 3, SegmentSteps = 2, BatchSize = 8,
            SamplesPerModel = 40, ShardSize = 32, EvalSamples = 8, Seed = 3,
        },
    };

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
