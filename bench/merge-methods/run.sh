#!/usr/bin/env bash
# Every merge method on the same source models, step budget and seeds, one after another in one run;
# writes a results file with a summary table (per-domain FID-R18 ratio to the source and domain
# accuracy, wall time) generated from the reports, then each method's full report (parameter counts,
# rooting weight distances, stage timings; the grids stay in OUT, which git ignores).
#   bash bench/merge-methods/run.sh [SOURCE...]
# Without sources it trains DOMAINS (default "rings squares"; FAMILY (compact), RES px, SOURCE_STEPS steps,
# CHANNEL_BASE (the family's default width unless set)) first, into bench/merge-methods/sources/ (reused by later runs),
# each from init seed SEED, or from its own seed in SOURCE_SEEDS (one per domain, e.g. "1 2"): sources that share an
# init stay closer in weights, which flatters naive averaging (see LOG.md, the section on init seeds).
# A METHODS entry may add options after '+': METHOD+freeze-dN runs METHOD with --freeze-d N (Freeze-D: D's first N
# blocks fixed), METHOD+ada with --aug ada (adaptive augmentation of D's inputs), METHOD+fixedP with --aug fixed --aug-p P,
# METHOD+best with --select best (publish the fine-tuning checkpoint closest to held-out source samples),
# METHOD+bgc with --aug-pipe bgc (geometric and colour transforms too); e.g. transfer+freeze-d1, cocktail+ada, cocktail+ada+best+bgc.
# Environment: ROOTING MERGE SAMPLES EVAL SEED METHODS ROOT (index of the root source, default 0), LR (default 0.002),
# ROOTING_LR (default LR), FINAL_LR (cosine decay of the merge fine-tuning's lr to this; default constant), OUT (per-method folders), RESULTS (markdown), GENMERGE (a built genmerge to use instead of
# building this checkout: lets a long run go on while the checkout is rebuilt), REUSE=1 (keep the reports of methods
# already in OUT from an interrupted or partial run with the same settings, and run only the others), HELDOUT=1 (add
# heldout.sh's table: each merged class against held-out samples of its own source, which does not saturate when the
# sources are far from their domains).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOTING=${ROOTING:-200} MERGE=${MERGE:-400} SAMPLES=${SAMPLES:-2048} EVAL=${EVAL:-200} SEED=${SEED:-1} ROOT=${ROOT:-0} LR=${LR:-0.002} ROOTING_LR=${ROOTING_LR:-${LR:-0.002}}
DOMAINS=${DOMAINS:-"rings squares"} FAMILY=${FAMILY:-compact} RES=${RES:-32} SOURCE_STEPS=${SOURCE_STEPS:-1500} CHANNEL_BASE=${CHANNEL_BASE:-}
METHODS=${METHODS:-"cocktail average average-finetune transfer union ties"}
OUT=${OUT:-bench/merge-methods/out}
RESULTS=${RESULTS:-bench/merge-methods/RESULTS.md}
if [ -n "${GENMERGE:-}" ]; then G=$GENMERGE; else
  dotnet build src/GenMerge.Cli -c Release -nologo -v q
  G=src/GenMerge.Cli/bin/Release/net10.0/genmerge
fi
mkdir -p "$OUT" bench/merge-methods/sources
SOURCES=("$@")
# How to rerun this exact comparison (written into the results).
FINAL_LR=${FINAL_LR:-}; FINAL=(); [ -z "$FINAL_LR" ] || FINAL=(--final-lr "$FINAL_LR")
HELDOUT=${HELDOUT:-0}; HO=""; [ "$HELDOUT" = 0 ] || HO=" HELDOUT=$HELDOUT"
RERUN="ROOTING=$ROOTING MERGE=$MERGE SAMPLES=$SAMPLES EVAL=$EVAL SEED=$SEED ROOT=$ROOT LR=$LR ROOTING_LR=$ROOTING_LR${FINAL_LR:+ FINAL_LR=$FINAL_LR} METHODS=\"$METHODS\"$HO"
if [ ${#SOURCES[@]} -eq 0 ]; then
  RERUN="$RERUN DOMAINS=\"$DOMAINS\" FAMILY=$FAMILY RES=$RES SOURCE_STEPS=$SOURCE_STEPS${CHANNEL_BASE:+ CHANNEL_BASE=$CHANNEL_BASE}"
  WIDTH=(); [ -z "$CHANNEL_BASE" ] || WIDTH=(--channel-base "$CHANNEL_BASE")
  read -ra DS <<< "$DOMAINS"; read -ra SS <<< "${SOURCE_SEEDS:-}"
  [ ${#SS[@]} = 0 ] || [ ${#SS[@]} = ${#DS[@]} ] || { echo "run.sh: SOURCE_SEEDS has ${#SS[@]} seeds for ${#DS[@]} DOMAINS" >&2; exit 2; }
  [ ${#SS[@]} = 0 ] || RERUN="$RERUN SOURCE_SEEDS=\"${SS[*]}\""
  for i in "${!DS[@]}"; do
    d=${DS[$i]} s=${SS[$i]:-$SEED}
    f=bench/merge-methods/sources/$FAMILY${CHANNEL_BASE:+-cb$CHANNEL_BASE}-$d-${RES}px-${SOURCE_STEPS}steps-seed$s.safetensors
    [ -f "$f" ] || $G train --family "$FAMILY" --domain "$d" --resolution "$RES" --steps "$SOURCE_STEPS" --seed "$s" "${WIDTH[@]}" --snapshot-every 0 --out "$f"
    SOURCES+=("$f")
  done
fi
MODELS=(); for s in "${SOURCES[@]}"; do MODELS+=(--model "$s"); done
# What a method's report depends on; REUSE keeps a report only when this matches what made it.
SETTINGS="ROOTING=$ROOTING MERGE=$MERGE SAMPLES=$SAMPLES EVAL=$EVAL SEED=$SEED ROOT=$ROOT LR=$LR ROOTING_LR=$ROOTING_LR FINAL_LR=$FINAL_LR ${SOURCES[*]}"

declare -A WALL; REUSED=""
for m in $METHODS; do
  if [ "${REUSE:-0}" = 1 ] && [ -f "$OUT/$m/report.json" ] && [ -f "$OUT/$m.wall" ] \
     && [ "$(cat "$OUT/$m.settings" 2>/dev/null)" = "$SETTINGS" ]; then
    WALL[$m]=$(cat "$OUT/$m.wall"); REUSED="$REUSED $m"; echo "$m: reusing $OUT/$m (${WALL[$m]} s)" >&2; continue
  fi
  start=$(date +%s)
  EXTRA=(); IFS=+ read -ra PARTS <<< "$m"
  for x in "${PARTS[@]:1}"; do
    case $x in
      freeze-d*) EXTRA+=(--freeze-d "${x#freeze-d}") ;;
      ada) EXTRA+=(--aug ada) ;;
      fixed*) EXTRA+=(--aug fixed --aug-p "${x#fixed}") ;;
      best) EXTRA+=(--select best) ;;
      bgc) EXTRA+=(--aug-pipe bgc) ;;
      *) echo "run.sh: unknown option '+$x' in METHODS entry '$m'" >&2; exit 2 ;;
    esac
  done
  $G merge "${MODELS[@]}" --method "${m%%+*}" "${EXTRA[@]}" --root "$ROOT" --lr "$LR" --rooting-lr "$ROOTING_LR" "${FINAL[@]}" --rooting-steps "$ROOTING" --merge-steps "$MERGE" \
     --samples "$SAMPLES" --eval-samples "$EVAL" --seed "$SEED" --out "$OUT/$m" > "$OUT/$m.log"
  WALL[$m]=$(( $(date +%s) - start )); echo "${WALL[$m]}" > "$OUT/$m.wall"; echo "$SETTINGS" > "$OUT/$m.settings"
  echo "$m: ${WALL[$m]} s" >&2
