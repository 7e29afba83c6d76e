#!/usr/bin/env bash
# Publishes the Functions app with the container image's own arguments (infra/publish.sh, which reads
# infra/publish.rsp) for the CPU build and checks the result is a loadable Functions payload:
# functions.metadata present, libLibTorchSharp.so present and resolvable (ldd: nothing missing except
# the GLIBCXX version the compat patch made weak), CPU libtorch only. Also checks, by evaluation only
# (TorchSharp-cuda-linux cannot be restored here), that -p:TorchDevice=cuda swaps the libtorch package.
#   bash scripts/publish-check.sh [OUTDIR]   (default: a temp folder, removed afterwards)
set -euo pipefail
cd "$(dirname "$0")/.."

if [ $# -ge 1 ]; then
  out=$1
else
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  out="$tmp/publish"
fi

fail() { echo "publish-check: FAIL: $*" >&2; exit 1; }

bash infra/publish.sh cpu "$out"

[ -s "$out/functions.metadata" ] || fail "functions.metadata missing (the Worker SDK did not run)"
head -c 1 "$out/functions.metadata" | grep -q '\[' || fail "functions.metadata is not a JSON array"
[ -f "$out/worker.config.json" ] || fail "worker.config.json missing"
[ -f "$out/GenMerge.Functions.dll" ] || fail "GenMerge.Functions.dll missing"

# The self-hosted backend (src/GenMerge.SelfHosted: gRPC server, in-process test host, DurableTask.AzureStorage)
# is the CLI's, not the Functions app's.
for dll in GenMerge.SelfHosted.dll Grpc.AspNetCore.Server.dll DurableTask.AzureStorage.dll Microsoft.DurableTask.InProcessTestHost.dll; do
  [ ! -e "$out/$dll" ] || fail "$dll in the Functions payload (the self-hosted backend belongs to the CLI)"
done

so=$(find "$out" -name libLibTorchSharp.so | head -n 1)
[ -n "$so" ] || fail "libLibTorchSharp.so missing"
[ -n "$(find "$out" -name 'libtorch_cpu.so*' | head -n 1)" ] || fail "libtorch_cpu.so missing (CPU libtorch not published)"
[ -z "$(find "$out" -name 'libtorch_cuda.so*' | head -n 1)" ] || fail "libtorch_cuda.so in a CPU publish"

ldd_out=$(ldd "$so" 2>&1 || true)
missing=$(echo "$ldd_out" | grep 'not found' | grep -v 'weak version' || true)
[ -z "$missing" ] || fail "unresolved dependencies of $so:
$missing"
if echo "$ldd_out" | grep "GLIBCXX_3.4.32' not found" | grep -qv 'weak version'; then
  fail "GLIBCXX_3.4.32 is a hard requirement of $so: the compat patch did not run"
fi

refs() { dotnet msbuild src/GenMerge.Core -getItem:PackageReference -p:TorchDevice="$1" -nologo | grep -o '"Identity": "[^"]*"'; }
cuda=$(refs cuda)
echo "$cuda" | grep -q '"TorchSharp-cuda-linux"' || fail "TorchDevice=cuda does not reference TorchSharp-cuda-linux"
! echo "$cuda" | grep -q '"libtorch-cpu-linux-x64"' || fail "TorchDevice=cuda still references libtorch-cpu-linux-x64"
refs cpu | grep -q '"libtorch-cpu-linux-x64"' || fail "TorchDevice=cpu does not reference libtorch-cpu-linux-x64"

echo "publish-check: OK ($(du -sh "$out" | cut -f1) in $out; $(basename "$so") resolves; cuda swap evaluates)"
