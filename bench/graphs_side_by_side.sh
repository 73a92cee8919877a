#!/usr/bin/env bash
# The graph stage next to the reference pattern, in one run, on 1 and 2
# threads (bench/README.md has the table this produces).
#   bench/graphs_side_by_side.sh [BUILD_DIR] > graphs_bench.log
# OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are left as the environment has them:
# tavrnn and numpy load the same OpenBLAS, so both run the same kernels.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
echo "# $(date -u +%FT%TZ) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "# load average: $(cut -d' ' -f1-3 /proc/loadavg)"
"$build/tavrnn" --version
for threads in 1 2; do
  echo "## threads $threads"
  "$build/bench/graphs_bench" --benchmark_filter="/$threads(/|\$)" --benchmark_counters_tabular=true
  /usr/bin/python3 bench/reference_graphs.py --threads "$threads"
done
