#!/usr/bin/env bash
# Runs every benchmark of sequence_bench in a process of its own, so that
# each row's peak RSS is its own, and prints one table.
#
#   bench/sequence_bench.sh [BUILD_DIR] [FILTER]   (default build, everything)
set -euo pipefail
build=${1:-build}
filter=${2:-.}
bin=$build/bench/sequence_bench
[ -x "$bin" ] || { echo "sequence_bench.sh: no $bin; build first (make build)" >&2; exit 1; }
printf '| benchmark | ms | peak RSS MiB |\n|---|---|---|\n'
"$bin" --benchmark_list_tests | grep -E -- "$filter" | while read -r name; do
  "$bin" --benchmark_filter="^${name}\$" --benchmark_format=csv 2>/dev/null |
    awk -F, -v n="${name%/iterations:*}" '{ gsub(/"/, "") }
      NR==1 { for (i = 1; i <= NF; i++) h[i] = $i; next }
      $1 ~ /^BM_/ { for (i = 1; i <= NF; i++) if (h[i] == "peak_rss_MiB") r = $i
                    printf "| %s | %.0f | %.0f |\n", n, $3, r }'
done
