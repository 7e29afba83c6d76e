#!/usr/bin/env python3
"""How strongly the class enters a stylegan2 checkpoint's mapping network: rms of G's and G_ema's
mapping.fc0.weight over the z columns and over the class-embedding columns (stored values, before the
equalised-lr gain; the same gain applies to both, so the ratio is what the layer sees).
    python3 bench/merge-methods/class-columns.py MODEL.safetensors [...]
Standard library only: reads the safetensors header and the two float32 tensors it needs."""
import array, json, math, struct, sys

def tensors(path):
    with open(path, 'rb') as f:
        n = struct.unpack('<Q', f.read(8))[0]
        header = json.loads(f.read(n))
        z_dim = int(json.loads(header['__metadata__']['config'])['z_dim'])
        for prefix in ('G.', 'G_ema.'):
            entry = header[prefix + 'mapping.fc0.weight']
            assert entry['dtype'] == 'F32', f"{path}: {prefix}mapping.fc0.weight is {entry['dtype']}, expected F32"
            start, end = entry['data_offsets']
            f.seek(8 + n + start)
            values = array.array('f'); values.frombytes(f.read(end - start))
            yield prefix, values, entry['shape'], z_dim

for path in sys.argv[1:]:
    parts = []
    for prefix, w, (rows, cols), z in tensors(path):
        rms = lambda cs: math.sqrt(sum(w[r * cols + c] ** 2 for r in range(rows) for c in cs) / (rows * len(cs)))
        parts.append(f"{prefix[:-1]} z {rms(range(z)):.1f} class {rms(range(z, cols)):.2f}")
    print(f"{path}: " + "; ".join(parts))
