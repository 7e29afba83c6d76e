using System.Text;
using GenMerge.Core.Checkpoints;
using GenMerge.Core.Interop;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace GenMerge.Core.Tests.Interop;

public class PickleReaderTests
{
    [Theory]
    [InlineData("state_dict_zip.pt")]
    [InlineData("state_dict_legacy.pt")]
    public void Torch_state_dicts_read_with_views_dtypes_and_parameters(string file)
    {
        var sd = Assert.IsType<PyDict>(TorchFile.Load(Fixtures.Path("interop", file)));
        Assert.Equal("collections.OrderedDict", sd.ClassName);
        Assert.Equal(new[] { "a.weight", "a.weight_t", "b.half", "b.long", "b.slice", "b.param" }, sd.Keys.Cast<string>());
        using var a = T(sd, "a.weight");
        using var expected = arange(12, ScalarType.Float32).reshape(3, 4);
        Assert.True(a.allclose(expected, 0, 0));
        using var at = T(sd, "a.weight_t");
        Assert.True(at.allclose(expected.t(), 0, 0));
        using var half = T(sd, "b.half");
        Assert.Equal(ScalarType.Float16, half.dtype);
        Assert.Equal(new float[] { 0, 0.25f, 0.5f, 0.75f, 1 }, half.to_type(ScalarType.Float32).data<float>().ToArray());
        using var lng = T(sd, "b.long");
        Assert.Equal(new long[] { -1, 0, 1 }, lng.data<long>().ToArray());
        using var slice = T(sd, "b.slice");
        Assert.Equal(new double[] { 2, 4, 6 }, slice.data<double>().ToArray());
        using var param = T(sd, "b.param");
        Assert.Equal(new long[] { 2, 2 }, param.shape);
    }

    [Fact]
    public void Persistence_objects_keep_class_name_and_state_and_never_run_module_src()
    {
        File.Delete("/tmp/genmerge-module-src-ran");
        var top = Assert.IsType<PyDict>(TorchFile.Load(Fixtures.Path("interop", "persistent.pkl")));
        var g = Assert.IsType<PersistentObject>(top.Get("G"));
        Assert.Equal("fixture_module.Persistent", g.ClassName);
        Assert.True(g.ModuleSourceLength > 0);
        Assert.Equal(3L, g.State.Get("width"));
        var parameters = Assert.IsType<PyDict>(g.State.Get("_parameters"));
        using var w = Assert.IsType<PickledTensor>(parameters.Get("weight")).ToTensor();
        Assert.True(w.allclose(arange(6, ScalarType.Float32).reshape(2, 3), 0, 0));
        var kwargs = Assert.IsType<PyDict>(top.Get("training_set_kwargs"));
        Assert.Equal("dnnlib.util.EasyDict", kwargs.ClassName);
        Assert.Equal(7L, kwargs.Get("max_size"));
        Assert.False(File.Exists("/tmp/genmerge-module-src-ran"));
    }

    [Theory]
    [InlineData("evil_os_system.pkl")]
    [InlineData("evil_os_system.pt")]
    public void Python_made_payloads_are_refused_and_nothing_runs(string file)
    {
        File.Delete("/tmp/genmerge-evil-marker");
        var e = Assert.Throws<CheckpointException>(() => TorchFile.Load(Fixtures.Path("interop", file)));
        Assert.Contains("'posix.system'", e.Message);
        Assert.Contains(file, e.Message);
        Assert.False(File.Exists("/tmp/genmerge-evil-marker"));
    }

    [Theory]
    [InlineData("os", "system")]
    [InlineData("builtins", "eval")]
    [InlineData("subprocess", "Popen")]
    [InlineData("builtins", "getattr")]
    public void Any_global_off_the_allow_list_stops_the_load_before_anything_is_called(string module, string name)
    {
        var marker = Path.Combine(Path.GetTempPath(), $"genmerge-marker-{Guid.NewGuid():N}");
        foreach (var data in new[] { Protocol2Payload(module, name, $"touch {marker}"), Protocol4Payload(module, name, $"touch {marker}") })
        {
            var e = Assert.Throws<CheckpointException>(() => TorchFile.Load(data, "evil.pkl"));
            Assert.StartsWith("evil.pkl: ", e.Message);
            Assert.Contains($"'{module}.{name}'", e.Message);
            Assert.False(File.Exists(marker));
        }
    }

