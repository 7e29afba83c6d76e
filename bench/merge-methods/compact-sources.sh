#!/usr/bin/env bash
# The procedural sources of the seven-domain curves (CURVES-7domains.md), into bench/merge-methods/sources/
# (gitignored): compact 32 px rings / stripes / triangles, each from its own init seed (11 / 12 / 13), so that no two
# merged sources share an init (no two shipped emoji models do either). Squares is left out: in 1000 steps it collapsed to
# one green blob from seed 12 on both machines that trained it (LOG.md, 2026-12-06, late). Skips a file that exists.
#   GENMERGE=path/to/genmerge bash bench/merge-methods/compact-sources.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
G=${GENMERGE:-src/GenMerge.Cli/bin/Release/net10.0/genmerge}
S=bench/merge-methods/sources; mkdir -p "$S"
for spec in rings:1500:11 stripes:1000:12 triangles:1000:13; do
  IFS=: read -r d steps seed <<< "$spec"
  f=$S/compact-$d-32px-${steps}steps-seed$seed.safetensors
  [ -f "$f" ] && continue
  $G train --family compact --domain "$d" --resolution 32 --steps "$steps" --batch 32 --aug ada --seed "$seed" \
    --snapshot-every 0 --out "$f"
done
