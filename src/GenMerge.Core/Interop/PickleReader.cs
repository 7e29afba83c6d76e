using System.Buffers.Binary;
using System.Numerics;
using System.Text;
using GenMerge.Core.Checkpoints;

namespace GenMerge.Core.Interop;

/// <summary>
/// A pickle VM (protocols 0-5, the opcodes torch and stylegan2-ada files use) that runs nothing of the file:
/// every global must be on the caller's allow-list, and a first dry pass over the whole pickle checks every
/// GLOBAL / STACK_GLOBAL / INST name before any handler is called. Errors are <see cref="CheckpointException"/>s
/// naming the file.
/// Hand-written rather than Razorvine.Pickle 1.5.0 because Razorvine keeps its constructor registry in one
/// process-wide static dictionary (TorchSharp.PyBridge registers its own torch handlers there) and turns any
/// unregistered global into a ClassDict with no way to refuse it, so a per-load allow-list cannot be enforced.
/// </summary>
public sealed class PickleReader
{
    private readonly string _source;
    private readonly IReadOnlyDictionary<string, PickleCallable?> _globals;
    private readonly Func<object?, object?>? _persistentLoad;

    /// <param name="globals">Allowed globals by "module.name"; the value is what calling it does (null: not callable, a plain value).</param>
    /// <param name="persistentLoad">Resolves persistent ids (torch storages); null: persistent ids are an error.</param>
    public PickleReader(string source, IReadOnlyDictionary<string, PickleCallable?> globals, Func<object?, object?>? persistentLoad = null)
    {
        _source = source; _globals = globals; _persistentLoad = persistentLoad;
    }

    /// <summary>Loads one pickle starting at <paramref name="position"/>; on return it is just past the STOP opcode.</summary>
    public object? Load(ReadOnlyMemory<byte> data, ref int position)
    {
        int start = position;
        var scan = new Machine(this, data, start, dryRun: true);
        scan.Run();
        foreach (var name in scan.Globals)
            if (!_globals.ContainsKey(name))
                throw new CheckpointException(_source, $"the pickle names the global '{name}', which is not on GenMerge's allow-list; refused before anything in it was loaded or run");
        var real = new Machine(this, data, start, dryRun: false);
        var result = real.Run();
        position = real.Position;
        return result;
    }

    public object? Load(ReadOnlyMemory<byte> data)
    {
        int p = 0;
        return Load(data, ref p);
    }

    private CheckpointException Corrupt(string what, int at) => new(_source, $"corrupt pickle at byte {at}: {what}");

    /// <summary>Placeholder for anything a dry pass would have had a handler build.</summary>
    private sealed class Opaque { public static readonly Opaque Value = new(); }

    private sealed class Mark { public static readonly Mark Value = new(); }

    private sealed class Machine(PickleReader owner, ReadOnlyMemory<byte> data, int position, bool dryRun)
    {
        private readonly List<object?> _stack = new();
        private readonly Dictionary<long, object?> _memo = new();
        private int _pos = position;
        public readonly HashSet<string> Globals = new(StringComparer.Ordinal);
        public int Position => _pos;
        private ReadOnlySpan<byte> D => data.Span;

        public object? Run()
        {
            try
            {
                while (true)
                {
                    int at = _pos;
                    byte op = Byte();
                    if (op == (byte)'.')
                    {
                        if (_stack.Count != 1) throw owner.Corrupt($"STOP with {_stack.Count} values on the stack", at);
                        return Pop();
                    }
                    Step(op, at);
                }
            }
            catch (CheckpointException) { throw; }
            catch (Exception e) when (e is InvalidCastException or ArgumentException or IndexOutOfRangeException or
                                          InvalidOperationException or FormatException or OverflowException or KeyNotFoundException or NullReferenceException)
            {
                throw owner.Corrupt(e.Message, _pos);
            }
        }

