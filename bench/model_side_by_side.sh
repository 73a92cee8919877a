#!/usr/bin/env bash
# Seconds per training epoch, tavrnn vs the reference pattern (PyTorch from
# Python, PyG-style gather/scatter GCN: ../shared/reference/bench_reference.py),
# in one run on this machine, 1 and 2 threads. Needs python3-torch
# (apt-get install python3-torch) besides the build.
# Usage: bench/model_side_by_side.sh [BUILD_DIR]
set -euo pipefail
BUILD=${1:-build}
REF=$(cd "$(dirname "$0")/../../shared/reference" && pwd)/bench_reference.py
PY=/usr/bin/python3
echo "== reference pattern (scatter backend), float32"
for shape in "121 6 0.02" "901 6 0.6" "901 19 0.6"; do
  set -- $shape
  for threads in 1 2; do
    $PY "$REF" --nodes "$1" --windows "$2" --theta "$3" --backend scatter --threads "$threads" --epochs 3
  done
done
echo "== tavrnn (bench/model_bench.cpp), float32; one process per shape for peak RSS"
for filter in 'BM_Epoch/121/' 'BM_Epoch/901/6/' 'BM_Epoch/901/19/' 'BM_Gemm'; do
  "$BUILD/bench/model_bench" --benchmark_filter="$filter" --benchmark_min_time=1
done
