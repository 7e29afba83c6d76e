#!/usr/bin/env bash
# Reruns only the merge fine-tuning (and the evaluation) of a finished local merge run, reusing its shards, rooted
# models and averaged init: an ablation of the fine-tuning in minutes instead of a full run's rooting quarter hour.
#   bash bench/merge-methods/refinetune.sh RUN_ID [JQ_FILTER]
# JQ_FILTER edits the copied request.json (e.g. '.merge_steps = 2000'); fields that decide the rooting must stay
# as they were, since the rooted models are reused. The copy gets a new run id (printed), runs with GENMERGE (default:
# this checkout's Release build) and exports to OUT (default bench/merge-methods/out-refinetune/NEW_ID); then one line
# per domain: name, FID-R18, source FID-R18, ratio, accuracy. Needs the run under GENMERGE_HOME (default ~/.genmerge).
# KEEP=1 keeps the fine-tuning's checkpoints instead: a filter that raises merge_steps then continues the run from its
# last checkpoint (its step count, G_ema and optimiser state), the changed settings applying to the new segments only
# (e.g. '.merge_steps += 3000 | .final_lr = 0.0002': the cosine decay is computed over the new total, from where the
# run stands). The selection then scores every checkpoint, old and new.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ $# -ge 1 ] || { echo "usage: $0 RUN_ID [JQ_FILTER]" >&2; exit 2; }
RUNS=${GENMERGE_HOME:-$HOME/.genmerge}/store/runs
SRC=$1 FILTER=${2:-.}
[ -f "$RUNS/$SRC/request.json" ] || { echo "refinetune: no run $SRC under $RUNS (request.json missing)" >&2; exit 1; }
if [ -n "${GENMERGE:-}" ]; then G=$GENMERGE; else
  dotnet build src/GenMerge.Cli -c Release -nologo -v q
  G=src/GenMerge.Cli/bin/Release/net10.0/genmerge
fi
NEW=$(date -u +%Y%m%d-%H%M%S)-$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
OUT=${OUT:-bench/merge-methods/out-refinetune/$NEW}
mkdir -p "$(dirname "$OUT")"
cp -a "$RUNS/$SRC" "$RUNS/$NEW"
# Everything from the fine-tuning on (with KEEP=1, from its first new segment on) is made again; the bookkeeping
# (status, manifest) is rebuilt by the run. The report describes the fine-tuning by the new settings only.
[ "${KEEP:-0}" = 1 ] || rm -rf "$RUNS/$NEW/finetune"
rm -rf "$RUNS/$NEW"/{merged.safetensors,eval,grids,report.json,report.md,manifest,manifest.json,status.json}
jq "$FILTER" "$RUNS/$SRC/request.json" | sed "s/$SRC/$NEW/g" > "$RUNS/$NEW/request.json"
echo "refinetune: $SRC -> $NEW ($FILTER$([ "${KEEP:-0}" = 1 ] && echo ", keeping the fine-tuning checkpoints"))" >&2
"$G" resume "$NEW" --out "$OUT" > "$OUT.log" 2>&1 || { tail -5 "$OUT.log" >&2; exit 1; }
echo "$NEW"
jq -r '.domains[] | "\(.name) \(.fid_r18 | round) \(.source_fid_r18 | round) \(.fid_r18 / .source_fid_r18 * 100 | round / 100)x \(.accuracy * 1000 | round / 10) %"' "$OUT/report.json"
