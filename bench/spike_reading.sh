#!/usr/bin/env bash
# Reading and binning spike times at scale (issue 20): writes N Poisson units
# over DURATION seconds as a spike-time CSV (bench/spike_times_writer) and as
# an NWB Units table (h5py, /usr/bin/python3), then times `tavrnn info` on
# each (read, bin at BIN seconds, summarise) under /usr/bin/time: seconds and
# peak RSS, beside the size of the counts (N x bins bytes, uint8).
#
#   bench/spike_reading.sh [--build DIR] [--units 10000] [--duration 3600]
#                          [--rate 2.78] [--bin 0.025] [--out DIR]
set -euo pipefail
build=build
units=10000
duration=3600
rate=2.78
bin=0.025
out=spike-reading-output
while [ $# -gt 0 ]; do
  case $1 in
    --build) build=$2; shift 2 ;;
    --units) units=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    -h|--help) sed -n 2,9p "$0"; exit 0 ;;
    *) echo "spike_reading.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
tavrnn=$build/tavrnn
writer=$build/bench/spike_times_writer
for exe in "$tavrnn" "$writer"; do
  [ -x "$exe" ] || { echo "spike_reading.sh: no $exe; build first (make build)" >&2; exit 1; }
done
mkdir -p "$out"
csv=$out/spikes_${units}x${duration}s.csv
nwb=$out/spikes_${units}x${duration}s.nwb
[ -f "$csv" ] || spikes=$("$writer" "$units" "$duration" "$rate" "$csv")
[ -f "$nwb" ] || /usr/bin/python3 - "$units" "$duration" "$rate" "$nwb" <<'PY'
import sys
import h5py
import numpy as np
n, duration, rate, path = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
rng = np.random.default_rng(1)
counts = rng.poisson(rate * duration, n)
with h5py.File(path, "w") as f:
    f.attrs.update(neurodata_type="NWBFile", namespace="core", nwb_version="2.5.0")
    g = f.create_group("units")
    g.attrs.update(neurodata_type="Units", namespace="core", description="Poisson units")
    g.attrs["colnames"] = np.array([b"spike_times"], dtype=object)
    g.create_dataset("id", data=np.arange(n, dtype=np.int64))
    times = g.create_dataset("spike_times", shape=(int(counts.sum()),), dtype="f8")
    at = 0
    for u in range(n):  # one unit at a time: never all spikes in memory
        times[at:at + counts[u]] = np.sort(rng.uniform(0, duration, counts[u]))
        at += counts[u]
    g.create_dataset("spike_times_index", data=np.cumsum(counts).astype(np.int64))
PY
bins=$(/usr/bin/python3 -c "import math; print(math.ceil($duration / $bin - 1e-9))")
counts_mb=$(( units * bins / 1000000 ))
echo "| file | size | spikes | read + bin | peak RSS | counts (uint8) |"
echo "|---|---|---|---|---|---|"
for f in "$csv" "$nwb"; do
  /usr/bin/time -f "%e %M" -o "$f.time" "$tavrnn" --threads 1 info "$f" --bin-width "$bin" > "$f.info" 2>&1
  read -r seconds kb < "$f.time"
  total=$(sed -n 's/.*counts (\([0-9]*\) in total).*/\1/p' "$f.info")
  echo "| $(basename "$f") | $(( $(stat -c %s "$f") / 1000000 )) MB | $total | $seconds s | $(( kb / 1024 )) MiB | $counts_mb MB |"
done