    [Fact]
    public void Allowed_handlers_do_not_run_when_a_later_global_is_refused()
    {
        // OrderedDict() is called, then os.system named: the dry pass refuses the whole pickle first.
        var bytes = new List<byte> { 0x80, 2 };
        bytes.AddRange(Encoding.ASCII.GetBytes("ccollections\nOrderedDict\n)R"));
        bytes.AddRange(Encoding.ASCII.GetBytes("cos\nsystem\n"));
        bytes.AddRange(new byte[] { (byte)'X', 4, 0, 0, 0 });
        bytes.AddRange(Encoding.ASCII.GetBytes("true"));
        bytes.AddRange(new byte[] { 0x85, (byte)'R', 0x86, (byte)'.' });
        var e = Assert.Throws<CheckpointException>(() => TorchFile.Load(bytes.ToArray(), "evil.pkl"));
        Assert.Contains("'os.system'", e.Message);
    }

    [Fact]
    public void Truncated_and_corrupt_files_are_one_line_errors()
    {
        var zip = File.ReadAllBytes(Fixtures.Path("interop", "state_dict_zip.pt"));
        var legacy = File.ReadAllBytes(Fixtures.Path("interop", "state_dict_legacy.pt"));
        var pkl = File.ReadAllBytes(Fixtures.Path("interop", "persistent.pkl"));
        foreach (var (data, name) in new[] { (zip[..(zip.Length / 2)], "z.pt"), (legacy[..(legacy.Length - 7)], "l.pt"),
                                             (legacy[..200], "l2.pt"), (pkl[..(pkl.Length / 2)], "p.pkl"), (new byte[] { 1, 2, 3 }, "junk.pkl") })
        {
            var e = Assert.Throws<CheckpointException>(() => TorchFile.Load(data, name));
            Assert.StartsWith(name + ": ", e.Message);
            Assert.DoesNotContain('\n', e.Message);
        }
        var flipped = (byte[])pkl.Clone();
        flipped[pkl.Length / 3] = 0xff;
        Assert.Throws<CheckpointException>(() => TorchFile.Load(flipped, "f.pkl"));
    }

    [Fact]
    public void A_tensor_view_past_its_storage_is_refused()
    {
        var storage = new TorchStorage(TorchStorageType.All[0], 4, new byte[16]);
        var e = Assert.Throws<CheckpointException>(() => new PickledTensor("x.pt", storage, 1, [2, 2], [2, 1]));
        Assert.Contains("storage that holds 4", e.Message);
        Assert.Throws<CheckpointException>(() => new PickledTensor("x.pt", storage, 0, [5], [1]));
        Assert.Throws<CheckpointException>(() => new PickledTensor("x.pt", storage, -1, [1], [1]));
        using var ok = new PickledTensor("x.pt", storage, 0, [2, 2], [2, 1]).ToTensor();
        Assert.Equal(new long[] { 2, 2 }, ok.shape);
    }

    [Fact]
    public void A_zip_storage_smaller_than_declared_is_refused()
    {
        var zip = File.ReadAllBytes(Fixtures.Path("interop", "state_dict_zip.pt"));
        using var ms = new MemoryStream();
        ms.Write(zip);
        using (var archive = new System.IO.Compression.ZipArchive(ms, System.IO.Compression.ZipArchiveMode.Update, leaveOpen: true))
        {
            var entry = archive.Entries.First(en => en.FullName.Contains("/data/") && !en.FullName.EndsWith("/"));
            var name = entry.FullName;
            entry.Delete();
            using var s = archive.CreateEntry(name).Open();
            s.Write(new byte[4]);
        }
        var e = Assert.Throws<CheckpointException>(() => TorchFile.Load(ms.ToArray(), "short.pt"));
        Assert.Contains("need", e.Message);
    }

    private static Tensor T(PyDict sd, string name) => Assert.IsType<PickledTensor>(sd.Get(name)).ToTensor();

    private static byte[] Protocol2Payload(string module, string name, string arg)
    {
        var s = new List<byte> { 0x80, 2 };
        s.AddRange(Encoding.ASCII.GetBytes($"c{module}\n{name}\n"));
        var a = Encoding.UTF8.GetBytes(arg);
        s.Add((byte)'X'); s.AddRange(BitConverter.GetBytes(a.Length)); s.AddRange(a);
        s.AddRange(new byte[] { 0x85, (byte)'R', (byte)'.' });
        return s.ToArray();
    }

    private static byte[] Protocol4Payload(string module, string name, string arg)
    {
        var s = new List<byte> { 0x80, 4 };
        foreach (var str in new[] { module, name })
        {
            var b = Encoding.UTF8.GetBytes(str);
            s.Add(0x8c); s.Add((byte)b.Length); s.AddRange(b); s.Add(0x94);
        }
        s.Add(0x93); s.Add(0x94);
        var a = Encoding.UTF8.GetBytes(arg);
        s.Add(0x8c); s.Add((byte)a.Length); s.AddRange(a);
        s.AddRange(new byte[] { 0x85, (byte)'R', (byte)'.' });
        return s.ToArray();
    }
}
