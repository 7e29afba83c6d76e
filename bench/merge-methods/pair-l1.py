#!/usr/bin/env python3
"""pair-l1.sh's arithmetic, standard library only (reads and writes float32 .npy).
    pair-l1.py latents OUT.npy Z_DIM             256 standard-normal latents, seed 0
    pair-l1.py table NAME MERGED.npy SOURCE.npy [NAME MERGED.npy SOURCE.npy ...]"""
import array, ast, random, struct, sys

def save(path, values, shape):
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': %s, }" % (tuple(shape),)
    header += " " * (63 - (10 + len(header)) % 64) + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode())
        f.write(array.array("f", values).tobytes())

def load(path):
    b = open(path, "rb").read()
    n, off = (struct.unpack("<H", b[8:10])[0], 10) if b[6] == 1 else (struct.unpack("<I", b[8:12])[0], 12)
    shape = ast.literal_eval(b[off:off + n].decode())["shape"]
    a = array.array("f"); a.frombytes(b[off + n:])
    return a, shape

def row(name, merged_path, source_path):
    s, shape = load(source_path); m, _ = load(merged_path)
    n = shape[0]; d = len(s) // n
    l1 = sum(abs(a - b) for a, b in zip(s, m)) / len(s)
    white = sum(abs(1 - a) for a in s) / len(s)  # images lie in about [-1, 1]; white is 1
    mean = [sum(s[k * d + j] for k in range(n)) / n for j in range(d)]
    lmean = sum(abs(s[k * d + j] - mean[j]) for k in range(n) for j in range(d)) / len(s)
    return f"| {name} | {l1:.3f} | {white:.3f} | {l1 / white:.2f} | {lmean:.3f} | {l1 / lmean:.2f} |"

if __name__ == "__main__":
    if sys.argv[1] == "latents":
        random.seed(0); z = int(sys.argv[3])
        save(sys.argv[2], [random.gauss(0, 1) for _ in range(256 * z)], (256, z))
    else:
        args = sys.argv[2:]
        print("| class | L1 merged to source, same z | L1 white to source | merged / white | L1 source's mean image to source | merged / mean |")
        print("|---|---|---|---|---|---|")
        for k in range(0, len(args), 3):
            print(row(*args[k:k + 3]))
