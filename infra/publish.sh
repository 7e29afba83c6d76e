#!/usr/bin/env bash
# Publishes src/GenMerge.Functions exactly as the container image does (infra/Dockerfile runs this)
# and forces the libstdc++ compat patch on the published libLibTorchSharp.so.
#   infra/publish.sh cpu|cuda OUTDIR
set -euo pipefail
if [ $# -ne 2 ] || { [ "$1" != cpu ] && [ "$1" != cuda ]; }; then
  echo "usage: infra/publish.sh cpu|cuda OUTDIR" >&2
  exit 2
fi
device=$1
out=$(realpath -m "$2")
cd "$(dirname "$0")/.."
dotnet publish src/GenMerge.Functions @infra/publish.rsp -p:TorchDevice="$device" -o "$out" -nologo
dotnet run --project infra/tools/GlibcxxPatch -c Release -- "$out"
