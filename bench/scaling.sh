#!/usr/bin/env bash
# The pipeline against the number of units: for each N, `tavrnn simulate
# --preset small --units N` (T windows of 2,400 bins of 50 ms), `tavrnn
# graphs` (theta, identity features), `tavrnn fit` for a few epochs (no
# validation, no early stopping) with the full loss and again with
# `--reconstruction sampled:5`, each stage under /usr/bin/time; prints one
# table row per N: seconds and peak RSS of each stage, seconds per epoch
# (median of the fit's training_log.csv), graph density and file sizes.
# A stage that fails (or is killed for memory) is reported as such and the
# larger sizes are skipped. The figures also go to OUT/scaling.csv, and the
# exponent b of a least-squares fit time (or memory) ~ N^b over the sizes
# run is printed for each column.
#
#   bench/scaling.sh [--build DIR] [--units "1000 2000 5000"] [--windows 20]
#                    [--theta 0.2] [--epochs 3] [--threads 1] [--out DIR]
set -euo pipefail
build=build
units="1000 2000 5000"
windows=20
theta=0.2
epochs=3
threads=1
out=scaling-output
while [ $# -gt 0 ]; do
  case $1 in
    --build) build=$2; shift 2 ;;
    --units) units=$2; shift 2 ;;
    --windows) windows=$2; shift 2 ;;
    --theta) theta=$2; shift 2 ;;
    --epochs) epochs=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    -h|--help) sed -n 2,13p "$0"; exit 0 ;;
    *) echo "scaling.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
tavrnn=$build/tavrnn
[ -x "$tavrnn" ] || { echo "scaling.sh: no $tavrnn; build first (make build)" >&2; exit 1; }
mkdir -p "$out"
duration=$(( windows * 120 ))  # 2,400 bins of 50 ms per window

# Runs a stage under /usr/bin/time; sets secs and rss_mib; returns its status.
timed() {
  local log=$1; shift
  local status=0
  /usr/bin/time -f "%e %M" -o "$log.time" "$@" > "$log" 2>&1 || status=$?
  read -r secs rss_kib < "$log.time" || { secs=nan; rss_kib=0; }
  rss_mib=$(( ${rss_kib:-0} / 1024 ))
  return $status
}

# Median seconds per epoch of a fit's training_log.csv.
median_epoch() {
  awk -F, 'NR>1 {print $5}' "$1/training_log.csv" | sort -g |
    awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'
}

csv=$out/scaling.csv
echo "units,simulate_s,simulate_mib,graphs_s,graphs_mib,building_s,fit_s,fit_mib,epoch_s,sampled_fit_s,sampled_fit_mib,sampled_epoch_s" > "$csv"
echo "| N | simulate s / MiB | graphs s / MiB (building s) | density (max) | graphs.npz MB | fit s / MiB | s per epoch | fit sampled:5 s / MiB | s per epoch |"
echo "|---|---|---|---|---|---|---|---|---|"
for n in $units; do
  d=$out/n$n
  mkdir -p "$d"
  row="| $n"
  if ! timed "$d/simulate.log" "$tavrnn" --threads "$threads" simulate --preset small --units "$n" \
      --duration "$duration" --seed 1 --out "$d/rec.npz"; then
    echo "$row | failed: see $d/simulate.log | | | | | | | |"; break
  fi
  row+=" | $secs / $rss_mib"
  line="$n,$secs,$rss_mib"
  if ! timed "$d/graphs.log" "$tavrnn" --threads "$threads" graphs "$d/rec.npz" \
      --windows sliding:2400:2400 --theta "$theta" --features identity --out "$d/graphs.npz"; then
    echo "$row | failed ($secs s, $rss_mib MiB): see $d/graphs.log | | | | | | |"; break
  fi
  density=$(awk '/^edges per window/ {print $NF}' "$d/graphs.log")
  building=$(awk '/^built in/ {print $3}' "$d/graphs.log")
  size=$(( $(stat -c %s "$d/graphs.npz") / 1000000 ))
  row+=" | $secs / $rss_mib ($building) | ${density:-?} | $size"
  line+=",$secs,$rss_mib,$building"
  if ! timed "$d/fit.log" "$tavrnn" --threads "$threads" fit "$d/graphs.npz" --out "$d/fit" \
      --epochs "$epochs" --validation 0 --early-stopping 0 --overwrite; then
    echo "$row | failed ($secs s, $rss_mib MiB): see $d/fit.log | | | |"; break
  fi
  row+=" | $secs / $rss_mib | $(median_epoch "$d/fit")"
  line+=",$secs,$rss_mib,$(median_epoch "$d/fit")"
  if ! timed "$d/fit_sampled.log" "$tavrnn" --threads "$threads" fit "$d/graphs.npz" --out "$d/fit_sampled" \
      --epochs "$epochs" --validation 0 --early-stopping 0 --overwrite --reconstruction sampled:5; then
    echo "$row | failed ($secs s, $rss_mib MiB): see $d/fit_sampled.log | |"; break
  fi
  echo "$row | $secs / $rss_mib | $(median_epoch "$d/fit_sampled") |"
  echo "$line,$secs,$rss_mib,$(median_epoch "$d/fit_sampled")" >> "$csv"
done
/usr/bin/python3 - "$csv" <<'PY'
import sys
import numpy as np
rows = np.genfromtxt(sys.argv[1], delimiter=",", names=True)
rows = np.atleast_1d(rows)
if rows.size >= 2:
    n = np.log(rows["units"])
    fits = [f"{name} N^{np.polyfit(n, np.log(rows[name]), 1)[0]:.2f}" for name in rows.dtype.names[1:]]
    print("fitted exponents (time or memory ~ N^b):", ", ".join(fits))
PY
