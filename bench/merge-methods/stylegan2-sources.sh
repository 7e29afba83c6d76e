#!/usr/bin/env bash
# The stylegan2 sources of RESULTS-stylegan2-cb512-squares12k.md, into bench/merge-methods/sources/ (gitignored):
# rings and stripes trained 3000 steps (as run.sh trains them), squares trained 3000 steps and then resumed to 6000, 9000 and
# 12000 (a resumed run draws other latents than one long run, so this chain, not `--steps 12000`, is what made
# them); each squares stage (3000 included) is scored against its domain (FID-R18, 200 images) into sources/*.eval.json.
# RES=32 makes the same chain at 32 px (the sections "stylegan2 at 32 px" of LOG.md). SEED (default 1) is the init
# and training seed of every source made (and is in the file names); DOMAINS (default "rings stripes squares") picks
# which are made, e.g. RES=32 SEED=2 DOMAINS=stripes for a stripes source that shares no init with the others.
#   [RES=16|32] [SEED=N] [DOMAINS="..."] GENMERGE=path/to/genmerge bash bench/merge-methods/stylegan2-sources.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
G=${GENMERGE:-src/GenMerge.Cli/bin/Release/net10.0/genmerge}
S=bench/merge-methods/sources; mkdir -p "$S"
RES=${RES:-16} SEED=${SEED:-1} DOMAINS=${DOMAINS:-"rings stripes squares"}
COMMON=(--family stylegan2 --resolution $RES --seed $SEED --channel-base 512 --snapshot-every 0)
name() { echo "$S/stylegan2-cb512-$1-${RES}px-$2steps-seed$SEED.safetensors"; }
for d in rings stripes; do
  [[ " $DOMAINS " == *" $d "* ]] || continue
  [ -f "$(name $d 3000)" ] || $G train "${COMMON[@]}" --domain $d --steps 3000 --out "$(name $d 3000)"
done
[[ " $DOMAINS " == *" squares "* ]] || exit 0
[ -f "$(name squares 3000)" ] || $G train "${COMMON[@]}" --domain squares --steps 3000 --out "$(name squares 3000)"
prev=$(name squares 3000)
for s in 6000 9000 12000; do
  f=$(name squares $s)
  [ -f "$f" ] || $G train "${COMMON[@]}" --domain squares --steps $s --resume "$prev" --out "$f"
  prev=$f
done
for s in 3000 6000 9000 12000; do
  f=$(name squares $s)
  [ -f "${f%.safetensors}.eval.json" ] || $G eval --model "$f" --reference domain:squares --n 200 --seed 1 --out "${f%.safetensors}.eval.json"
  echo "squares $s steps: FID-R18 $(jq .fid_r18 "${f%.safetensors}.eval.json")"
done
