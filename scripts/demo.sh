#!/usr/bin/env bash
# The demo: simulate a hippocampus-like recording, then inspect it.
# Later stages (graphs, fit, evaluate, report) join as they are built.
set -euo pipefail
TAVRNN=${1:-build/tavrnn}
OUT=${DEMO_OUT:-demo-output}
mkdir -p "$OUT"
echo "== tavrnn demo: output in $OUT/"
"$TAVRNN" --version
"$TAVRNN" simulate --preset hippocampus-like --seed 1 --out "$OUT/recording.npz"
"$TAVRNN" info "$OUT/recording.npz"
echo
echo "== files"
echo "  recording:    $OUT/recording.npz   (numpy: np.load('$OUT/recording.npz'))"
echo "  ground truth: $OUT/ground_truth.json"
