#!/usr/bin/env bash
# Every merge method on the same two source models, step budget and seeds, one after another in
# one run; writes RESULTS.md with each method's per-domain table (FID-R18, ratio to the source,
# accuracy), the parameter counts, the rooting weight distances and wall times.
#   bash bench/merge-methods/run.sh [SOURCE_A SOURCE_B]
# Without sources it trains rings and squares (compact, 32x32, 1500 steps) first, as `demo` does.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOTING=${ROOTING:-200} MERGE=${MERGE:-400} SAMPLES=${SAMPLES:-2048} EVAL=${EVAL:-200} SEED=${SEED:-1}
METHODS=${METHODS:-"cocktail average average-finetune transfer union ties"}
OUT=${OUT:-bench/merge-methods/out}
dotnet build src/GenMerge.Cli -c Release -nologo -v q
G=src/GenMerge.Cli/bin/Release/net10.0/genmerge
mkdir -p "$OUT"
A=${1:-$OUT/rings.safetensors} B=${2:-$OUT/squares.safetensors}
[ -f "$A" ] || $G train --domain rings --resolution 32 --steps 1500 --seed "$SEED" --snapshot-every 0 --out "$A"
[ -f "$B" ] || $G train --domain squares --resolution 32 --steps 1500 --seed "$SEED" --snapshot-every 0 --out "$B"

RESULTS=bench/merge-methods/RESULTS.md
{
  echo "# Merge methods side by side"
  echo
  echo "Command: \`ROOTING=$ROOTING MERGE=$MERGE SAMPLES=$SAMPLES EVAL=$EVAL bash bench/merge-methods/run.sh\`"
  echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB; $(date -u +%Y-%m-%d)."
  echo "Sources: \`$(basename "$A")\`, \`$(basename "$B")\` (compact 32x32). Every method trains the same total number of steps"
  echo "(methods without rooting fine-tune for rooting + merge steps). 'ratio' is merged FID-R18 / the source's own FID-R18"
  echo "against the same reference (the procedural domain, used for evaluation only)."
} > "$RESULTS"
for m in $METHODS; do
  start=$(date +%s)
  $G merge --model "$A" --model "$B" --method "$m" --rooting-steps "$ROOTING" --merge-steps "$MERGE" \
     --samples "$SAMPLES" --eval-samples "$EVAL" --seed "$SEED" --out "$OUT/$m" > "$OUT/$m.log"
  end=$(date +%s)
  {
    echo
    echo "## $m ($((end - start)) s wall)"
    echo
    # The report's tables without its title line; image links point into the method's folder.
    tail -n +2 "$OUT/$m/report.md" | sed "s#](grids/#](out/$m/grids/#"
  } >> "$RESULTS"
done
echo "wrote $RESULTS"
