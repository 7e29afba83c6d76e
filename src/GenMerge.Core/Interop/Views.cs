using GenMerge.Core.Checkpoints;

namespace GenMerge.Core.Interop;

/// <summary>Shape changes on pickled tensors without copying their storage (what a name mapping between ports needs).</summary>
internal static class Views
{
    /// <summary>Same elements, new shape; the view must be contiguous (torch.save'd parameters are).</summary>
    public static PickledTensor Reshape(PickledTensor x, params long[] shape)
        => Reshape(x, shape, "tensor");

    public static PickledTensor Reshape(PickledTensor x, long[] shape, string source)
    {
        long n = x.Shape.Aggregate(1L, (a, b) => a * b), m = shape.Aggregate(1L, (a, b) => a * b);
        if (n != m) throw new CheckpointException(source, $"cannot view [{string.Join(", ", x.Shape)}] as [{string.Join(", ", shape)}]");
        if (!Contiguous(x)) throw new CheckpointException(source, $"tensor [{string.Join(", ", x.Shape)}] is not contiguous");
        return new PickledTensor(source, x.Storage, x.Offset, shape, ContiguousStrides(shape));
    }

    /// <summary>Reverses the last two (spatial) axes: a view with negative strides is not allowed, so it is copied.</summary>
    public static PickledTensor Flip(PickledTensor x, string source)
    {
        using var t = x.ToTensor();
        using var f = t.flip(-2, -1).contiguous();
        var bytes = f.bytes.ToArray();
        var storage = new TorchStorage(x.Storage.Type, f.numel(), bytes);
        return new PickledTensor(source, storage, 0, x.Shape, ContiguousStrides(x.Shape));
    }

    /// <summary>Checks a stored FIR kernel is the [1,3,3,1] outer product (any scale), the filter GenMerge's model has.</summary>
    public static void CheckFir(PickledTensor k, int taps, string source)
    {
        using var t = k.ToTensor();
        var f = TorchSharp.torch.tensor(new float[] { 1, 3, 3, 1 });
        using var expected = f.outer(f);
        using var scaled = t.to_type(TorchSharp.torch.ScalarType.Float32) / t.sum() * expected.sum();
        if (t.shape.Length != 2 || t.shape[0] != taps || !scaled.allclose(expected, 1e-5, 1e-5))
            throw new CheckpointException(source, "a blur/upsample kernel is not the [1,3,3,1] filter GenMerge's stylegan2 uses");
    }

    private static bool Contiguous(PickledTensor x) => x.Stride.SequenceEqual(ContiguousStrides(x.Shape)) || x.Shape.Any(s => s == 0);

    private static long[] ContiguousStrides(long[] shape)
    {
        var stride = new long[shape.Length];
        long acc = 1;
        for (int i = shape.Length - 1; i >= 0; i--) { stride[i] = acc; acc *= shape[i]; }
        return stride;
    }
}
