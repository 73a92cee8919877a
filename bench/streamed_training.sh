#!/usr/bin/env bash
# Training a long recording three ways (issue 20, "windows streamed"): the
# whole sequence in memory with full back-propagation through time, in
# memory with --bptt K, and read from graphs.npz K windows at a time
# (--stream --bptt K). Simulates UNITS units over DURATION seconds, builds
# sparse graphs (top-k, W on edges, identity features), then times EPOCHS
# epochs of each under /usr/bin/time: seconds per epoch and peak RSS.
#
#   bench/streamed_training.sh [--build DIR] [--units 2000] [--duration 3600]
#                              [--window 20s:10s] [--bptt 20] [--epochs 2]
#                              [--reconstruction sampled:5] [--out DIR]
set -euo pipefail
build=build
units=2000
duration=3600
window=20s:10s
bptt=20
epochs=2
reconstruction=sampled:5
out=streamed-training-output
while [ $# -gt 0 ]; do
  case $1 in
    --build) build=$2; shift 2 ;;
    --units) units=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --window) window=$2; shift 2 ;;
    --bptt) bptt=$2; shift 2 ;;
    --epochs) epochs=$2; shift 2 ;;
    --reconstruction) reconstruction=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    -h|--help) sed -n 2,11p "$0"; exit 0 ;;
    *) echo "streamed_training.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
tavrnn=$build/tavrnn
[ -x "$tavrnn" ] || { echo "streamed_training.sh: no $tavrnn; build first (make build)" >&2; exit 1; }
mkdir -p "$out"
rec=$out/rec_${units}x${duration}s.npz
graphs=$out/graphs_${units}x${duration}s.npz
[ -f "$rec" ] || "$tavrnn" simulate --preset hippocampus-like --units "$units" --duration "$duration" --seed 1 \
  --out "$rec" > /dev/null
[ -f "$graphs" ] || "$tavrnn" graphs "$rec" --windows "sliding:$window" --theta 0.3 --top-k 10 --storage sparse \
  --weights edges --features identity --out "$graphs" > /dev/null
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), 1 thread"
echo "graphs: $(du -h "$graphs" | cut -f1) on disk"
printf '%-28s %12s %12s %14s\n' mode "s/epoch" "peak RSS MB" "final loss"
for mode in "in memory, full BPTT|" "in memory, --bptt $bptt|--bptt $bptt" "streamed, --bptt $bptt|--stream --bptt $bptt"; do
  label=${mode%%|*}
  flags=${mode#*|}
  run=$out/run_$(echo "$flags" | tr -dc 'a-z0-9')
  log=$run.log
  # shellcheck disable=SC2086
  /usr/bin/time -v "$tavrnn" --threads 1 fit "$graphs" --out "$run" --epochs "$epochs" --early-stopping 0 \
    --reconstruction "$reconstruction" --overwrite $flags > "$log" 2>&1
  per_epoch=$(grep -o '[0-9.]* s/epoch' "$log" | cut -d' ' -f1)
  rss=$(grep 'Maximum resident' "$log" | awk '{print int($NF / 1024)}')
  loss=$(grep -o 'loss [0-9.e+-]*' "$log" | head -1 | cut -d' ' -f2)
  printf '%-28s %12s %12s %14s\n' "$label" "$per_epoch" "$rss" "$loss"
done
