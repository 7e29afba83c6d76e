#!/usr/bin/env bash
# Measures every shipped model against its real emoji domain: FID-R18 (source vs the real images) and domain accuracy
# (a linear classifier fit on the real images of all shipped domains labels the model's samples), read off the
# report of a no-training merge (`--method average`: the report scores every source the same way a merge does).
#   usage: models/measure.sh [OUTDIR]     needs the emoji cache (bash scripts/emoji-domains.sh) and a Release build
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-/tmp/genmerge-models-measure}
GM="dotnet $ROOT/src/GenMerge.Cli/bin/Release/net10.0/genmerge.dll"
N=${N:-300}
args=()
for d in smileys flags animals food; do args+=(--model "$ROOT/models/emoji-$d.safetensors"); done
rm -rf "$OUT"; mkdir -p "$OUT"
$GM merge "${args[@]}" --method average --eval-samples "$N" --work "$OUT/work" --out "$OUT/out" > "$OUT/log" 2>&1 \
  || { tail "$OUT/log"; exit 1; }
echo "# \`models/measure.sh\` (N=$N samples per domain), $(date -u +%F), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| domain | FID-R18 vs real | domain accuracy | reference |"
echo "|---|---|---|---|"
jq -r '.domains[] | "| \(.name) | \(.source_fid_r18 * 10 | round / 10) | \(.source_accuracy * 1000 | round / 10) % | \(.reference) |"' "$OUT/out/report.json"
