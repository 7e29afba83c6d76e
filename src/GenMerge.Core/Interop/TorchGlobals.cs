using System.Numerics;
using System.Text;
using GenMerge.Core.Checkpoints;

namespace GenMerge.Core.Interop;

/// <summary>
/// The allow-list of globals that torch checkpoints and stylegan2-ada-pytorch network pickles use, each with a
/// handler of ours. Nothing here runs code from the file: persistence objects keep only class name and state.
/// </summary>
internal static class TorchGlobals
{
    /// <param name="loadLegacy">Reads a legacy (non-zip) torch.save stream: what <c>torch.storage._load_from_bytes</c> gets.</param>
    public static Dictionary<string, PickleCallable?> Create(string source, Func<ReadOnlyMemory<byte>, object?> loadLegacy)
    {
        var g = new Dictionary<string, PickleCallable?>(StringComparer.Ordinal)
        {
            ["collections.OrderedDict"] = args => Dict("collections.OrderedDict", args),
            ["builtins.dict"] = args => Dict("builtins.dict", args),
            ["dnnlib.util.EasyDict"] = args => Dict("dnnlib.util.EasyDict", args),
            // rosinality's train.py saves its command-line args; an object whose BUILD state is its attributes
            ["argparse.Namespace"] = args => Dict("argparse.Namespace", []),
            ["builtins.set"] = args => new HashSet<object?>(args.Length > 0 && args[0] is IEnumerable<object?> e ? e : [], PickleKeyComparer.Instance),
            ["builtins.frozenset"] = args => new HashSet<object?>(args.Length > 0 && args[0] is IEnumerable<object?> e ? e : [], PickleKeyComparer.Instance),
            // protocol-2 pickles of bytes: _codecs.encode(latin1 text, 'latin1')
            ["_codecs.encode"] = args => (ReadOnlyMemory<byte>)Encoding.Latin1.GetBytes((string)args[0]!),
            ["torch._utils._rebuild_tensor_v2"] = args => RebuildTensor(source, args),
            ["torch._utils._rebuild_tensor"] = args => RebuildTensor(source, args),
            // a Parameter is its data for our purposes (requires_grad and hooks do not travel into GenMerge)
            ["torch._utils._rebuild_parameter"] = args => (PickledTensor)args[0]!,
            ["torch.storage._load_from_bytes"] = args => loadLegacy(Bytes(args[0])),
            ["torch_utils.persistence._reconstruct_persistent_obj"] = args => Persistent(source, (PyDict)args[0]!),
            ["numpy.dtype"] = args => new NumpyDType((string)args[0]!),
            ["numpy.core.multiarray.scalar"] = args => NumpyScalar(source, (NumpyDType)args[0]!, Bytes(args[1]).ToArray()),
            ["numpy._core.multiarray.scalar"] = args => NumpyScalar(source, (NumpyDType)args[0]!, Bytes(args[1]).ToArray()),
        };
        foreach (var t in TorchStorageType.All) g[$"torch.{t.Name}"] = null;   // storage classes are only named (in persistent ids)
        return g;
    }

    private static PyDict Dict(string className, object?[] args)
    {
        var d = new PyDict { ClassName = className };
        if (args.Length > 0 && args[0] is IEnumerable<object?> pairs)
            foreach (var p in pairs)
                if (p is object?[] { Length: 2 } kv) d[kv[0]!] = kv[1];
        return d;
    }

    private static PickledTensor RebuildTensor(string source, object?[] args)
    {
        if (args.Length < 4 || args[0] is not TorchStorage storage)
            throw new CheckpointException(source, $"tensor rebuilt from a {PickleReader.Describe(args.ElementAtOrDefault(0))}, not a storage");
        return new PickledTensor(source, storage, Long(args[1]), Longs(args[2]), Longs(args[3]));
    }

    private static PersistentObject Persistent(string source, PyDict meta)
    {
        if (meta.Get("type") is not "class")
            throw new CheckpointException(source, $"persistent object of type '{meta.Get("type")}' is not supported (only persistent classes)");
        var name = meta.Get("class_name") as string ?? throw new CheckpointException(source, "persistent object without class_name");
        var state = meta.Get("state") as PyDict ?? throw new CheckpointException(source, $"persistent object '{name}' has no state dict");
        return new PersistentObject(name, state, (meta.Get("module_src") as string)?.Length ?? 0);
    }

    private static object NumpyScalar(string source, NumpyDType dtype, byte[] b)
    {
        if (dtype.ByteOrder == ">") Array.Reverse(b);
        return dtype.Code switch
        {
            "f8" => BitConverter.ToDouble(b),
            "f4" => (double)BitConverter.ToSingle(b),
            "i8" => BitConverter.ToInt64(b),
            "i4" => (long)BitConverter.ToInt32(b),
            "u8" => (object)new BigInteger(BitConverter.ToUInt64(b)),
            "u4" => (long)BitConverter.ToUInt32(b),
            "b1" => b[0] != 0,
            _ => throw new CheckpointException(source, $"numpy scalar of dtype '{dtype.Code}' is not supported"),
        };
    }

    internal static ReadOnlyMemory<byte> Bytes(object? v) => v is ReadOnlyMemory<byte> m ? m
        : throw new InvalidCastException($"expected bytes, found {PickleReader.Describe(v)}");

    internal static long Long(object? v) => v switch
    {
        long l => l,
        bool b => b ? 1 : 0,
        _ => throw new InvalidCastException($"expected an int, found {PickleReader.Describe(v)}"),
    };

    internal static long[] Longs(object? v) => v is object?[] t ? t.Select(Long).ToArray()
        : throw new InvalidCastException($"expected a tuple of ints, found {PickleReader.Describe(v)}");
}
