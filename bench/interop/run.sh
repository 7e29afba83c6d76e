#!/usr/bin/env bash
# Issue 20 benchmark: import time / peak RSS of a full-size stylegan2-ada pickle, sample time at 256 px.
# Usage: bench/interop/run.sh OUTDIR   (OUTDIR outside git: pickles ~380+300 MB, imports, logs)
# Needs a Release build of the CLI (dotnet build src/GenMerge.Cli -c Release) and /usr/bin/time.
# PyTorch (/usr/bin/python3) is used only to make the input pickles, never by GenMerge.
set -euo pipefail
OUT=${1:?usage: run.sh OUTDIR}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
GM="dotnet $ROOT/src/GenMerge.Cli/bin/Release/net10.0/genmerge.dll"
mkdir -p "$OUT"
P1024=$OUT/network-snapshot.pkl P256=$OUT/network-snapshot-256.pkl
[[ -f $P1024 && -f $P256 ]] || /usr/bin/python3 "$HERE/make-pickle.py" "$OUT"

ROWS=()
# measure NAME CMD...: runs CMD under /usr/bin/time -v, keeps wall seconds and peak RSS (MiB) in WALL/RSS
measure() {
  local name=$1; shift
  /usr/bin/time -v "$@" >"$OUT/$name.log" 2>&1 || { echo "FAILED: $* (see $OUT/$name.log)"; tail "$OUT/$name.log"; exit 1; }
  WALL=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$OUT/$name.log")
  RSS=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$OUT/$name.log")
  echo "$name: ${WALL} s, ${RSS} MiB"
}
mib() { awk -v b="$1" 'BEGIN {printf "%.0f", b/1048576}'; }
# tensor bytes of one network from make-pickle.py's sidecar (NAME.bytes: G=.. D=.. G_ema=..)
tbytes() { tr ' ' '\n' <"$1.bytes" | awk -F= -v k="$2" '$1==k {print $2}'; }

# the machine may be shared: record the load so the numbers can be judged
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
rm -f "$OUT"/*.safetensors
# baseline: the runtime + libtorch resident set, from info on the tiny (KB) test fixture pickle
measure baseline $GM info "$ROOT/tests/fixtures/sg2pkl/sg2_c0.pkl"; BASE=$RSS
ROWS+=("| baseline: \`info\` on the tiny fixture sg2_c0.pkl | $WALL | $RSS | | process floor (dotnet + libtorch) |")
# ratio RSS BYTES: peak RSS as a multiple of BYTES, raw and above the baseline
ratio() { awk -v r=$1 -v t=$2 -v b=$BASE 'BEGIN{printf "%.2fx (%.2fx above baseline)", r*1048576/t, (r-b)*1048576/t}'; }
for px in 1024 256; do
  pkl=$([[ $px == 1024 ]] && echo "$P1024" || echo "$P256")
  measure import-$px $GM import "$pkl" --out "$OUT/m$px.safetensors"
  psize=$(stat -c %s "$pkl"); all=$(( $(tbytes "$pkl" G) + $(tbytes "$pkl" D) + $(tbytes "$pkl" G_ema) ))
  ssize=$(stat -c %s "$OUT/m$px.safetensors")
  ROWS+=("| \`import\` ${px} px | $WALL | $RSS | pickle $(mib $psize) MiB, tensors G+D+G_ema $(mib $all) MiB, G_ema $(mib $(tbytes "$pkl" G_ema)) MiB, out $(mib $ssize) MiB | RSS / all tensors $(ratio $RSS $all), $(awk -v b=$psize -v w=$WALL 'BEGIN{printf "%.0f", b/1048576/w}') MiB/s of pickle |")
done
measure info-1024 $GM info "$P1024"
all=$(( $(tbytes "$P1024" G) + $(tbytes "$P1024" D) + $(tbytes "$P1024" G_ema) ))
ROWS+=("| \`info\` 1024 px pickle (imported on the fly) | $WALL | $RSS | | RSS / all tensors $(ratio $RSS $all) |")
measure sample-n1 $GM sample --model "$OUT/m256.safetensors" --n 1 --out "$OUT/s1.png"; w1=$WALL
ROWS+=("| \`sample --n 1\` 256 px | $WALL | $RSS | | $WALL s/image (incl. start-up and load) |")
measure sample-n4 $GM sample --model "$OUT/m256.safetensors" --n 4 --out "$OUT/s4.png"
ROWS+=("| \`sample --n 4\` 256 px | $WALL | $RSS | | $(awk -v w=$WALL 'BEGIN{printf "%.2f", w/4}') s/image; marginal (n4-n1)/3 = $(awk -v a=$WALL -v b=$w1 'BEGIN{printf "%.2f", (a-b)/3}') s/image |")

{
  echo "# Interop benchmark results"
  echo
  echo "Command: \`bench/interop/run.sh $OUT\` (made by bench/interop/run.sh; pickles from make-pickle.py, random weights)"
  echo
  echo "- machine: $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')), $(free -g | awk '/Mem:/ {print $2}') GiB memory"
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); commit: $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD -- src || echo ' (src modified)')"
  echo "- dotnet $(dotnet --version); load average at start: $LOAD"
  echo
  echo "| run | wall s | peak RSS MiB | sizes | ratios |"
  echo "|---|---:|---:|---|---|"
  printf '%s\n' "${ROWS[@]}"
} >"$HERE/RESULTS.md"
cat "$HERE/RESULTS.md"
