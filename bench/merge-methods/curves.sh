#!/usr/bin/env bash
# Quality against steps: every method of METHODS merges the same sources on the same total step budget, once per seed
# of SEEDS, with --select best, which scores every fine-tuning checkpoint (one per SEGMENT steps) on held-out samples
# of the sources: the worst domain's FID-R18 as a multiple of that source's own (the 'ratio'), and domain accuracy.
# Writes one results file: the headline table (total steps, rooting included, each method needs to bring the worst
# ratio under 2x, 1.5x, 1.2x and 1.1x; the ratio at the full budget; the published model against the real images,
# its accuracy also against its source's own; wall time), then the curves, then each run's report.
#   bash bench/merge-methods/curves.sh NAME SOURCE...
# NAME names the scenario (results file RESULTS, default bench/merge-methods/CURVES-NAME.md, runs in OUT/NAME).
# A METHODS entry is a method with options after '+', as run.sh's, and also: +distillW (--distill W, plain l1),
# +featW (--distill-features W), +live (--data live: the sources sampled at every step, no stored pool), +lrX (--lr X),
# +emaK (--ema-kimg K), +lap1 (--distill-loss lap1: distillation's L1 over a Laplacian pyramid).
# Environment: METHODS SEEDS ROOTING MERGE SEGMENT EVAL (held-out and evaluation samples per domain) AUG (default ada)
# BATCH OUT GENMERGE (a built genmerge) REUSE=1 (keep runs whose report exists, made with the same settings).
set -euo pipefail
cd "$(git -C "$(dirname "$0")" rev-parse --show-toplevel)" # also from a copy of this script inside the checkout
[ $# -ge 3 ] || { echo "usage: curves.sh NAME SOURCE SOURCE [SOURCE...]" >&2; exit 2; }
NAME=$1; shift; SOURCES=("$@")
METHODS=${METHODS:-"cocktail cocktail+distill10 cocktail+live union transfer average-finetune"}
SEEDS=${SEEDS:-"1 2"} ROOTING=${ROOTING:-300} MERGE=${MERGE:-900} SEGMENT=${SEGMENT:-150} EVAL=${EVAL:-200}
AUG=${AUG:-ada} BATCH=${BATCH:-32}
OUT=${OUT:-bench/merge-methods/out-curves}/$NAME
RESULTS=${RESULTS:-bench/merge-methods/CURVES-$NAME.md}
if [ -n "${GENMERGE:-}" ]; then G=$GENMERGE; else
  dotnet build src/GenMerge.Cli -c Release -nologo -v q
  G=src/GenMerge.Cli/bin/Release/net10.0/genmerge
fi
mkdir -p "$OUT"
# Emoji sources are scored against their real images only where those are cached; otherwise the reports fall back to
# held-out samples of the source, and "vs real" would not be that (as happened once: LOG.md, 2026-12-07, night).
bash scripts/emoji-domains.sh > /dev/null \
  || echo "curves.sh: emoji images not cached: emoji sources are scored against held-out samples" >&2
MODELS=(); for s in "${SOURCES[@]}"; do MODELS+=(--model "$s"); done
SETTINGS="ROOTING=$ROOTING MERGE=$MERGE SEGMENT=$SEGMENT EVAL=$EVAL AUG=$AUG BATCH=$BATCH ${SOURCES[*]}"

RUNS=()
for m in $METHODS; do
  # Distillation measures in plain L1 unless +lap1 says otherwise: the results files before lap1 became GenMerge's
  # default name their runs that way, and their commands must still make the same runs.
  EXTRA=(); IFS=+ read -ra PARTS <<< "$m"; LOSS=l1
  for x in "${PARTS[@]:1}"; do
    case $x in
      distill*) EXTRA+=(--distill "${x#distill}") ;;
      feat*) EXTRA+=(--distill-features "${x#feat}") ;;
      live) EXTRA+=(--data live) ;;
      lap1) LOSS=lap1 ;;
      freeze-d*) EXTRA+=(--freeze-d "${x#freeze-d}") ;;
      lr*) EXTRA+=(--lr "${x#lr}") ;;
      ema*) EXTRA+=(--ema-kimg "${x#ema}") ;;
      bgc) EXTRA+=(--aug-pipe bgc) ;;
      *) echo "curves.sh: unknown option '+$x' in METHODS entry '$m'" >&2; exit 2 ;;
    esac
  done
  EXTRA+=(--distill-loss "$LOSS")
  for seed in $SEEDS; do
    run="$m-seed$seed"; RUNS+=("$run"); dir="$OUT/$run"
    if [ "${REUSE:-0}" = 1 ] && [ -f "$dir/report.json" ] && [ "$(cat "$dir.settings" 2>/dev/null)" = "$SETTINGS" ]; then
      echo "$run: reusing $dir" >&2; continue
    fi
    echo "$run: merging (log in $dir.log)" >&2
    start=$(date +%s)
    $G merge "${MODELS[@]}" --method "${m%%+*}" "${EXTRA[@]}" --aug "$AUG" --select best --batch "$BATCH" \
       --rooting-steps "$ROOTING" --merge-steps "$MERGE" --segment-steps "$SEGMENT" --eval-samples "$EVAL" \
       --seed "$seed" --out "$dir" > "$dir.log"
    echo $(( $(date +%s) - start )) > "$dir.wall"; echo "$SETTINGS" > "$dir.settings"
    echo "$run: $(cat "$dir.wall") s" >&2
  done