        private void Step(byte op, int at)
        {
            switch (op)
            {
                case 0x80: Byte(); break;                                             // PROTO
                case 0x95: Bytes(8); break;                                           // FRAME
                case (byte)'(': _stack.Add(Mark.Value); break;                        // MARK
                case (byte)'0': Pop(); break;                                         // POP
                case (byte)'1': PopMark(); break;                                     // POP_MARK
                case (byte)'2': _stack.Add(Peek()); break;                            // DUP
                case (byte)'N': _stack.Add(null); break;
                case 0x88: _stack.Add(true); break;
                case 0x89: _stack.Add(false); break;
                case (byte)'I':                                                       // INT (text; 00/01 are bools)
                {
                    var s = Line();
                    _stack.Add(s == "00" ? false : s == "01" ? true : long.Parse(s));
                    break;
                }
                case (byte)'J': _stack.Add((long)BinaryPrimitives.ReadInt32LittleEndian(Bytes(4))); break;
                case (byte)'K': _stack.Add((long)Byte()); break;
                case (byte)'M': _stack.Add((long)BinaryPrimitives.ReadUInt16LittleEndian(Bytes(2))); break;
                case (byte)'L': _stack.Add(Int(BigInteger.Parse(Line().TrimEnd('L')))); break;
                case 0x8a: _stack.Add(Int(new BigInteger(Bytes(Byte()), isUnsigned: false, isBigEndian: false))); break;
                case 0x8b: _stack.Add(Int(new BigInteger(Bytes(Length(BinaryPrimitives.ReadInt32LittleEndian(Bytes(4)))), false, false))); break;
                case (byte)'F': _stack.Add(double.Parse(Line(), System.Globalization.CultureInfo.InvariantCulture)); break;
                case (byte)'G': _stack.Add(BinaryPrimitives.ReadDoubleBigEndian(Bytes(8))); break;
                case (byte)'T': _stack.Add(Latin1(Bytes(Length(BinaryPrimitives.ReadInt32LittleEndian(Bytes(4)))))); break;
                case (byte)'U': _stack.Add(Latin1(Bytes(Byte()))); break;
                case (byte)'X': _stack.Add(Utf8(Bytes(Length(BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4)))))); break;
                case 0x8c: _stack.Add(Utf8(Bytes(Byte()))); break;
                case 0x8d: _stack.Add(Utf8(Bytes(Length(BinaryPrimitives.ReadInt64LittleEndian(Bytes(8)))))); break;
                case (byte)'B': _stack.Add(Blob(Length(BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4))))); break;
                case (byte)'C': _stack.Add(Blob(Byte())); break;
                case 0x8e: case 0x96: _stack.Add(Blob(Length(BinaryPrimitives.ReadInt64LittleEndian(Bytes(8))))); break;
                case (byte)']': _stack.Add(new List<object?>()); break;
                case (byte)'l': _stack.Add(new List<object?>(PopMark())); break;
                case (byte)'a': { var v = Pop(); if (Peek() is List<object?> l) l.Add(v); else Dry("APPEND to a non-list"); break; }
                case (byte)'e': { var vs = PopMark(); if (Peek() is List<object?> l) l.AddRange(vs); else Dry("APPENDS to a non-list"); break; }
                case (byte)')': _stack.Add(Array.Empty<object?>()); break;
                case (byte)'t': _stack.Add(PopMark()); break;
                case 0x85: _stack.Add(new[] { Pop() }); break;
                case 0x86: { var b = Pop(); var a = Pop(); _stack.Add(new[] { a, b }); break; }
                case 0x87: { var c = Pop(); var b = Pop(); var a = Pop(); _stack.Add(new[] { a, b, c }); break; }
                case (byte)'}': _stack.Add(new PyDict()); break;
                case (byte)'d': { var d = new PyDict(); SetItems(d, PopMark()); _stack.Add(d); break; }
                case (byte)'s': { var v = Pop(); var k = Pop(); SetItems(Peek(), new[] { k, v }); break; }
                case (byte)'u': { var kv = PopMark(); SetItems(Peek(), kv); break; }
                case 0x8f: _stack.Add(new HashSet<object?>(PickleKeyComparer.Instance)); break;
                case 0x90: { var vs = PopMark(); if (Peek() is HashSet<object?> s) s.UnionWith(vs); else Dry("ADDITEMS to a non-set"); break; }
                case 0x91: _stack.Add(new HashSet<object?>(PopMark(), PickleKeyComparer.Instance)); break;
                case (byte)'c': _stack.Add(Global(Line(), Line())); break;            // GLOBAL
                case 0x93:                                                            // STACK_GLOBAL
                {
                    var name = Pop(); var module = Pop();
                    if (module is not string m || name is not string n) throw owner.Corrupt("STACK_GLOBAL without two strings", at);
                    _stack.Add(Global(m, n));
                    break;
                }
                case (byte)'i':                                                       // INST module name, args since MARK
                {
                    var g = Global(Line(), Line());
                    _stack.Add(Call(g, PopMark()));
                    break;
                }
                case (byte)'o': { var items = PopMark(); _stack.Add(Call(items[0], items[1..])); break; }   // OBJ
                case (byte)'R': { var args = Pop(); var f = Pop(); _stack.Add(Call(f, Tuple(args))); break; } // REDUCE
                case 0x81: { var args = Pop(); var cls = Pop(); _stack.Add(Call(cls, Tuple(args))); break; }  // NEWOBJ
                case 0x92:                                                                                       // NEWOBJ_EX
                {
                    var kwargs = Pop(); var args = Pop(); var cls = Pop();
                    if (kwargs is PyDict { Count: > 0 }) throw owner.Corrupt("NEWOBJ_EX with keyword arguments", at);
                    _stack.Add(Call(cls, Tuple(args)));
                    break;
                }
                case (byte)'b': { var state = Pop(); Build(Peek(), state); break; }   // BUILD
                case (byte)'p': _memo[long.Parse(Line())] = Peek(); break;
                case (byte)'q': _memo[Byte()] = Peek(); break;
                case (byte)'r': _memo[BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4))] = Peek(); break;
                case 0x94: _memo[_memo.Count] = Peek(); break;                        // MEMOIZE
                case (byte)'g': _stack.Add(Memo(long.Parse(Line()), at)); break;
                case (byte)'h': _stack.Add(Memo(Byte(), at)); break;
                case (byte)'j': _stack.Add(Memo(BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4)), at)); break;
                case (byte)'P': _stack.Add(Persistent(Line())); break;                // PERSID
                case (byte)'Q': _stack.Add(Persistent(Pop())); break;                 // BINPERSID
                case 0x97: break;                                                     // READONLY_BUFFER: no-op
                default: throw owner.Corrupt($"unsupported or invalid opcode 0x{op:x2}", at);
            }
        }

        /// <summary>
        /// bytes: a slice of the input, never a copy (a network pickle's tensors are hundreds of MB of them, and a
        /// copy per bytes object kept a second whole file resident, held by the memo).
        /// </summary>
        private object Blob(int n)
        {
            if (n < 0 || n > D.Length - _pos) throw Truncated();
            var slice = data.Slice(_pos, n);
            _pos += n;
            return dryRun ? Opaque.Value : slice;
        }

        private object Global(string module, string name)
        {
            var full = $"{module}.{name}";
            Globals.Add(full);
            if (dryRun) return new PickleGlobal(module, name, null);
            return new PickleGlobal(module, name, owner._globals[full]);
        }

        private object? Call(object? f, object?[] args)
        {
            if (dryRun) return Opaque.Value;
            if (f is not PickleGlobal g) throw new CheckpointException(owner._source, $"corrupt pickle: calls a {Describe(f)}, not a global");
            if (g.Call is null) throw new CheckpointException(owner._source, $"the pickle calls '{g.FullName}', which GenMerge reads only as a value");
            try { return g.Call(args); }
            catch (CheckpointException) { throw; }
            catch (Exception e) when (e is InvalidCastException or ArgumentException or IndexOutOfRangeException or InvalidOperationException or NullReferenceException)
            {
                throw new CheckpointException(owner._source, $"'{g.FullName}' called with arguments it cannot take ({e.Message})");
            }
        }

        private void Build(object? target, object? state)
        {
            if (dryRun) return;
            switch (target)
            {
                case IPickleBuildable b: b.SetState(state); break;
                // argparse.Namespace: its state is its attributes, which is all we read of it
                case PyDict { ClassName: "argparse.Namespace" } d when state is PyDict s: foreach (var kv in s) d[kv.Key] = kv.Value; break;
                // OrderedDict / EasyDict: BUILD sets instance attributes (a state dict's _metadata), not items
                case PyDict d when state is PyDict s: d.Attributes = s; break;
                case PyDict when state is null: break;
                default: throw new CheckpointException(owner._source, $"corrupt pickle: BUILD on a {Describe(target)}");
            }
        }

        private object? Persistent(object? pid)
        {
            if (dryRun) return Opaque.Value;
            if (owner._persistentLoad is null) throw new CheckpointException(owner._source, "the pickle has persistent ids (storages) but is not inside a torch file");
            return owner._persistentLoad(pid);
        }

        private void SetItems(object? target, IReadOnlyList<object?> kv)
        {
            if (kv.Count % 2 != 0) throw owner.Corrupt("odd number of dict items", _pos);
            if (target is not PyDict d) { Dry("SETITEM on a non-dict"); return; }
            for (int i = 0; i < kv.Count; i += 2)
                d[kv[i] ?? throw owner.Corrupt("None as a dict key is not supported", _pos)] = kv[i + 1];
        }

        /// <summary>In the dry pass handler results are placeholders, so container ops on them are skipped.</summary>
        private void Dry(string what)
        {
            if (!dryRun) throw owner.Corrupt(what, _pos);
        }

        private object? Memo(long key, int at) => _memo.TryGetValue(key, out var v) ? v : throw owner.Corrupt($"memo key {key} not set", at);

        private object?[] Tuple(object? args) => args as object?[] ?? throw new InvalidCastException($"arguments are a {Describe(args)}, not a tuple");

        private object? Pop()
        {
            if (_stack.Count == 0) throw owner.Corrupt("stack underflow", _pos);
            var v = _stack[^1];
            _stack.RemoveAt(_stack.Count - 1);
            if (v is Mark) throw owner.Corrupt("unexpected MARK", _pos);
            return v;
        }

        private object? Peek() => _stack.Count > 0 && _stack[^1] is not Mark ? _stack[^1] : throw owner.Corrupt("stack underflow", _pos);

        private object?[] PopMark()
        {
            int i = _stack.FindLastIndex(v => v is Mark);
            if (i < 0) throw owner.Corrupt("no MARK on the stack", _pos);
            var items = _stack.GetRange(i + 1, _stack.Count - i - 1).ToArray();
            _stack.RemoveRange(i, _stack.Count - i);
            return items;
        }

        private byte Byte()
        {
            if (_pos >= D.Length) throw Truncated();
            return D[_pos++];
        }

        private ReadOnlySpan<byte> Bytes(int n)
        {
            if (n < 0 || n > D.Length - _pos) throw Truncated();
            var s = D.Slice(_pos, n);
            _pos += n;
            return s;
        }

        private int Length(long n) => n < 0 || n > D.Length - _pos ? throw Truncated() : (int)n;

        private string Line()
        {
            int i = D[_pos..].IndexOf((byte)'\n');
            if (i < 0) throw Truncated();
            var s = Encoding.UTF8.GetString(D.Slice(_pos, i));
            _pos += i + 1;
            return s.EndsWith('\r') ? s[..^1] : s;
        }

        private CheckpointException Truncated() => new(owner._source, $"truncated pickle: it ends at byte {D.Length} before its STOP opcode");

        private static object Int(BigInteger v) => v >= long.MinValue && v <= long.MaxValue ? (long)v : v;
        private static string Utf8(ReadOnlySpan<byte> b) => Encoding.UTF8.GetString(b);
        private static string Latin1(ReadOnlySpan<byte> b) => Encoding.Latin1.GetString(b);
    }

    internal static string Describe(object? v) => v switch
    {
        null => "None",
        PickleGlobal g => $"global {g.FullName}",
        PersistentObject p => $"persistent object {p.ClassName}",
        _ => v.GetType().Name,
    };
}

/// <summary>Python-like key equality: strings and numbers by value, tuples element-wise.</summary>
public sealed class PickleKeyComparer : IEqualityComparer<object?>
{
    public static readonly PickleKeyComparer Instance = new();

    public new bool Equals(object? x, object? y) => (x, y) switch
    {
        (object?[] a, object?[] b) => a.Length == b.Length && a.Zip(b).All(p => Equals(p.First, p.Second)),
        _ => object.Equals(x, y),
    };

    public int GetHashCode(object? o) => o switch
    {
        null => 0,
        object?[] a => a.Aggregate(17, (h, v) => h * 31 + GetHashCode(v)),
        _ => o.GetHashCode(),
    };
}
