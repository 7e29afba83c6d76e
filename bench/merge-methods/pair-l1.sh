#!/usr/bin/env bash
# How much room paired distillation's pixel L1 leaves, per class: a merged model and each class's source draw the same
# 256 latents (`genmerge sample --z`); pair-l1.py prints the mean |merged - source| beside the same distance for a
# blank white image and for the source's per-pixel mean image. A class whose merged samples are hardly closer than a
# blank image gets little pull from the L1 term toward its source's exact samples.
#   [GENMERGE=path/to/genmerge] bash bench/merge-methods/pair-l1.sh MERGED.safetensors SOURCE_CLASS0 SOURCE_CLASS1 [...]
set -euo pipefail
cd "$(dirname "$0")/../.."
G=${GENMERGE:-src/GenMerge.Cli/bin/Release/net10.0/genmerge}
MERGED=$1; shift
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
/usr/bin/python3 bench/merge-methods/pair-l1.py latents "$T/z.npy" "$(jq -r '.z_dim' <<< "$($G info "$1" | sed -n 's/^config: *//p')")"
i=0; PAIRS=()
for src in "$@"; do
  $G sample --model "$src" --z "$T/z.npy" --out "$T/src$i.npy" > /dev/null
  $G sample --model "$MERGED" --class "$i" --z "$T/z.npy" --out "$T/merged$i.npy" > /dev/null
  PAIRS+=("$(basename "$src" .safetensors)" "$T/merged$i.npy" "$T/src$i.npy"); i=$((i + 1))
done
/usr/bin/python3 bench/merge-methods/pair-l1.py table "${PAIRS[@]}"
