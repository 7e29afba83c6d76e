using System.Security.Cryptography;
using GenMerge.Core.Checkpoints;
using GenMerge.Core.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace GenMerge.Core.Interop;

/// <summary>
/// Turns a pretrained stylegan2 file into a GenMerge model: a stylegan2-ada-pytorch network pickle (G, D, G_ema
/// persistence objects, architecture from each network's init_kwargs), a torch file holding the same state
/// dicts with init_kwargs (what <see cref="TorchExport"/> writes), or a rosinality checkpoint (<see cref="RosinalityImport"/>). GenMerge's stylegan2 tensor names equal the
/// reference's, so tensors map by name; every tensor in the file is used or named in the error.
/// </summary>
public static class StyleGan2Import
{
    public const string ProvenanceKind = "import";
    private static readonly string[] Networks = ["G", "D", "G_ema"];

    /// <summary>The networks' flat state dicts (reference names) and the config they describe.</summary>
    public sealed record Contents(ModelConfig Config, IReadOnlyDictionary<string, IReadOnlyDictionary<string, PickledTensor>> StateDicts,
                                  string Format, IReadOnlyList<string> Ignored)
    {
        /// <summary>Generator tensors the file does not hold and the model keeps from its construction (fixed filters).</summary>
        public Func<string, bool> ModelDefaults { get; init; } = _ => false;
        /// <summary>The file has no w_avg: estimate it as the mean mapping output (what truncation needs).</summary>
        public bool EstimateWAvg { get; init; }
    }

    public static GanModel Load(string path)
    {
        var contents = Read(path);
        var provenance = new Provenance
        {
            Kind = ProvenanceKind,
            Data = Path.GetFileName(path),
            Parents = [Sha256(path)],
            Notes = new Dictionary<string, string>
            {
                ["import_from"] = Path.GetFullPath(path),
                ["import_format"] = contents.Format,
                ["import_ignored"] = contents.Ignored.Count == 0 ? "(nothing)" : string.Join(", ", contents.Ignored),
            },
            CreatedUtc = DateTime.UtcNow.ToString("O"),
        };
        return Build(contents, provenance, path);
    }

    public static Contents Read(string path)
    {
        var top = TorchFile.Load(path) as PyDict
            ?? throw new CheckpointException(path, "holds no dict of networks (expected a stylegan2-ada-pytorch pickle or a torch file with G_ema and init_kwargs)");
        if (top.Get("G_ema") is PersistentObject) return ReadNetworkPickle(top, path);
        if (top.Get("G_ema") is PyDict && top.Get("init_kwargs") is PyDict) return ReadStateDicts(top, path);
        if (top.ContainsKey("g_ema")) return RosinalityImport.Read(top, path);
        throw new CheckpointException(path, "no G_ema network found (keys: " + string.Join(", ", top.Keys.Select(k => k.ToString())) + ")");
    }

    private static Contents ReadNetworkPickle(PyDict top, string source)
    {
        var nets = new Dictionary<string, PersistentObject>();
        foreach (var name in Networks)
        {
            if (top.Get(name) is not PersistentObject net)
            {
                if (name == "G_ema") throw new CheckpointException(source, "no G_ema network");
                continue;
            }
            var expected = name == "D" ? "training.networks.Discriminator" : "training.networks.Generator";
            if (net.ClassName != expected)
                throw new CheckpointException(source, $"{name} is a '{net.ClassName}'; only stylegan2-ada-pytorch's '{expected}' is supported" +
                    (net.ClassName.Contains("stylegan3", StringComparison.OrdinalIgnoreCase) ? " (StyleGAN3's synthesis network is a different architecture)" : ""));
            nets[name] = net;
        }
        var ignored = top.Keys.Select(k => k.ToString()!).Where(k => !Networks.Contains(k) && top[k] is not null).ToList();
        var config = ReferenceConfig.ToModelConfig(InitKwargs(nets["G_ema"], "G_ema", source),
                                                   nets.TryGetValue("D", out var d) ? InitKwargs(d, "D", source) : null, source);
        var sds = nets.ToDictionary(kv => kv.Key, kv => (IReadOnlyDictionary<string, PickledTensor>)Flatten(kv.Value, kv.Key, source));
        return new Contents(config, sds, "stylegan2-ada-pytorch network pickle", ignored);
    }

    private static Contents ReadStateDicts(PyDict top, string source)
    {
        var kwargs = (PyDict)top["init_kwargs"]!;
        var g = kwargs.Get("G") as PyDict ?? throw new CheckpointException(source, "init_kwargs lack 'G'");
        var config = ReferenceConfig.ToModelConfig(g, kwargs.Get("D") as PyDict, source);
        var sds = new Dictionary<string, IReadOnlyDictionary<string, PickledTensor>>();
        foreach (var name in Networks)
        {
            if (top.Get(name) is not PyDict sd) continue;
            var flat = new Dictionary<string, PickledTensor>();
            foreach (var (k, v) in sd)
                flat[(string)k] = v as PickledTensor ?? throw new CheckpointException(source, $"{name}['{k}'] is a {PickleReader.Describe(v)}, not a tensor");
            sds[name] = flat;
        }
        var ignored = top.Keys.Select(k => k.ToString()!).Where(k => !Networks.Contains(k) && k != "init_kwargs").ToList();
        return new Contents(config, sds, "torch state dicts with init_kwargs", ignored);
    }

    private static PyDict InitKwargs(PersistentObject net, string name, string source) =>
        net.State.Get("_init_kwargs") as PyDict ?? throw new CheckpointException(source, $"{name} has no init_kwargs (the architecture cannot be recovered)");

