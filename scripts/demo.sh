#!/usr/bin/env bash
# First command of the README: dependencies, a Release build, then the demo pipeline.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build --target shipper
exec build/shipper -c conf/demo.conf "$@"
