#!/usr/bin/env bash
# The demo: simulate a hippocampus-like recording with planted structure,
# build its functional-connectivity graphs, train TAVRNN on them, evaluate
# the embeddings, and say where everything is. The report joins as it lands.
set -euo pipefail
TAVRNN=${1:-build/tavrnn}
OUT=${DEMO_OUT:-demo-output}
mkdir -p "$OUT"
echo "== tavrnn demo: output in $OUT/"
"$TAVRNN" --version
echo
echo "== 1. simulate: 120 units, 25 ms bins, a 1.6 m track, two planted states"
"$TAVRNN" simulate --preset hippocampus-like --seed 1 --out "$OUT/recording.npz"
"$TAVRNN" info "$OUT/recording.npz"
echo
echo "== 2. graphs: one per visit to either end of the track (segments)"
"$TAVRNN" graphs "$OUT/recording.npz" --windows segments:40 --theta 0.3 --history-node \
  --features rows --out "$OUT/graphs.npz" | tail -6
echo
echo "== 3. fit TAVRNN (resumes, and so skips, a finished run)"
if [[ -f "$OUT/run/model.pt" ]]; then resume=--resume; else resume=; fi
"$TAVRNN" fit "$OUT/graphs.npz" --out "$OUT/run" --epochs 60 --seed 1 $resume
echo
echo "== 4. evaluate: decode the track end from the population embeddings, unit groups, reconstruction"
"$TAVRNN" evaluate "$OUT/run"
echo
echo "== files"
echo "  recording:    $OUT/recording.npz, $OUT/ground_truth.json"
echo "  graphs:       $OUT/graphs.npz"
echo "  model:        $OUT/run/model.pt, $OUT/run/run.json, $OUT/run/training_log.csv"
echo "  embeddings:   $OUT/run/embeddings.npz   (numpy: np.load('$OUT/run/embeddings.npz')['mu'])"
echo "  metrics:      $OUT/run/metrics.json     (docs/evaluation.md)"