    /// <summary>An nn.Module's pickled __dict__ to its state_dict: _parameters, persistent _buffers, then _modules, by dotted name.</summary>
    private static Dictionary<string, PickledTensor> Flatten(PersistentObject net, string name, string source)
    {
        var result = new Dictionary<string, PickledTensor>(StringComparer.Ordinal);
        void Walk(PyDict state, string prefix)
        {
            var nonPersistent = state.Get("_non_persistent_buffers_set") as HashSet<object?>;
            foreach (var (group, skip) in new[] { ("_parameters", (HashSet<object?>?)null), ("_buffers", nonPersistent) })
            {
                if (state.Get(group) is not PyDict tensors) continue;
                foreach (var (k, v) in tensors)
                {
                    if (v is null || skip?.Contains(k) == true) continue;
                    result[prefix + k] = v as PickledTensor
                        ?? throw new CheckpointException(source, $"{name}.{prefix}{k} is a {PickleReader.Describe(v)}, not a tensor");
                }
            }
            if (state.Get("_modules") is PyDict modules)
                foreach (var (k, v) in modules)
                    switch (v)
                    {
                        case null: break;
                        case PersistentObject child: Walk(child.State, $"{prefix}{k}."); break;
                        default: throw new CheckpointException(source, $"{name}.{prefix}{k} is a {PickleReader.Describe(v)}, not a network module");
                    }
        }
        Walk(net.State, "");
        return result;
    }

    private static GanModel Build(Contents contents, Provenance provenance, string source)
    {
        var config = contents.Config;
        GanModel model;
        using (var rng = get_rng_state())
        {
            try { model = GanModel.Create(config, seed: 0); }
            finally { set_rng_state(rng); }
        }
        ReleaseGarbage();   // the modules' init temporaries, before the file's tensors are copied in next to them
        try
        {
            var sds = new Dictionary<string, IReadOnlyDictionary<string, PickledTensor>>(contents.StateDicts);
            // A file without G (some exports keep only G_ema) trains on from G_ema; one without D gets a fresh D.
            if (!sds.ContainsKey("G")) { sds["G"] = sds["G_ema"]; provenance = Note(provenance, "import_G", "copied from G_ema (file has no G)"); }
            if (!sds.ContainsKey("D")) provenance = Note(provenance, "import_D", "freshly initialised (file has no D)");
            foreach (var (name, module) in new (string, nn.Module)[] { ("G", model.G), ("D", model.D), ("G_ema", model.GEma) })
                if (sds.TryGetValue(name, out var sd)) Copy(sd, module, name, contents.ModelDefaults, source);
            if (contents.EstimateWAvg)
            {
                EstimateWAvg(model.G); EstimateWAvg(model.GEma);
                provenance = Note(provenance, "import_w_avg", "estimated: mean mapping output of 10,000 z (seed 0); the file has none");
            }
            model.Provenance = provenance;
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static void Copy(IReadOnlyDictionary<string, PickledTensor> sd, nn.Module module, string name, Func<string, bool> keep, string source)
    {
        var targets = module.state_dict();
        foreach (var k in targets.Keys.Where(k => keep(k) && !sd.ContainsKey(k)).ToList()) targets.Remove(k);
        var missing = targets.Keys.Where(k => !sd.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
            throw new CheckpointException(source, $"{name} lacks tensor '{missing[0]}'" + (missing.Count > 1 ? $" (and {missing.Count - 1} more)" : "") +
                                                  $" that GenMerge's stylegan2 model with this config needs");
        var extra = sd.Keys.Where(k => !targets.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        if (extra.Count > 0)
            throw new CheckpointException(source, $"{name} tensor '{extra[0]}'" + (extra.Count > 1 ? $" (and {extra.Count - 1} more: {string.Join(", ", extra.Skip(1).Take(5))})" : "") +
                                                  " has no place in GenMerge's stylegan2 model; refusing to drop it");
        using var _ = no_grad();
        foreach (var (k, target) in targets)
        {
            var p = sd[k];
            if (!p.Shape.SequenceEqual(target.shape))
                throw new CheckpointException(source, $"{name}.{k}: shape [{string.Join(", ", p.Shape)}] in the file, GenMerge's model with this config has [{string.Join(", ", target.shape)}]");
            // a scope per tensor: the isfinite masks would otherwise wait for the finalizer (a quarter of the
            // model's bytes held at once)
            using var scope = NewDisposeScope();
            var t = p.ToTensor();
            if (SafeTensorsDType.IsFloating(t.dtype) && !t.isfinite().all().item<bool>())
                throw new CheckpointException(source, $"{name}.{k} contains NaN or Inf values");
            target.copy_(t);
        }
    }

    /// <summary>Frees unreachable tensors now (their native memory waits for finalizers otherwise).</summary>
    private static void ReleaseGarbage()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
    }

    private static void EstimateWAvg(GenMerge.Core.Models.Generator g)
    {
        if (g is not Models.StyleGan2.StyleGan2Generator sg) return;
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var gen = new TorchSharp.torch.Generator(0);
        var z = randn(new long[] { 10_000, sg.Config.ZDim }, generator: gen);
        var ws = sg.Mapping.forward(z, null, 1.0, updateWAvg: false);
        sg.Mapping.WAvg.copy_(ws.select(1, 0).mean(new long[] { 0 }));
    }

    private static Provenance Note(Provenance p, string key, string value) =>
        p with { Notes = new Dictionary<string, string>(p.Notes) { [key] = value } };

    private static string Sha256(string path)
    {
        using var s = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(s));
    }
}
