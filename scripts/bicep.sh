#!/usr/bin/env bash
# Infra checks, offline after the first run: installs the Bicep CLI from NuGet into .tools/ (gitignored),
# lints infra/main.bicep with every diagnostic treated as an error, compiles it to ARM JSON and
# evaluates it (bicep snapshot) for the T4 and A100 GPU profiles. Outputs land in .tools/bicep-out/,
# which tests/GenMerge.Infra.Tests reads.
#   bash scripts/bicep.sh            # install + lint + build + snapshot
#   BICEP_OUT=/some/dir bash scripts/bicep.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

BICEP_VERSION=0.49.2
pkg=Azure.Bicep.CommandLine.linux-x64
pkgdir=".tools/pkgs/$(echo "$pkg" | tr 'A-Z' 'a-z')/$BICEP_VERSION"
bicep="$pkgdir/tools/bicep"
out="${BICEP_OUT:-$root/.tools/bicep-out}"

if [ ! -x "$bicep" ]; then
  # The package ships the self-contained `bicep` binary under tools/ (no .NET tool install needed).
  dotnet package download "$pkg@$BICEP_VERSION" -o .tools/pkgs >/dev/null
  chmod +x "$bicep"
fi

# One lock per checkout: dotnet test may start this script from several test hosts at once.
mkdir -p "$out"
exec 9>"$out/.lock"
flock 9

rm -f "$out"/*.json "$out"/*.bicepparam "$out"/*.log
fail=0

# Diagnostics of any level fail the check (bicepconfig.json raises the linter rules to error;
# compiler warnings such as BCP037 "property not allowed" are caught here).
check_log() {
  if grep -E ': (Warning|Error) ' "$1"; then
    echo "bicep: diagnostics in $2 (see above)" >&2
    return 1
  fi
}

"$bicep" lint infra/main.bicep >"$out/lint.log" 2>&1 &
lint_pid=$!
"$bicep" build infra/main.bicep --outfile "$out/main.json" >"$out/build.log" 2>&1 &
build_pid=$!

# Evaluated deployments: every expression that does not need a live resource is resolved.
snap_pids=()
for gpu in T4 A100; do
  name="snapshot-$(echo "$gpu" | tr 'A-Z' 'a-z')"
  rel=$(realpath --relative-to="$out" "$root/infra/main.bicep")
  cat >"$out/$name.bicepparam" <<PARAMS
using '$rel'
param environmentName = 'ci'
param location = 'swedencentral'
param principalId = '11111111-1111-1111-1111-111111111111'
param gpuProfile = '$gpu'
PARAMS
  "$bicep" snapshot "$out/$name.bicepparam" --mode overwrite --config infra/bicepconfig.json \
    --subscription-id 00000000-0000-0000-0000-000000000000 --tenant-id 00000000-0000-0000-0000-000000000000 \
    --location swedencentral --deployment-name genmerge-ci >"$out/$name.log" 2>&1 &
  snap_pids+=($!)
done

wait "$lint_pid" || { cat "$out/lint.log" >&2; fail=1; }
check_log "$out/lint.log" lint || fail=1
wait "$build_pid" || { cat "$out/build.log" >&2; fail=1; }
check_log "$out/build.log" build || fail=1
for i in "${!snap_pids[@]}"; do
  wait "${snap_pids[$i]}" || fail=1
done
for log in "$out"/snapshot-*.log; do
  [ -s "$log" ] && cat "$log" >&2
  check_log "$log" "$(basename "$log")" || fail=1
done
for f in main.json snapshot-t4.snapshot.json snapshot-a100.snapshot.json; do
  [ -s "$out/$f" ] || { echo "bicep: $out/$f was not produced" >&2; fail=1; }
done

if [ "$fail" -ne 0 ]; then
  echo "bicep: FAILED" >&2
  exit 1
fi
echo "bicep: lint clean, compiled $out/main.json, snapshots for T4 and A100"
