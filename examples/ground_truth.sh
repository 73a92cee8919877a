#!/usr/bin/env bash
# The ground-truth table of docs/evaluation.md: every model on the
# simulator's hippocampus-like and dishbrain-like presets, at the training
# defaults (200 epochs, H = 32, Z = 8), 3 seeds, one thread.
# Usage: examples/ground_truth.sh [TAVRNN] [OUT_DIR]   (about 45 min on 2 cores)
set -euo pipefail
T=${1:-build/tavrnn}
OUT=${2:-ground-truth}
mkdir -p "$OUT"
"$T" simulate --preset hippocampus-like --seed 1 --out "$OUT/hip.npz" >/dev/null
"$T" graphs "$OUT/hip.npz" --windows segments:40 --theta 0.3 --history-node --features rows \
  --out "$OUT/hip_graphs.npz" >/dev/null
"$T" simulate --preset dishbrain-like --seed 1 --out "$OUT/dish.npz" >/dev/null
"$T" graphs "$OUT/dish.npz" --windows sliding:2400:1200 --theta 0.6 --history-node --features rows \
  --out "$OUT/dish_graphs.npz" >/dev/null
"$T" --threads 1 -q compare "$OUT/hip_graphs.npz" --recording "$OUT/hip.npz" --latent 8 --seeds 3 \
  --out "$OUT/hip_grid"
"$T" --threads 1 -q compare "$OUT/dish_graphs.npz" --recording "$OUT/dish.npz" --latent 8 --seeds 3 \
  --out "$OUT/dish_grid"
