#!/usr/bin/env bash
# Configures and builds the fuzz targets with clang into DIR (default build-fuzz).
#   fuzz/build.sh [DIR]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dir="${1:-$here/../build-fuzz}"
cmake -S "$here" -B "$dir" -DCMAKE_CXX_COMPILER=clang++ > /dev/null
cmake --build "$dir" -j "$(nproc 2>/dev/null || echo 2)" > /dev/null
