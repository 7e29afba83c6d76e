namespace GenMerge.Core.Interop;

// The values a PickleReader builds. Python's None, bool, int, float, str, bytes become null, bool, long (or
// BigInteger), double, string, ReadOnlyMemory<byte> (a slice of the input, not a copy); list -> List<object?>, tuple -> object?[], dict -> PyDict,
// set/frozenset -> HashSet<object?>. Everything else is one of the records below, made by an allow-listed handler.

/// <summary>A Python dict (also OrderedDict, EasyDict): keys in insertion order.</summary>
public sealed class PyDict : System.Collections.Generic.OrderedDictionary<object, object?>
{
    public PyDict() : base(PickleKeyComparer.Instance) { }

    /// <summary>The Python class it was made as ("builtins.dict", "collections.OrderedDict", "dnnlib.util.EasyDict").</summary>
    public string ClassName { get; init; } = "builtins.dict";

    public object? Get(string key) => TryGetValue(key, out var v) ? v : null;

    /// <summary>Instance attributes set by BUILD (e.g. a state dict's <c>_metadata</c>), kept apart from the items.</summary>
    public PyDict? Attributes { get; set; }
}

/// <summary>A global (class or function) named by the pickle and found on the allow-list.</summary>
public sealed record PickleGlobal(string Module, string Name, PickleCallable? Call)
{
    public string FullName => $"{Module}.{Name}";
}

/// <summary>What an allow-listed global does when the pickle calls it (REDUCE / NEWOBJ).</summary>
public delegate object? PickleCallable(object?[] args);

/// <summary>An object a handler made that accepts a BUILD (Python's __setstate__).</summary>
public interface IPickleBuildable
{
    void SetState(object? state);
}

/// <summary>
/// stylegan2-ada-pytorch's <c>torch_utils.persistence</c> object: its class name and pickled state (for a
/// network, the nn.Module __dict__: _parameters, _buffers, _modules, init args, attributes). The embedded
/// module source is never run, only its length kept for messages.
/// </summary>
public sealed record PersistentObject(string ClassName, PyDict State, int ModuleSourceLength);

/// <summary>A numpy dtype (<c>numpy.dtype('f8', False, True)</c> plus its BUILD state).</summary>
public sealed class NumpyDType(string code) : IPickleBuildable
{
    public string Code { get; } = code;
    public string ByteOrder { get; private set; } = "<";
    public void SetState(object? state)
    {
        if (state is object?[] { Length: >= 2 } t && t[1] is string order) ByteOrder = order;
    }
}
