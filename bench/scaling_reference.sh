#!/usr/bin/env bash
# The reference pattern (../shared/reference/bench_reference.py: the
# notebook's dense graphs, dense identity features and gather/scatter GCN)
# against the number of nodes, beside bench/scaling.sh: T windows of 2,400
# bins, theta, identity features, one thread, under /usr/bin/time and a
# memory cap (ulimit -v), so that a size beyond the machine fails instead of
# swapping. Prints one row per N' with seconds per epoch and peak RSS, or
# how it failed; larger sizes are skipped after a failure. The rows also go
# to OUT/reference.csv (for bench/scaling_plot).
#
#   bench/scaling_reference.sh [--nodes "1001 2001 5001 10001"] [--windows 20]
#                              [--theta 0.2] [--cap-gib 20] [--out DIR]
set -euo pipefail
nodes="1001 2001 5001 10001"
windows=20
theta=0.2
cap_gib=20
out=scaling-reference-output
while [ $# -gt 0 ]; do
  case $1 in
    --nodes) nodes=$2; shift 2 ;;
    --windows) windows=$2; shift 2 ;;
    --theta) theta=$2; shift 2 ;;
    --cap-gib) cap_gib=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    -h|--help) sed -n 2,12p "$0"; exit 0 ;;
    *) echo "scaling_reference.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
here=$(cd "$(dirname "$0")" && pwd)
reference=$here/../../shared/reference/bench_reference.py
[ -f "$reference" ] || reference=$here/../shared/reference/bench_reference.py
[ -f "$reference" ] || { echo "scaling_reference.sh: ../shared/reference/bench_reference.py not found" >&2; exit 1; }
mkdir -p "$out"
csv=$out/reference.csv
echo "nodes,s_per_epoch,peak_rss_mib" > "$csv"
echo "| N' | reference s per epoch | peak RSS MiB | density |"
echo "|---|---|---|---|"
for n in $nodes; do
  log=$out/n$n.log
  status=0
  ( ulimit -v $(( cap_gib * 1024 * 1024 )); /usr/bin/time -f "%e %M" -o "$log.time" /usr/bin/python3 "$reference" \
      --nodes "$n" --windows "$windows" --window-bins 2400 --theta "$theta" --features identity \
      --backend scatter --threads 1 --epochs 1 ) > "$log" 2>&1 || status=$?
  if [ $status -ne 0 ]; then
    why=$(grep -m1 -oE "MemoryError|out of memory|Killed|RuntimeError[^\n]{0,80}" "$log" || true)
    echo "| $n | failed (exit $status${why:+: $why}; cap $cap_gib GiB) | $(awk '{print int($2/1024)}' "$log.time" 2>/dev/null) | |"
    break
  fi
  /usr/bin/python3 - "$log" "$csv" <<'PY'
import json, sys
r = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
print(f"| {r['nodes']} | {r['s_per_epoch']:.2f} | {r['peak_rss_mib']:.0f} | {r['density']:.4f} |")
with open(sys.argv[2], "a") as f:
    f.write(f"{r['nodes']},{r['s_per_epoch']},{r['peak_rss_mib']}\n")
PY
done
