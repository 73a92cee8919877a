#!/usr/bin/env bash
# Data-parallel throughput (docs/distributed.md): one model over K simulated
# dishbrain-like animals (--units U), fitted in one process and over 2 (and
# 4) local ranks with `tavrnn launch`; prints the median seconds per epoch
# from each run's training_log.csv and the sequences trained per second.
#   bench/distributed_training.sh --build build --out OUT [--animals 4] [--units 200] [--epochs 30]
set -euo pipefail
build=build out="" animals=4 units=200 epochs=30
while [[ $# -gt 0 ]]; do
  case "$1" in
    --build) build="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --animals) animals="$2"; shift 2 ;;
    --units) units="$2"; shift 2 ;;
    --epochs) epochs="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[[ -n "$out" ]] || { echo "--out DIR required" >&2; exit 2; }
tavrnn="$(cd "$build" && pwd)/tavrnn"
mkdir -p "$out"
"$tavrnn" -q simulate --preset dishbrain-like --animals "$animals" --units "$units" --seed 1 --out "$out/recordings" > /dev/null
graphs=()
for k in $(seq 1 "$animals"); do
  "$tavrnn" -q graphs "$out/recordings/animal$k.npz" --windows sliding:2min:1min --theta 0.6 --history-node \
    --features descriptors --out "$out/graphs/animal$k.npz" > /dev/null
  graphs+=("$out/graphs/animal$k.npz")
done
fit=(fit "${graphs[@]}" --epochs "$epochs" --early-stopping 0 --seed 1)
median() {  # training_log.csv -> median seconds per epoch
  /usr/bin/python3 -c "import csv,statistics,sys; print('{:.4f}'.format(statistics.median(float(r['seconds']) for r in csv.DictReader(open(sys.argv[1])))))" "$1"
}
report() {  # label run
  local s; s=$(median "$2/training_log.csv")
  /usr/bin/python3 -c "import sys; s=float(sys.argv[2]); print('{:<34} {:.4f} s/epoch  {:.1f} sequences/s'.format(sys.argv[1], s, int(sys.argv[3]) / s))" "$1" "$s" "$animals"
}
echo "$animals dishbrain-like animals, --units $units, $(nproc) cores: $(lscpu | sed -n 's/^Model name: *//p')"
"$tavrnn" -q --threads 1 "${fit[@]}" --out "$out/one_process_1thread" > /dev/null
report "1 process, 1 thread" "$out/one_process_1thread"
"$tavrnn" -q --threads "$(nproc)" "${fit[@]}" --out "$out/one_process_all" > /dev/null
report "1 process, $(nproc) threads" "$out/one_process_all"
"$tavrnn" -q launch -n 2 --threads-per-rank 1 -- "${fit[@]}" --out "$out/ranks2" > /dev/null
report "launch -n 2, 1 thread each" "$out/ranks2"
if (( animals >= 4 )); then
  "$tavrnn" -q launch -n 4 --threads-per-rank 1 -- "${fit[@]}" --out "$out/ranks4" > /dev/null
  report "launch -n 4, 1 thread each" "$out/ranks4"
fi
