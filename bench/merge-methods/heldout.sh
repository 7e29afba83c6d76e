#!/usr/bin/env bash
# Held-out source check of finished merges: FID-R18 of each merged class against samples of its own source
# (n 200; the merged model samples with seed 7, the source with seed 8), and that as a multiple of the source
# against itself (the floor). Unlike the domain reference it does not saturate when the sources themselves are far
# from their domains. Prints a markdown table, one row per method folder of OUT that holds a merged.safetensors.
#   [GENMERGE=path/to/genmerge] bash bench/merge-methods/heldout.sh OUT SOURCE_CLASS0 SOURCE_CLASS1 [...]
set -euo pipefail
cd "$(dirname "$0")/../.."
G=${GENMERGE:-src/GenMerge.Cli/bin/Release/net10.0/genmerge}
OUT=$1; shift; SRC=("$@")
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
ev() { $G eval --model "$1" ${2:+--class "$2"} --reference "model:$3" --n 200 --seed 7 --out "$T/e.json" > /dev/null; jq .fid_r18 "$T/e.json"; }
FLOOR=(); for k in "${!SRC[@]}"; do FLOOR+=("$(ev "${SRC[$k]}" "" "${SRC[$k]}")"); done
head="| method |"; rule="|---|"
for k in "${!SRC[@]}"; do head="$head class $k FID-R18 | ratio |"; rule="$rule---|---|"; done
echo "$head"; echo "$rule"
for d in "$OUT"/*/; do
  [ -f "$d/merged.safetensors" ] || continue
  row="| $(basename "$d") |"
  for k in "${!SRC[@]}"; do
    f=$(ev "$d/merged.safetensors" "$k" "${SRC[$k]}")
    row="$row $(awk -v a="$f" -v b="${FLOOR[$k]}" 'BEGIN { printf "%.1f | %.2fx", a, a / b }') |"
  done
  echo "$row"
done
row="| (floor: each source against itself) |"; for k in "${!SRC[@]}"; do row="$row $(printf %.1f "${FLOOR[$k]}") | |"; done
echo "$row"
