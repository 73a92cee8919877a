"""Planted-group recovery per copy of the simulator's module (bench/README.md,
"Does it still learn what is planted"): for each copy of the preset's 4
groups (`simulate --units N` names them A_000, B_000, ...), k-means with 4
clusters (scikit-learn, n_init 10) on its units' mu in each window; ARI and
silhouette against the planted groups, mean +- sd over copies and windows.
Units the simulator left silent (ground truth's silent_units: no spike, no
edge, an embedding that says nothing of their group) are left out, as
`tavrnn evaluate` leaves out the units silent in a window.

With --graph-rows GRAPHS.npz the same k-means runs on each copy's block of
W (its units' rows of W restricted to the copy's columns) instead of mu:
what the graphs themselves say of the groups, the ceiling to compare with.

usage: /usr/bin/python3 bench/planted_groups.py RUN_DIR ground_truth.json
           [--copies 40] [--seed 0] [--graph-rows GRAPHS.npz]"""
import argparse
import json
import warnings

import numpy as np
from sklearn.cluster import KMeans
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import adjusted_rand_score, silhouette_score

parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("run")
parser.add_argument("truth")
parser.add_argument("--copies", type=int, default=40)
parser.add_argument("--seed", type=int, default=0)
parser.add_argument("--graph-rows", metavar="GRAPHS")
args = parser.parse_args()
# Collapsed embeddings (several units on one point) are part of what is scored.
warnings.filterwarnings("ignore", category=ConvergenceWarning)

truth = json.load(open(args.truth))
names = truth["groups"]["names"]
unit_group = np.array(truth["groups"]["unit_group"])
silent = set(truth.get("silent_units", []))
copy_of = np.array([names[c].split("_")[1] if "_" in names[c] else "0" for c in unit_group])
n_units = len(unit_group)


def window_blocks(path):
    """Each window's W restricted to units, as a function of a unit list."""
    g = np.load(path)
    if "W" in g.files:
        for w in g["W"]:
            yield lambda units, w=w: w[np.ix_(units, units)].astype(np.float64)
        return
    offsets = g["edge_offsets"]
    for t in range(len(offsets) - 1):
        rows = g["edge_rows"][offsets[t]:offsets[t + 1]]
        cols = g["edge_columns"][offsets[t]:offsets[t + 1]]
        weights = g["edge_weights"][offsets[t]:offsets[t + 1]]

        def block(units, rows=rows, cols=cols, weights=weights):
            index = np.full(n_units + 1, -1)
            index[units] = np.arange(len(units))
            keep = (rows < n_units) & (cols < n_units)
            r, c, w = index[rows[keep]], index[cols[keep]], weights[keep]
            inside = (r >= 0) & (c >= 0)
            out = np.zeros((len(units), len(units)))
            out[r[inside], c[inside]] = w[inside]
            return out
        yield block


if args.graph_rows:
    windows = list(window_blocks(args.graph_rows))
    label = f"{args.graph_rows} (rows of W)"
else:
    mu = np.load(f"{args.run}/embeddings.npz")["mu"][:, :n_units]
    windows = [lambda units, m=m: m[units].astype(np.float64) for m in mu]
    label = args.run
rng = np.random.default_rng(args.seed)
copies = sorted(set(copy_of))
chosen = copies if len(copies) <= args.copies else list(rng.choice(copies, args.copies, replace=False))
ari, sil, scored = [], [], 0
for c in chosen:
    units = np.array([u for u in np.where(copy_of == c)[0] if u not in silent])
    if len(units) <= 4:
        continue
    scored += 1
    labels = unit_group[units]
    for x_of in windows:
        x = x_of(units)
        pred = KMeans(4, n_init=10, random_state=0).fit_predict(x)
        ari.append(adjusted_rand_score(labels, pred))
        sil.append(silhouette_score(x, labels))
print(f"{label}: {scored} copies x {len(windows)} windows: ARI {np.mean(ari):.3f} +- {np.std(ari):.3f}, "
      f"silhouette {np.mean(sil):.3f} +- {np.std(sil):.3f}")
