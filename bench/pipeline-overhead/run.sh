#!/usr/bin/env bash
# Orchestration overhead: the same merge (same sources, steps, samples, seeds) run three ways, one after
# another, REPEAT times in rotating order:
#   direct       the Core calls in one process (direct-merge, this folder): no Durable host, no store, no segments
#   direct-pool  the same, on a thread-pool thread (where activities run) instead of the main thread
#   local    `genmerge merge` (MergeOrchestrator on the in-process Durable host, local-folder store)
#   azurite  `genmerge merge --storage UseDevelopmentStorage=true` (Blob store + persistent task hub on Azurite)
#   serve    `genmerge serve --storage ... --no-worker` + one `genmerge worker` on the same Azurite task hub: models
#            uploaded with PUT /api/models, the merge POSTed to /api/merges and polled to Completed (wall: both
#            processes' start to the report fetched over HTTP)
# MODES picks and orders the modes (default all); overheads are against the first one.
# Wall time is the whole process, start to exit (each pays the same .NET/libtorch start-up). Writes RESULTS.md.
#   bash bench/pipeline-overhead/run.sh [SOURCE_A SOURCE_B]
# Scale defaults to the full demo's merge (compact 32px, rooting 200, merge 400, segments of 100 steps,
# 2048 samples per model, 200 eval images per domain); SCALE=quick uses the quick demo's.
set -euo pipefail
cd "$(dirname "$0")/../.."
SCALE=${SCALE:-demo} REPEAT=${REPEAT:-2} SEED=${SEED:-1}
if [ "$SCALE" = quick ]; then RES=16 SRC_STEPS=300 ROOTING=60 MERGE=100 SEGMENT=40 SAMPLES=512 EVAL=100
else RES=32 SRC_STEPS=1500 ROOTING=200 MERGE=400 SEGMENT=100 SAMPLES=2048 EVAL=200; fi
OUT=${OUT:-bench/pipeline-overhead/out/$SCALE}
RESULTS=${RESULTS:-bench/pipeline-overhead/RESULTS-$SCALE.md}
dotnet build src/GenMerge.Cli -c Release -nologo -v q
dotnet build bench/pipeline-overhead -c Release -nologo -v q
G=src/GenMerge.Cli/bin/Release/net10.0/genmerge
D=bench/pipeline-overhead/bin/Release/net10.0/direct-merge
mkdir -p "$OUT"
A=${1:-$OUT/rings.safetensors} B=${2:-$OUT/squares.safetensors}
[ -f "$A" ] || $G train --domain rings --resolution $RES --steps $SRC_STEPS --seed "$SEED" --snapshot-every 0 --out "$A" > /dev/null
[ -f "$B" ] || $G train --domain squares --resolution $RES --steps $SRC_STEPS --seed "$SEED" --snapshot-every 0 --out "$B" > /dev/null
bash scripts/azurite.sh start
COMMON=(--model "$A" --model "$B" --rooting-steps $ROOTING --merge-steps $MERGE --samples $SAMPLES --eval-samples $EVAL --seed "$SEED")

run_mode() { # mode rep -> prints wall seconds; the run's report.json lands in $OUT/$mode-$rep
  local mode=$1 rep=$2 dir="$OUT/$1-$2" start end
  rm -rf "$dir" "$OUT/home-$1-$2"; mkdir -p "$dir"
  start=$(date +%s.%N)
  case $mode in
    direct)  $D "${COMMON[@]}" --out "$dir" > "$dir.log" 2>&1 ;;
    direct-pool) $D "${COMMON[@]}" --thread-pool --out "$dir" > "$dir.log" 2>&1 ;;
    local)   GENMERGE_HOME="$OUT/home-$mode-$rep" $G merge "${COMMON[@]}" --segment-steps $SEGMENT --out "$dir" > "$dir.log" 2>&1 ;;
    azurite) GENMERGE_HOME="$OUT/home-$mode-$rep" GENMERGE_TASKHUB="overhead$rep$(date +%s)" \
             $G merge "${COMMON[@]}" --segment-steps $SEGMENT --storage UseDevelopmentStorage=true --out "$dir" > "$dir.log" 2>&1 ;;
    serve)   serve_merge "$dir" "$OUT/home-$mode-$rep" "serve$rep$(date +%s)" ;;
  esac
  end=$(date +%s.%N)
  rm -rf "$OUT/home-$mode-$rep"
  echo "$end - $start" | bc
}

