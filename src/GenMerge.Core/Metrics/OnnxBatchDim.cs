namespace GenMerge.Core.Metrics;

/// <summary>
/// Makes the batch dimension of an ONNX model symbolic. Some exports (the CNTK ResNet18 among them)
/// fix dim 0 of every graph input, output and value_info at 1, so ONNX Runtime rejects larger
/// batches; replacing that dim_value with a dim_param lets one Run take N images. Only dims whose
/// value is exactly 1 are changed; everything else is copied unchanged.
/// </summary>
internal static class OnnxBatchDim
{
    // Field numbers from onnx.proto.
    const int ModelGraph = 7;
    const int GraphInput = 11, GraphOutput = 12, GraphValueInfo = 13;
    const int ValueInfoType = 2;
    const int TypeTensorType = 1;
    const int TensorTypeShape = 2;
    const int ShapeDim = 1;
    const int DimValue = 1, DimParam = 2;

    public sealed record Result(byte[] Model, int InputsPatched, int OutputsPatched, int ValueInfosPatched);

    public static Result MakeSymbolic(byte[] model, string dimParam = "N", string what = "ONNX model")
    {
        var counts = new int[3];
        byte[] patched = RewriteFields(model, what, (number, payload) =>
            number == ModelGraph ? RewriteGraph(payload, dimParam, counts, what + " graph") : null);
        return new Result(patched, counts[0], counts[1], counts[2]);
    }

    delegate byte[]? FieldRewriter(int number, ReadOnlySpan<byte> payload);

    /// <summary>Copies a message; each length-delimited field for which <paramref name="rewrite"/> returns
    /// bytes is written with those bytes instead.</summary>
    static byte[] RewriteFields(ReadOnlySpan<byte> message, string what, FieldRewriter rewrite)
    {
        using var output = new MemoryStream(message.Length + 64);
        foreach (var f in ProtoWire.Parse(message, what))
        {
            byte[]? replaced = f.WireType == ProtoWire.LengthDelimited
                ? rewrite(f.Number, message.Slice(f.PayloadStart, f.PayloadLength)) : null;
            if (replaced is null) output.Write(message.Slice(f.RawStart, f.RawLength));
            else ProtoWire.WriteLengthDelimited(output, f.Number, replaced);
        }
        return output.ToArray();
    }

    static byte[]? RewriteGraph(ReadOnlySpan<byte> graph, string dimParam, int[] counts, string what) =>
        RewriteFields(graph, what, (number, payload) =>
        {
            int slot = number switch { GraphInput => 0, GraphOutput => 1, GraphValueInfo => 2, _ => -1 };
            if (slot < 0) return null;
            bool changed = false;
            byte[] rewritten = RewriteValueInfo(payload, dimParam, ref changed, what);
            if (!changed) return null;
            counts[slot]++;
            return rewritten;
        });

    static byte[] RewriteValueInfo(ReadOnlySpan<byte> valueInfo, string dimParam, ref bool changed, string what)
    {
        bool local = false;
        byte[] result = RewriteFields(valueInfo, what, (n, type) => n != ValueInfoType ? null :
            RewriteFields(type, what, (n2, tensorType) => n2 != TypeTensorType ? null :
                RewriteFields(tensorType, what, (n3, shape) => n3 != TensorTypeShape ? null :
                    RewriteFirstDim(shape, dimParam, ref local, what))));
        changed |= local;
        return result;
    }

    static byte[]? RewriteFirstDim(ReadOnlySpan<byte> shape, string dimParam, ref bool changed, string what)
    {
        var fields = ProtoWire.Parse(shape, what);
        int first = fields.FindIndex(f => f.Number == ShapeDim && f.WireType == ProtoWire.LengthDelimited);
        if (first < 0) return null;
        var dimField = fields[first];
        var dim = shape.Slice(dimField.PayloadStart, dimField.PayloadLength);
        var dimParts = ProtoWire.Parse(dim, what);
        int valueIdx = dimParts.FindIndex(f => f.Number == DimValue && f.WireType == ProtoWire.Varint);
        if (valueIdx < 0 || dimParts[valueIdx].VarintValue != 1) return null;

        using var newDim = new MemoryStream();
        foreach (var p in dimParts)
            if (p.Number != DimValue && p.Number != DimParam) newDim.Write(dim.Slice(p.RawStart, p.RawLength)); // keeps denotation
        ProtoWire.WriteLengthDelimited(newDim, DimParam, System.Text.Encoding.UTF8.GetBytes(dimParam));

        using var output = new MemoryStream(shape.Length + 8);
        for (int i = 0; i < fields.Count; i++)
        {
            if (i == first) ProtoWire.WriteLengthDelimited(output, ShapeDim, newDim.ToArray());
            else output.Write(shape.Slice(fields[i].RawStart, fields[i].RawLength));
        }
        changed = true;
        return output.ToArray();
    }
}
