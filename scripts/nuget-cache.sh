#!/usr/bin/env bash
# Sourced by scripts/test.sh and .ci/run. Build outputs hard-link libtorch & co. from the NuGet cache
# (Directory.Build.props); links cannot cross filesystems, and the fallback copies cost ~7 GB per
# build. Where the cache lives on another filesystem than the checkout, use a cache inside the
# checkout instead (one ~3 GB download) so the links work.
cache=${NUGET_PACKAGES:-$HOME/.nuget/packages}
mkdir -p "$cache"
if [ "$(stat -c %d "$cache")" != "$(stat -c %d .)" ]; then
  export NUGET_PACKAGES="$PWD/.nuget/packages"
  mkdir -p "$NUGET_PACKAGES"
  echo "nuget: $cache is on another filesystem than $PWD; using $NUGET_PACKAGES so build outputs can hard-link"
fi
echo "disk: $(df -h --output=avail . | tail -1 | tr -d ' ') free where the build writes"