serve_merge() { # dir home hub: the merge through `genmerge serve` (API only) and one `genmerge worker`
  local dir=$1 home=$2 hub=$3 port=$((17100 + RANDOM % 800)) id state
  local url="http://127.0.0.1:$port/api" conn=UseDevelopmentStorage=true
  GENMERGE_HOME=$home GENMERGE_TASKHUB=$hub $G worker --storage $conn --taskhub "$hub" > "$dir.worker.log" 2>&1 & local wpid=$!
  GENMERGE_HOME=$home GENMERGE_TASKHUB=$hub $G serve --storage $conn --no-worker --urls "http://127.0.0.1:$port" > "$dir.log" 2>&1 & local spid=$!
  until curl -sf "$url/merges?top=1" > /dev/null; do sleep 0.2; done
  curl -sf -T "$A" "$url/models/a.safetensors" > /dev/null
  curl -sf -T "$B" "$url/models/b.safetensors" > /dev/null
  id=$(curl -sf -X POST "$url/merges" -d "{\"models\":[{\"name\":\"$(basename "$A" .safetensors)\",\"uri\":\"models/a.safetensors\"},{\"name\":\"$(basename "$B" .safetensors)\",\"uri\":\"models/b.safetensors\"}],
    \"rooting_steps\":$ROOTING,\"merge_steps\":$MERGE,\"segment_steps\":$SEGMENT,\"samples_per_model\":$SAMPLES,\"eval_samples\":$EVAL,\"seed\":$SEED}" | jq -r .id)
  while state=$(curl -sf "$url/merges/$id" | jq -r .runtimeStatus); [[ $state != Completed && $state != Failed && $state != Terminated ]]; do sleep 0.5; done
  [ "$state" = Completed ] || { echo "serve: run $id $state (see $dir.log, $dir.worker.log)" >&2; exit 1; }
  curl -sf "$url/merges/$id/files/report.json" > "$dir/report.json"
  kill -TERM $spid $wpid; wait $spid $wpid || true  # not INT: background jobs of a script ignore SIGINT
}

declare -A WALL
read -r -a MODES <<< "${MODES:-direct direct-pool local azurite serve}"
for rep in $(seq 1 "$REPEAT"); do
  # Rotate the order so that no mode always runs first (warm file cache, thermal state).
  for i in "${!MODES[@]}"; do
    mode=${MODES[$(( (i + rep - 1) % ${#MODES[@]} ))]}
    WALL[$mode-$rep]=$(run_mode "$mode" "$rep")
    echo "rep $rep $mode: ${WALL[$mode-$rep]} s" >&2
  done
done

stage() { jq -r --arg s "$2" '.timings_s[$s] // 0' "$OUT/$1/report.json"; }
{
  echo "# Orchestration overhead ($SCALE scale)"
  echo
  echo "Command: \`MODES=\"${MODES[*]}\" SCALE=$SCALE REPEAT=$REPEAT RESULTS=$RESULTS bash bench/pipeline-overhead/run.sh\`"
  echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB; $(date -u +%Y-%m-%d)."
  echo "Merge: cocktail of 2 compact ${RES}x${RES} sources, rooting $ROOTING + merge $MERGE steps (segments of $SEGMENT in the"
  echo "orchestrated runs), $SAMPLES synthetic samples per model, $EVAL eval images per domain, seed $SEED."
  echo "Wall = whole process, start to exit (serve: both processes' start to the report fetched). Overhead = wall / ${MODES[0]} wall of the same repetition - 1."
  echo
  echo "| rep | mode | wall s | overhead | validate | shards | rooting | init | finetune | eval |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  for rep in $(seq 1 "$REPEAT"); do
    for mode in "${MODES[@]}"; do
      w=${WALL[$mode-$rep]} d=${WALL[${MODES[0]}-$rep]}
      printf '| %s | %s | %.1f | %+.1f %% |' "$rep" "$mode" "$w" "$(echo "($w / $d - 1) * 100" | bc -l)"
      for s in validate shards rooting init finetune eval; do printf ' %.1f |' "$(stage "$mode-$rep" $s)"; done
      echo
    done
  done
  echo
  tot() { local t=0; for rep in $(seq 1 "$REPEAT"); do t=$(echo "$t + ${WALL[$1-$rep]}" | bc -l); done; echo "$t"; }
  for mode in "${MODES[@]:1}"; do
    printf -- '- %s: total %.1f s over %s runs vs %s %.1f s: ratio %.3f (overhead %+.1f %%)\n' "$mode" "$(tot $mode)" "$REPEAT" "${MODES[0]}" "$(tot ${MODES[0]})" \
      "$(echo "$(tot $mode) / $(tot ${MODES[0]})" | bc -l)" "$(echo "($(tot $mode) / $(tot ${MODES[0]}) - 1) * 100" | bc -l)"
  done
} > "$RESULTS"
cat "$RESULTS"
