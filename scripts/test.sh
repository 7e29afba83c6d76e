#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine with the .NET 10 SDK and Node.js:
# restores, builds, starts the services the tests need, runs every test project.
# Extra arguments go to `dotnet test` (e.g. --filter "FullyQualifiedName~GenMerge.Pipeline").
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/nuget-cache.sh

# Azurite (storage emulator) for the blob store and the persistent Durable backend tests.
# An instance a developer already runs on 127.0.0.1:10000 is reused and left running.
if bash scripts/azurite.sh status; then
  echo "azurite: already listening on 127.0.0.1:10000, reusing it (left running)"
else
  bash scripts/azurite.sh start
  trap 'bash scripts/azurite.sh stop' EXIT
fi

# Debian's chromium for the dashboard test (Playwright drives /usr/bin/chromium; no browser download).
if [ ! -x /usr/bin/chromium ]; then
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    echo "chromium: installing Debian's chromium for the dashboard test"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "chromium: /usr/bin/chromium missing and cannot be installed here (needs root and apt-get); the dashboard test will fail" >&2
  fi
fi

dotnet build GenMerge.Functions.sln -c Release -nologo -v q
dotnet test GenMerge.Functions.sln -c Release --no-build -nologo "$@"
