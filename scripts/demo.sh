#!/usr/bin/env bash
# The demo: `tavrnn run examples/demo.toml`: simulate a hippocampus-like
# recording with planted structure, build its functional-connectivity
# graphs, train TAVRNN on them, evaluate the embeddings. Rerunning skips the
# stages that are up to date (docs/pipeline.md).
set -euo pipefail
TAVRNN=${1:-build/tavrnn}
OUT=${DEMO_OUT:-demo-output}
echo "== tavrnn demo: examples/demo.toml, output in $OUT/"
"$TAVRNN" --version
echo
"$TAVRNN" run examples/demo.toml --out "$OUT"
echo
echo "== files"
echo "  recording:    $OUT/recording.npz, $OUT/ground_truth.json"
echo "  graphs:       $OUT/graphs.npz"
echo "  model:        $OUT/fit/model.pt, $OUT/fit/run.json, $OUT/fit/training_log.csv"
echo "  embeddings:   $OUT/fit/embeddings.npz   (numpy: np.load('$OUT/fit/embeddings.npz')['mu'])"
echo "  metrics:      $OUT/fit/metrics.json     (docs/evaluation.md)"
echo "  stage record: $OUT/run.json             (docs/pipeline.md)"
