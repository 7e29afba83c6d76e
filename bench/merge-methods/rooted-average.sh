#!/usr/bin/env bash
# How good is the averaged model that the merge fine-tuning starts from, as rooting goes on? For a finished local
# merge run that kept its rooting checkpoints (RUN_ID), averages the root's source with every other model's rooting
# checkpoint number SEG (genmerge merge --method average, no fine-tuning; SEG 0 = the sources themselves, i.e. the
# naive average) and prints heldout.sh's table, one row per SEG named by its rooting steps (rooting-00000: the naive
# average): each class of the average against held-out samples of its own source, as a multiple of the source
# against itself. Before any
# fine-tuning every class of the average draws the same images, so a row says how close the one averaged model is
# to each source.
#   [GENMERGE=path/to/genmerge] [OUT=dir] bash bench/merge-methods/rooted-average.sh RUN_ID SEG [SEG ...]
set -euo pipefail
cd "$(dirname "$0")/../.."
[ $# -ge 2 ] || { echo "usage: $0 RUN_ID SEG [SEG ...]" >&2; exit 2; }
RUN=${GENMERGE_HOME:-$HOME/.genmerge}/store/runs/$1; shift
[ -f "$RUN/request.json" ] || { echo "rooted-average: no run $RUN (request.json missing)" >&2; exit 1; }
G=${GENMERGE:-src/GenMerge.Cli/bin/Release/net10.0/genmerge}
OUT=${OUT:-$(mktemp -d)}; mkdir -p "$OUT"
ROOT=$(jq .root "$RUN/request.json"); STEPS=$(jq .segment_steps "$RUN/request.json"); SEED=$(jq .seed "$RUN/request.json")
mapfile -t NAMES < <(jq -r '.models[].name' "$RUN/request.json")
SRC=(); for n in "${NAMES[@]}"; do SRC+=("$RUN/inputs/$n.safetensors"); done
for s in "$@"; do
  k=$((10#$s)); dir=$OUT/$(printf 'rooting-%05d' $((k * STEPS)))  # padded: heldout.sh lists folders in name order
  [ -f "$dir/merged.safetensors" ] && continue
  args=()
  for i in "${!NAMES[@]}"; do
    m=${SRC[$i]}
    if [ "$i" != "$ROOT" ] && [ "$k" -gt 0 ]; then
      m=$RUN/rooted/${NAMES[$i]}/$(printf 'seg-%03d' "$k").safetensors
      [ -f "$m" ] || { echo "rooted-average: no rooting checkpoint $m" >&2; exit 1; }
    fi
    args+=(--model "$m")
  done
  "$G" merge "${args[@]}" --method average --rooting-steps 0 --merge-steps 0 --seed "$SEED" --out "$dir" > "$dir.log" 2>&1 \
    || { echo "rooted-average: the average for SEG $s failed; see $dir.log" >&2; exit 1; }
done
GENMERGE=$G bash bench/merge-methods/heldout.sh "$OUT" "${SRC[@]}"
