using System.Security.Cryptography;
using GenMerge.Core.Models;
using TorchSharp;
using static TorchSharp.torch;
using Generator = GenMerge.Core.Models.Generator;

namespace GenMerge.Core.Checkpoints;

/// <summary>
/// One safetensors file per model: G, D and G_ema state dicts under the prefixes "G.", "D.", "G_ema.", plus
/// metadata (format, config, class_names, provenance). Saving a loaded model gives the same bytes.
/// </summary>
public static class Checkpoint
{
    public const string GPrefix = "G.", DPrefix = "D.", GEmaPrefix = "G_ema.";

    /// <summary>
    /// Largest |value| a loaded tensor may hold. Trained GAN weights and buffers stay far below 1e3; finite values
    /// near float's limit (3e38) overflow to Inf in the first matmul, so a merge of such a file would fail late or
    /// train on garbage. Refused at load instead, naming the tensor.
    /// </summary>
    public const double MaxAbsWeight = 1e6;

    /// <summary>Writes atomically (temporary file in the same folder, then rename); creates the folder.</summary>
    public static void Save(GanModel model, string path) => AtomicFile.Write(path, s => Save(model, s));

    public static void Save(GanModel model, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(model);
        SafeTensors.Write(stream, CollectTensors(model), CheckpointMetadata.Build(model));
    }

