"""Planted-group recovery per copy of the simulator's module (bench/README.md,
"Does it still learn what is planted"): for each copy of the preset's 4
groups (`simulate --units N` names them A_000, B_000, ...), k-means with 4
clusters (scikit-learn, n_init 10) on its units' mu in each window; ARI and
silhouette against the planted groups, mean +- sd over copies and windows.
usage: /usr/bin/python3 bench/planted_groups.py RUN_DIR ground_truth.json [copies=40] [seed=0]"""
import json
import sys

import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score, silhouette_score

run, truth = sys.argv[1], sys.argv[2]
n_copies = int(sys.argv[3]) if len(sys.argv) > 3 else 40
rng = np.random.default_rng(int(sys.argv[4]) if len(sys.argv) > 4 else 0)
g = json.load(open(truth))["groups"]
names = g["names"]
unit_group = np.array(g["unit_group"])
copy_of = np.array([names[c].split("_")[1] if "_" in names[c] else "0" for c in unit_group])
mu = np.load(f"{run}/embeddings.npz")["mu"][:, : len(unit_group)]
copies = sorted(set(copy_of))
chosen = copies if len(copies) <= n_copies else list(rng.choice(copies, n_copies, replace=False))
ari, sil = [], []
for c in chosen:
    units = np.where(copy_of == c)[0]
    labels = unit_group[units]
    for t in range(mu.shape[0]):
        x = mu[t, units]
        pred = KMeans(4, n_init=10, random_state=0).fit_predict(x)
        ari.append(adjusted_rand_score(labels, pred))
        sil.append(silhouette_score(x, labels))
print(f"{run}: {len(chosen)} copies x {mu.shape[0]} windows: ARI {np.mean(ari):.3f} +- {np.std(ari):.3f}, "
      f"silhouette {np.mean(sil):.3f} +- {np.std(sil):.3f}")
