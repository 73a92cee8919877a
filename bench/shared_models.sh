#!/usr/bin/env bash
# One model over several recordings against a model per recording
# (docs/evaluation.md, "Several recordings"): leave-one-out decoding of the
# population embeddings (history node), shared vs each fitted alone.
#   bench/shared_models.sh --build build --out OUT [--study animals|hippocampus|mea] [--seeds "1 2 3"]
# animals: simulate --preset dishbrain-like --animals 4 --units 200 per
#   study seed; sliding 2 min / 1 min windows, theta 0.6, descriptors.
# hippocampus: simulate --preset hippocampus-like --animals 4 --duration 300
#   per study seed; 2 s windows labelled track end vs middle, theta 0.3,
#   descriptors, default epochs (early stopping), one thread.
# mea: the 28 real MEA recordings of ../shared/data/g2chvc-mea read from
#   their upstream HDF5 files, each labelled untreated or APV (--label),
#   60 s windows, theta 0.5, descriptors; cultures left out together
#   (--recording-group 'TC[0-9]+').
set -euo pipefail
build=build out="" study=animals seeds="1 2 3"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --build) build="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --study) study="$2"; shift 2 ;;
    --seeds) seeds="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[[ -n "$out" ]] || { echo "--out DIR required" >&2; exit 2; }
tavrnn="$(cd "$build" && pwd)/tavrnn"
here="$(cd "$(dirname "$0")" && pwd)"
mkdir -p "$out"
summary() {  # run -> "shared ACC (balanced B) | alone ACC (balanced B)"
  /usr/bin/python3 - "$1" <<'PY'
import json, sys
m = json.load(open(sys.argv[1] + "/metrics.json"))
row = lambda k: "{:.3f} (balanced {:.3f})".format(m[k]["decoding"]["mean_accuracy"], m[k]["decoding"]["mean_balanced_accuracy"])
print("shared", row("shared"), "| alone", row("separate"))
for k in ("shared", "separate"):
    print(" ", k, " ".join("{}={:.3f}".format(r["name"], r["accuracy"]) for r in m[k]["decoding"]["per_recording"] if "accuracy" in r))
PY
}
if [[ "$study" == animals ]]; then
  for seed in $seeds; do
    dir="$out/animals_seed$seed"
    "$tavrnn" -q simulate --preset dishbrain-like --animals 4 --units 200 --seed "$seed" --out "$dir/recordings" > /dev/null
    for k in 1 2 3 4; do
      "$tavrnn" -q graphs "$dir/recordings/animal$k.npz" --windows sliding:2min:1min --theta 0.6 --history-node \
        --features descriptors --out "$dir/graphs/animal$k.npz" > /dev/null
    done
    "$tavrnn" -q fit "$dir"/graphs/animal{1,2,3,4}.npz --out "$dir/run" --epochs 60 --seed "$seed" --separate > /dev/null
    "$tavrnn" -q evaluate "$dir/run" --folds 3 --neighbors 1 > /dev/null
    echo "dishbrain-like x 4 animals, study seed $seed: $(summary "$dir/run")"
  done
elif [[ "$study" == hippocampus ]]; then
  for seed in $seeds; do
    dir="$out/hippocampus_seed$seed"
    "$tavrnn" -q simulate --preset hippocampus-like --animals 4 --duration 300 --seed "$seed" --out "$dir/recordings" > /dev/null
    for k in 1 2 3 4; do
      "$tavrnn" -q graphs "$dir/recordings/animal$k.npz" --windows sliding:2s:2s \
        --behaviour-labels 'end:0%:15%,middle:35%:65%,end:85%:100%]' --theta 0.3 --history-node \
        --features descriptors --out "$dir/graphs/animal$k.npz" > /dev/null
    done
    "$tavrnn" -q --threads 1 fit "$dir"/graphs/animal{1,2,3,4}.npz --out "$dir/run" --seed "$seed" --separate > /dev/null
    "$tavrnn" -q evaluate "$dir/run" --folds 3 > /dev/null
    echo "hippocampus-like x 4 animals, end vs middle, study seed $seed: $(summary "$dir/run")"
  done
else
  data="$here/../../shared/data/g2chvc-mea/h5"
  for f in "$data"/*.h5; do
    name=$(basename "$f" .h5)
    case "$name" in *APV*) label=APV ;; *) label=untreated ;; esac
    "$tavrnn" -q graphs "$f" --bin-width 0.05 --h5-spike-times /spikes --h5-unit-counts /sCount \
      --h5-unit-names /names --label "$label" --windows sliding:60s:60s --theta 0.5 --history-node \
      --features descriptors --out "$out/mea/graphs/$name.npz" > /dev/null
  done
  for seed in $seeds; do
    run="$out/mea/run_seed$seed"
    "$tavrnn" -q fit "$out"/mea/graphs/*.npz --out "$run" --epochs 60 --seed "$seed" --separate > /dev/null
    "$tavrnn" -q evaluate "$run" --recording-group 'TC[0-9]+' --folds 3 > /dev/null
    echo "g2chvc-mea, 28 recordings, cultures left out, seed $seed: $(summary "$run")"
  done
fi