done

# One JSON line per run: its curve on the shared step axis (rooting steps count: a checkpoint after k fine-tuning steps
# of a method that rooted first lies at every rooting step + k), and the published model's numbers against the real
# images (or the reference the report names).
N=${#SOURCES[@]}
CURVES=$(for run in "${RUNS[@]}"; do
  jq -c --arg run "$run" --argjson n "$N" --argjson r "$ROOTING" --argjson m "$MERGE" --argjson wall "$(cat "$OUT/$run.wall")" '
    ((($n - 1) * $r + $m) - .finetune_steps) as $offset
    | { run: $run, method: ($run | sub("-seed[0-9]+$"; "")), seed: .seed, wall: $wall, budget: (($n - 1) * $r + $m),
        points: [.selection.candidates[] | { steps: (.step + $offset), ratio: .worst_ratio,
                                             acc: ([.accuracy[]] | min) }],
        real_ratio: ([.domains[] | .fid_r18 / .source_fid_r18] | max),
        real_acc: ([.domains[].accuracy] | min),
        no_real: ([.domains[] | select(.reference | startswith("held-out")) | .name] | join(", ")),
        acc_gap: ([.domains[] | { name, gap: (.accuracy - .source_accuracy) }] | min_by(.gap)),
        picked: (.selection.picked_step + $offset) }' "$OUT/$run/report.json"
done)

# What the runs computed on (oneDNN off halves CPU training speed, so the wall times depend on it).
# OneDnnCheck's error size differs from process to process; the decision is what matters here.
COMPUTE=$(for run in "${RUNS[@]}"; do jq -r '(.compute // {}) | .[]' "$OUT/$run/report.json"; done \
  | sed 's/, error [^;]*;/;/' | sort -u | paste -sd'|' - | sed 's/|/ and /g')
UNRECORDED=$(for run in "${RUNS[@]}"; do jq -r 'select(.compute == null) | "x"' "$OUT/$run/report.json"; done | wc -l)
[ "$UNRECORDED" = 0 ] || COMPUTE="${COMPUTE:+$COMPUTE; }not recorded for $UNRECORDED of ${#RUNS[@]} runs (made before that field)"

# The curves as a picture beside the results file, where gnuplot is installed (Debian: gnuplot-nox).
PLOT="${RESULTS%.md}.png"
if command -v gnuplot > /dev/null; then
  data=$(mktemp); plots=(); acc=(); i=0
  for run in "${RUNS[@]}"; do
    echo "$CURVES" | jq -r --arg c "$run" 'select(.run == $c) | .points[] | "\(.steps) \(.ratio) \(.acc * 100)"' >> "$data"
    printf '\n\n' >> "$data"
    plots+=("'$data' index $i using 1:2 with linespoints title '$run'"); acc+=("'$data' index $i using 1:3 with linespoints notitle")
    i=$((i + 1))
  done
  gnuplot <<GP
set terminal pngcairo size 900,700 font ',10'
set output '$PLOT'
set multiplot layout 2,1 title '$NAME: worst-domain held-out FID-R18 ratio (top) and lowest domain accuracy (bottom) against total steps'
set lmargin at screen 0.08; set rmargin at screen 0.7
set logscale y; set ylabel 'worst ratio (log)'; set grid; set key outside right
set arrow from graph 0, first 1.2 to graph 1, first 1.2 nohead dashtype 2
plot $(IFS=,; echo "${plots[*]}")
unset logscale y; unset arrow; set ylabel 'lowest accuracy (%)'; set xlabel 'steps, rooting included'; set yrange [0:100]
plot $(IFS=,; echo "${acc[*]}")
unset multiplot
GP
  rm -f "$data"
else
  echo "curves.sh: gnuplot not found, no $PLOT" >&2; PLOT=""
fi

{
  echo "# Quality against steps: $NAME"
  echo
  # A results file written elsewhere than CURVES-NAME.md names itself, so its command regenerates it and not another.
  [ "$RESULTS" = "bench/merge-methods/CURVES-$NAME.md" ] && R= || R="RESULTS=$RESULTS "
  echo "Command: \`METHODS=\"$METHODS\" SEEDS=\"$SEEDS\" ROOTING=$ROOTING MERGE=$MERGE SEGMENT=$SEGMENT EVAL=$EVAL AUG=$AUG BATCH=$BATCH ${R}bash bench/merge-methods/curves.sh $NAME ${SOURCES[*]}\`"
  echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB; $(date -u +%Y-%m-%d)."
  echo "Computed on (the reports' \`compute\`): $COMPUTE."
  echo
  echo "Every run trains $(( (N - 1) * ROOTING + MERGE )) steps in all (batch $BATCH, --aug $AUG): cocktail roots each non-root source $ROOTING steps, then"
  echo "fine-tunes $MERGE; methods without rooting fine-tune all of them. Every $SEGMENT fine-tuning steps the checkpoint is scored"
  echo "on $EVAL held-out samples of each source: 'ratio' is the worst domain's FID-R18 as a multiple of that source's own"
  echo "FID-R18 against the same samples (1x: as close as the source itself), 'acc' the lowest share of a class's samples that"
  echo "a linear classifier on the same features puts in its own source. Steps count the rooting: cocktail's first"
  echo "checkpoint lies at $(( (N - 1) * ROOTING + SEGMENT )). 'acc vs its source's': the published model's domain accuracy against"
  echo "the real images minus its source's, in points, on the domain where it falls furthest short (some sources score far"
  echo "below 100 % there). Seeds side by side (a / b); '-': not reached within the budget."
  echo
  [ -z "$PLOT" ] || { echo "![curves]($(basename "$PLOT"))"; echo; }
  echo "## Steps to a worst-domain ratio"
  echo
  echo "| method | to 2x | to 1.5x | to 1.2x | to 1.1x | ratio at the full budget | lowest acc there | best ratio (steps) | published vs real: worst FID ratio, lowest acc | acc vs its source's, worst domain | wall |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  for m in $METHODS; do
    sel=$(echo "$CURVES" | jq -c --arg m "$m" 'select(.method == $m)')
    cell() { echo "$sel" | jq -r "$1" | paste -sd/ | sed 's|/| / |g'; }
    to() { cell "[.points[] | select(.ratio <= $1) | .steps] | if length == 0 then \"-\" else (min | tostring) end"; }
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$m" "$(to 2)" "$(to 1.5)" "$(to 1.2)" "$(to 1.1)" \
      "$(cell '.points[-1].ratio * 100 | round / 100 | tostring + "x"')" \
      "$(cell '.points[-1].acc * 1000 | round / 10 | tostring + " %"')" \
      "$(cell '(.points | min_by(.ratio)) | "\(.ratio * 100 | round / 100)x (\(.steps))"')" \
      "$(cell '"\(.real_ratio * 100 | round / 100)x, \(.real_acc * 1000 | round / 10) %"
               + if .no_real == "" then "" else " (\(.no_real) against held-out samples, not real images)" end')" \
      "$(cell '.acc_gap | "\(.gap * 1000 | round / 10 | if . >= 0 then "+\(.)" else tostring end) pt (\(.name))"')" \
      "$(cell '.wall | tostring + " s"')"
  done
  echo
  echo "## Curves: worst-domain ratio / lowest accuracy after each number of steps"
  echo
  cols=$(echo "$CURVES" | jq -r '.run' | paste -sd' ')
  printf '| steps |'; for c in $cols; do printf ' %s |' "$c"; done; echo
  printf '|---|'; for c in $cols; do printf -- '---|'; done; echo
  for s in $(echo "$CURVES" | jq -r '.points[].steps' | sort -n | uniq); do
    printf '| %s |' "$s"
    for c in $cols; do
      echo "$CURVES" | jq -r --arg c "$c" --argjson s "$s" 'select(.run == $c) | [.points[] | select(.steps == $s)]
        | if length == 0 then " |" else " \(.[0].ratio * 100 | round / 100)x / \(.[0].acc * 100 | round) % |" end' | tr -d '\n'
    done
    echo
  done
  for run in "${RUNS[@]}"; do
    echo
    echo "## $run ($(cat "$OUT/$run.wall") s wall)"
    echo
    tail -n +2 "$OUT/$run/report.md" | { grep -v '^!\[' || true; }
  done
} > "$RESULTS"
echo "wrote $RESULTS"
