#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine with the .NET 10 SDK and Node.js:
# restores, builds, starts the services the tests need, runs every test project.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build GenMerge.Functions.sln -c Release -nologo -v q
dotnet test GenMerge.Functions.sln -c Release --no-build -nologo "$@"
