using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using GenMerge.Core.Checkpoints;
using GenMerge.Core.Models;
using static TorchSharp.torch;

namespace GenMerge.Core.Interop;

/// <summary>
/// Writes a GenMerge stylegan2 model for PyTorch: a torch zip file that <c>torch.load(f, weights_only=True)</c>
/// opens, <c>{"G_ema": state_dict, "G": ..., "D": ..., "init_kwargs": {"G": {...}, "D": {...}}}</c> with
/// stylegan2-ada-pytorch names, or one network's state dict as plain safetensors (init_kwargs in its metadata).
/// The pickle is written here by hand (protocol 2, only the opcodes torch's weights_only unpickler accepts):
/// Razorvine's Pickler has no persistent-id hook for storages and writes .NET dictionaries as plain dicts, not
/// the OrderedDicts state dicts are.
/// </summary>
public static class TorchExport
{
    public static readonly string[] Networks = ["G_ema", "G", "D"];

    public static void SavePt(GanModel model, string path) => AtomicFile.Write(path, s => WritePt(model, s));

    public static void SaveSafeTensors(GanModel model, string path, string network = "G_ema")
    {
        var (gk, dk) = ReferenceConfig.ToInitKwargs(model.Config);
        var module = Module(model, network);
        var tensors = module.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value);
        var meta = new Dictionary<string, string>
        {
            ["format"] = "stylegan2-ada-pytorch state dict",
            ["network"] = network,
            ["init_kwargs"] = JsonSerializer.Serialize(ToJson(network == "D" ? dk : gk)),
        };
        SafeTensors.Save(path, tensors, meta);
    }

    public static void WritePt(GanModel model, Stream stream)
    {
        var (gk, dk) = ReferenceConfig.ToInitKwargs(model.Config);
        var storages = new List<Tensor>();
        var w = new PickleWriter();
        w.Proto();
        w.Dict(() =>
        {
            foreach (var net in Networks)
            {
                w.Str(net);
                w.OrderedDict(() =>
                {
                    foreach (var (name, t) in Module(model, net).state_dict())
                    {
                        w.Str(name);
                        w.Tensor(t, storages);
                    }
                });
            }
            w.Str("init_kwargs");
            w.Dict(() => { w.Str("G"); w.Value(gk); w.Str("D"); w.Value(dk); });
        });
        w.Stop();

        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        void Entry(string name, ReadOnlySpan<byte> bytes)
        {
            using var s = zip.CreateEntry("archive/" + name, CompressionLevel.NoCompression).Open();
            s.Write(bytes);
        }
        Entry("data.pkl", w.ToArray());
        Entry("byteorder", "little"u8);
        for (int i = 0; i < storages.Count; i++)
        {
            using var scope = NewDisposeScope();
            Entry($"data/{i}", storages[i].detach().cpu().contiguous().bytes);
        }
        Entry("version", "3\n"u8);
    }

    private static TorchSharp.torch.nn.Module Module(GanModel model, string network) => network switch
    {
        "G_ema" => model.GEma,
        "G" => model.G,
        "D" => model.D,
        _ => throw new ArgumentException($"--network: '{network}' (expected G_ema, G or D)"),
    };

    private static object? ToJson(object? v) => v switch
    {
        PyDict d => d.ToDictionary(kv => (string)kv.Key, kv => ToJson(kv.Value)),
        _ => v,
    };

    /// <summary>Protocol-2 pickle opcodes for the few value kinds a state-dict file holds.</summary>
    private sealed class PickleWriter
    {
        private readonly MemoryStream _s = new();

        public byte[] ToArray() => _s.ToArray();
        public void Proto() { _s.WriteByte(0x80); _s.WriteByte(2); }
        public void Stop() => _s.WriteByte((byte)'.');

        public void Str(string v)
        {
            var b = Encoding.UTF8.GetBytes(v);
            _s.WriteByte((byte)'X');
            Int32(b.Length);
            _s.Write(b);
        }

        public void Int(long v)
        {
            if (v is >= int.MinValue and <= int.MaxValue) { _s.WriteByte((byte)'J'); Int32((int)v); return; }
            _s.WriteByte(0x8a); _s.WriteByte(8);
            Span<byte> b = stackalloc byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(b, v);
            _s.Write(b);
        }

        public void Value(object? v)
        {
            switch (v)
            {
                case null: _s.WriteByte((byte)'N'); break;
                case bool b: _s.WriteByte(b ? (byte)0x88 : (byte)0x89); break;
                case long l: Int(l); break;
                case int i: Int(i); break;
                case string s: Str(s); break;
                case double d:
                    _s.WriteByte((byte)'G');
                    Span<byte> buf = stackalloc byte[8];
                    BinaryPrimitives.WriteDoubleBigEndian(buf, d);
                    _s.Write(buf);
                    break;
                case PyDict d: Dict(() => { foreach (var (k, x) in d) { Value(k); Value(x); } }); break;
                default: throw new NotSupportedException($"cannot pickle a {v.GetType().Name}");
            }
        }

        /// <summary>A dict: EMPTY_DICT, then MARK items SETITEMS (as Python's pickler).</summary>
        public void Dict(Action items)
        {
            _s.WriteByte((byte)'}');
            _s.WriteByte((byte)'(');
            items();
            _s.WriteByte((byte)'u');
        }

        /// <summary>collections.OrderedDict() then its items, as torch pickles a state dict.</summary>
        public void OrderedDict(Action items)
        {
            Global("collections", "OrderedDict");
            _s.WriteByte((byte)')');
            _s.WriteByte((byte)'R');
            _s.WriteByte((byte)'(');
            items();
            _s.WriteByte((byte)'u');
        }

        /// <summary>_rebuild_tensor_v2(storage, 0, size, stride, False, OrderedDict()), storage a persistent id into data/N.</summary>
        public void Tensor(Tensor t, List<Tensor> storages)
        {
            int key = storages.Count;
            storages.Add(t);
            var shape = t.shape;
            var stride = new long[shape.Length];
            long acc = 1;
            for (int i = shape.Length - 1; i >= 0; i--) { stride[i] = acc; acc *= shape[i]; }
            Global("torch._utils", "_rebuild_tensor_v2");
            _s.WriteByte((byte)'(');
            _s.WriteByte((byte)'(');   // persistent id tuple
            Str("storage"); Global("torch", TorchStorageType.ForDType(t.dtype).Name); Str(key.ToString(System.Globalization.CultureInfo.InvariantCulture)); Str("cpu"); Int(t.numel());
            _s.WriteByte((byte)'t');
            _s.WriteByte((byte)'Q');
            Int(0);
            Tuple(shape); Tuple(stride);
            _s.WriteByte(0x89);
            OrderedDict(() => { });
            _s.WriteByte((byte)'t');
            _s.WriteByte((byte)'R');
        }

        private void Tuple(long[] values)
        {
            _s.WriteByte((byte)'(');
            foreach (var v in values) Int(v);
            _s.WriteByte((byte)'t');
        }

        private void Global(string module, string name) => _s.Write(Encoding.ASCII.GetBytes($"c{module}\n{name}\n"));

        private void Int32(int v)
        {
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(b, v);
            _s.Write(b);
        }
    }
}