    /// <summary>The checkpoint's tensors: live references to the model's parameters and buffers, by prefixed name.</summary>
    public static SortedDictionary<string, Tensor> CollectTensors(GanModel model)
    {
        var all = new SortedDictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (prefix, module) in Modules(model.G, model.D, model.GEma))
            foreach (var (name, t) in module.state_dict())
                all.Add(prefix + name, t);
        return all;
    }

    public static GanModel Load(string path, torch.Device? device = null) => Load(path, device, null);

    /// <summary>Loads with modules built by <paramref name="factory"/> (null: <see cref="ModelFactory"/>).</summary>
    public static GanModel Load(string path, torch.Device? device, Func<ModelConfig, (Generator G, Discriminator D, Generator GEma)>? factory)
    {
        using var stream = SafeTensors.OpenRead(path);
        return Load(stream, device, factory, path);
    }

    /// <summary>Loads from a stream (read sequentially; need not be seekable). <paramref name="source"/> names it in errors.</summary>
    public static GanModel Load(Stream stream, torch.Device? device = null, Func<ModelConfig, (Generator G, Discriminator D, Generator GEma)>? factory = null, string? source = null)
    {
        source ??= SafeTensors.Describe(stream);
        var header = SafeTensors.ReadHeader(stream, source);
        var (config, classNames, provenance) = CheckpointMetadata.Parse(header.Metadata, source);

        var (g, d, gEma) = Build(config, factory);
        try
        {
            var targets = new Dictionary<string, Tensor>();
            foreach (var (prefix, module) in Modules(g, d, gEma))
                foreach (var (name, t) in module.state_dict())
                    targets.Add(prefix + name, t);
            CheckNames(header, targets, config, source);

            var loaded = SafeTensors.ReadData(stream, header, source);
            try
            {
                foreach (var e in header.Entries)
                {
                    var t = loaded[e.Name];
                    if (!SafeTensorsDType.IsFloating(t.dtype) || t.numel() == 0) continue;
                    if (!t.isfinite().all().item<bool>())
                        throw new CheckpointException(source, $"tensor '{e.Name}' contains NaN or Inf values");
                    double max = t.abs().max().to_type(ScalarType.Float64).item<double>();
                    if (max > MaxAbsWeight)
                        throw new CheckpointException(source, $"tensor '{e.Name}' holds a value of magnitude {max:G3} (limit {MaxAbsWeight:G0}): a diverged or corrupt model");
                }
                using (no_grad())
                    foreach (var (name, t) in loaded) targets[name].copy_(t);
            }
            finally
            {
                foreach (var t in loaded.Values) t.Dispose();
            }

            gEma.eval();
            foreach (var p in gEma.parameters()) p.requires_grad = false;
            var model = new GanModel(config, g, d, gEma, classNames, provenance);
            return device is null ? model : model.To(device);
        }
        catch
        {
            g.Dispose(); d.Dispose(); gEma.Dispose();
            throw;
        }
    }

    /// <summary>Metadata and tensor names/shapes from the header only.</summary>
    public static CheckpointInfo ReadInfo(string path)
    {
        using var stream = SafeTensors.OpenRead(path);
        return ReadInfo(stream, path);
    }

    public static CheckpointInfo ReadInfo(Stream stream, string? source = null)
    {
        source ??= SafeTensors.Describe(stream);
        long? length = stream.CanSeek ? stream.Length : null;
        var header = SafeTensors.ReadHeader(stream, source);
        var (config, classNames, provenance) = CheckpointMetadata.Parse(header.Metadata, source);
        var tensors = header.Entries.OrderBy(e => e.Name, StringComparer.Ordinal).ToArray();
        return new CheckpointInfo(source, header.Metadata[CheckpointMetadata.FormatKey], config, classNames, provenance,
                                  header.Metadata, tensors, length);
    }

    /// <summary>Lower-case hex SHA-256 of a file (provenance parents refer to checkpoints by it).</summary>
    public static string Sha256(string path)
    {
        using var stream = SafeTensors.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static IEnumerable<(string Prefix, nn.Module Module)> Modules(Generator g, Discriminator d, Generator gEma)
    {
        yield return (GPrefix, g);
        yield return (DPrefix, d);
        yield return (GEmaPrefix, gEma);
    }

    /// <summary>Builds modules without disturbing the caller's random stream (their init values are overwritten anyway).</summary>
    private static (Generator G, Discriminator D, Generator GEma) Build(ModelConfig config, Func<ModelConfig, (Generator G, Discriminator D, Generator GEma)>? factory)
    {
        using var rng = get_rng_state();
        try
        {
            return factory is not null
                ? factory(config)
                : (ModelFactory.CreateGenerator(config), ModelFactory.CreateDiscriminator(config), ModelFactory.CreateGenerator(config));
        }
        finally { set_rng_state(rng); }
    }

    private static void CheckNames(SafeTensorsHeader header, Dictionary<string, Tensor> targets, ModelConfig config, string source)
    {
        var inFile = header.Entries.ToDictionary(e => e.Name);
        var missing = targets.Keys.Where(k => !inFile.ContainsKey(k)).OrderBy(k => k, StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
            throw new CheckpointException(source, $"missing tensor '{missing[0]}'" + (missing.Count > 1 ? $" (and {missing.Count - 1} more)" : "") +
                                                  $" for a '{config.Family}' model");
        var extra = inFile.Keys.Where(k => !targets.ContainsKey(k)).OrderBy(k => k, StringComparer.Ordinal).ToList();
        if (extra.Count > 0)
            throw new CheckpointException(source, $"unexpected tensor '{extra[0]}'" + (extra.Count > 1 ? $" (and {extra.Count - 1} more)" : "") +
                                                  $" not in a '{config.Family}' model with this config");
        foreach (var e in header.Entries.OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            var target = targets[e.Name];
            if (!target.shape.SequenceEqual(e.Shape))
                throw new CheckpointException(source, $"tensor '{e.Name}': expected shape [{string.Join(", ", target.shape)}], found {e.ShapeText}");
            var fileType = e.ScalarType;
            if (fileType != target.dtype && !(SafeTensorsDType.IsFloating(fileType) && SafeTensorsDType.IsFloating(target.dtype)))
                throw new CheckpointException(source, $"tensor '{e.Name}': expected dtype {SafeTensorsDType.NameOf(target.dtype)}, found {e.DType}");
        }
    }
}
