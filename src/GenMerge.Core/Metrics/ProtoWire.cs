namespace GenMerge.Core.Metrics;

/// <summary>
/// Just enough of the protobuf wire format to walk a message field by field and write it back
/// with some length-delimited fields replaced. Used to patch ONNX model files without generated
/// ONNX classes; unknown fields are copied byte for byte.
/// </summary>
internal static class ProtoWire
{
    public const int Varint = 0, Fixed64 = 1, LengthDelimited = 2, Fixed32 = 5;

    /// <summary>One field as it sits in the buffer: <c>Raw</c> covers tag and value, <c>Payload</c> the value only
    /// (the bytes of a length-delimited field, the encoded varint otherwise).</summary>
    public readonly record struct Field(int Number, int WireType, ulong VarintValue, int RawStart, int RawLength,
        int PayloadStart, int PayloadLength);

    public static List<Field> Parse(ReadOnlySpan<byte> message, string what)
    {
        var fields = new List<Field>();
        int pos = 0;
        while (pos < message.Length)
        {
            int start = pos;
            ulong tag = ReadVarint(message, ref pos, what);
            int number = checked((int)(tag >> 3)), wire = (int)(tag & 7);
            ulong value = 0;
            int payloadStart = pos, payloadLength;
            switch (wire)
            {
                case Varint: value = ReadVarint(message, ref pos, what); payloadLength = pos - payloadStart; break;
                case Fixed64: payloadLength = 8; pos += 8; break;
                case Fixed32: payloadLength = 4; pos += 4; break;
                case LengthDelimited:
                    ulong len = ReadVarint(message, ref pos, what);
                    payloadStart = pos;
                    if (len > (ulong)(message.Length - pos))
                        throw new InvalidDataException($"{what}: field {number} claims {len} bytes but only {message.Length - pos} remain.");
                    payloadLength = (int)len; pos += payloadLength; break;
                default: throw new InvalidDataException($"{what}: unsupported protobuf wire type {wire} for field {number} at byte {start}.");
            }
            if (pos > message.Length) throw new InvalidDataException($"{what}: field {number} runs past the end of the message.");
            fields.Add(new Field(number, wire, value, start, pos - start, payloadStart, payloadLength));
        }
        return fields;
    }

    public static ulong ReadVarint(ReadOnlySpan<byte> buffer, ref int pos, string what)
    {
        ulong result = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (pos >= buffer.Length) throw new InvalidDataException($"{what}: truncated varint.");
            byte b = buffer[pos++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return result;
        }
        throw new InvalidDataException($"{what}: malformed varint.");
    }

    public static void WriteVarint(Stream output, ulong value)
    {
        while (value >= 0x80) { output.WriteByte((byte)(value | 0x80)); value >>= 7; }
        output.WriteByte((byte)value);
    }

    public static void WriteLengthDelimited(Stream output, int number, ReadOnlySpan<byte> payload)
    {
        WriteVarint(output, ((ulong)number << 3) | LengthDelimited);
        WriteVarint(output, (ulong)payload.Length);
        output.Write(payload);
    }
}