done

first=$(echo $METHODS | cut -d' ' -f1)
# Before the results file is opened, so a failing check leaves the previous one whole.
HELD=""; [ "$HELDOUT" = 0 ] || HELD=$(GENMERGE=$G bash bench/merge-methods/heldout.sh "$OUT" "${SOURCES[@]}")
names=$(jq -r '[.domains[].name] | join(" ")' "$OUT/$first/report.json")
rel=$(realpath --relative-to="$(dirname "$RESULTS")" "$OUT")
{
  echo "# Merge methods side by side: $(echo $names | sed 's/ /, /g')"
  echo
  if [ $# -eq 0 ]; then args=""; else args=$(printf ' %s' "$@"); fi
  echo "Command: \`$RERUN OUT=$OUT RESULTS=$RESULTS bash bench/merge-methods/run.sh$args\`"
  echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB; $(date -u +%Y-%m-%d)."
  [ -z "$REUSED" ] || echo "Reused from an earlier invocation with the same settings (REUSE=1):$REUSED."
  echo "Sources: $(for s in "${SOURCES[@]}"; do printf '`%s` ' "$(basename "$s")"; done)"
  echo "Every method trains the same total number of steps (methods without rooting fine-tune for the rooting"
  echo "steps of every non-root model + the merge steps). 'ratio' is the merged model's FID-R18 / the source's own"
  echo "FID-R18 against the same reference (the procedural domain, used for evaluation only); 'acc' is the share"
  echo "of the class's samples a linear classifier (fit on the references' ResNet18 features) puts in that domain."
  echo
  echo "## Summary (generated from the reports below)"
  echo
  printf '| method |'; for n in $names; do printf ' %s ratio | %s acc |' "$n" "$n"; done; echo ' wall |'
  printf '|---|'; for n in $names; do printf -- '---|---|'; done; echo '---|'
  for m in $METHODS; do
    printf '| %s |' "$m"
    jq -r '.domains[] | " \(.fid_r18 / .source_fid_r18 * 100 | round / 100)x | \(.accuracy * 1000 | round / 10) % |"' "$OUT/$m/report.json" | tr -d '\n'
    echo " ${WALL[$m]} s |"
  done
  printf '| (sources: FID-R18, acc) |'
  jq -r '.domains[] | " \(.source_fid_r18 | round) | \(.source_accuracy * 1000 | round / 10) % |"' "$OUT/$first/report.json" | tr -d '\n'
  echo ' |'
  if [ -n "$HELD" ]; then
    echo
    echo "Held-out source check (\`heldout.sh\`): FID-R18 of each merged class against 200 samples of its own source,"
    echo "and that as a multiple of the source against itself (the floor row)."
    echo
    echo "$HELD"
  fi
  for m in $METHODS; do
    echo
    echo "## $m (${WALL[$m]} s wall)"
    echo
    # The report's tables without its title line. Its image links are left out: they would point into
    # OUT, which is not kept in git; copy a picture worth keeping into grids/ and link it by hand.
    tail -n +2 "$OUT/$m/report.md" | { grep -v '^!\[' || true; }
    echo
    echo "Grids: \`$m/grids/\` in OUT (\`$rel\`), not kept in git."
  done
} > "$RESULTS"
echo "wrote $RESULTS"
