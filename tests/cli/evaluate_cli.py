"""tavrnn evaluate and compare, checked from the outside: every deterministic
metric in metrics.json is recomputed with scikit-learn from the embeddings.npz
and graphs.npz the CLI wrote (to 1e-9), the classifiers' accuracies are
compared with scikit-learn's on its own stratified splits (within 0.1: the
splits differ), and the comparison grid writes one row per model x width x
seed x metric and resumes without recomputing finished cells."""
import csv
import json
import os
import sys
import tempfile

import numpy as np
from scipy.spatial.distance import pdist, squareform
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (average_precision_score, calinski_harabasz_score, davies_bouldin_score,
                             roc_auc_score, silhouette_score)
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "python"))
from tavrnn_testing import Checks, population_readout, run_tavrnn  # noqa: E402

checks = Checks()
tmp = tempfile.mkdtemp(prefix="tavrnn-evaluate-")
rec, graphs, run = (os.path.join(tmp, n) for n in ("rec.npz", "graphs.npz", "run"))
run_tavrnn("simulate", "--preset", "small", "--seed", "3", "--out", rec)
run_tavrnn("graphs", rec, "--windows", "sliding:200:200", "--theta", "0.3", "--history-node",
           "--features", "rows", "--out", graphs)
run_tavrnn("--threads", "1", "-q", "fit", graphs, "--out", run, "--epochs", "40", "--seed", "2")
out = run_tavrnn("--threads", "1", "evaluate", run, "--seeds", "3").stdout
metrics = json.load(open(os.path.join(run, "metrics.json")))
emb = np.load(os.path.join(run, "embeddings.npz"))
g = np.load(graphs)
labels = emb["window_label"]
keep = labels >= 0
y = labels[keep]
n_units = int(g["n_units"])
# tavrnn computes in float64; by default it decodes every unit's mu,
# concatenated (the history node left out)
assert metrics["population_embedding"] == "units", metrics["population_embedding"]
pop = population_readout(emb, "units")[keep]
assert metrics["population_dims"] == pop.shape[1] == n_units * emb["mu"].shape[2]


def close(a, b, tol=1e-9, what=""):
    assert abs(a - b) <= tol * max(1.0, abs(b)), f"{what}: tavrnn {a!r}, sklearn {b!r}"


def other_readouts():
    z = emb["mu"].shape[2]
    for choice, dims in [("gram", n_units * (n_units + 1) // 2), ("norms", n_units),
                         ("mean", z), ("history", z)]:
        x = population_readout(emb, choice)
        path = os.path.join(tmp, f"metrics_{choice}.json")
        run_tavrnn("--threads", "1", "-q", "evaluate", run, "--seeds", "1", "--population", choice, "--out", path)
        m = json.load(open(path))
        assert m["population_embedding"] == choice and m["population_dims"] == dims, (choice, m["population_dims"])
        xs = x[keep].astype(np.float64)
        close(m["clustering"]["calinski_harabasz_score"], calinski_harabasz_score(xs, y), tol=1e-6,
              what=f"{choice} calinski_harabasz_score")


def table_printed():
    assert "logistic_regression accuracy_score" in out and "metrics.json" in out, out


def clustering_matches():
    c = metrics["clustering"]
    close(c["silhouette_score"], silhouette_score(squareform(pdist(pop)), y, metric="precomputed"),
          what="silhouette_score")
    close(c["davies_bouldin_score"], davies_bouldin_score(pop, y), what="davies_bouldin_score")
    close(c["calinski_harabasz_score"], calinski_harabasz_score(pop, y), what="calinski_harabasz_score")
    assert -1 <= c["adjusted_rand_score"] <= 1 and 0 <= c["normalized_mutual_info_score"] <= 1


def group_silhouettes_match():
    groups = emb["groups"]
    W = g["W"]
    rows = [r for r in metrics["groups"]["per_window"] if "silhouette_score" in r]
    assert len(rows) == len(labels), f"{len(rows)} windows scored of {len(labels)}"
    for r in rows:
        t = r["window"]
        w = W[t, :n_units, :n_units]
        active = (np.abs(w).sum(1) - np.abs(np.diag(w))) > 0
        z = emb["mu"][t, :n_units][active].astype(np.float64)
        assert r["units"] == active.sum()
        # Exact distances: sklearn's sqrt(|x|^2 + |y|^2 - 2 x.y) leaves ~1e-8 between
        # coincident points, which decides the sign where embeddings collapse.
        d = squareform(pdist(z))
        close(r["silhouette_score"], silhouette_score(d, groups[active], metric="precomputed"),
              what=f"window {t} silhouette")


def angular_group_silhouettes_match():
    # --group-geometry angular: the same metrics on each unit's mu scaled to unit length
    path = os.path.join(tmp, "metrics_angular.json")
    run_tavrnn("--threads", "1", "-q", "evaluate", run, "--seeds", "1", "--group-geometry", "angular",
               "--out", path)
    m = json.load(open(path))["groups"]
    assert m["geometry"] == "angular" and metrics["groups"]["geometry"] == "euclidean"
    groups = emb["groups"]
    W = g["W"]
    rows = [r for r in m["per_window"] if "silhouette_score" in r]
    assert len(rows) == len(labels), f"{len(rows)} windows scored of {len(labels)}"
    differs = 0
    for r in rows:
        t = r["window"]
        w = W[t, :n_units, :n_units]
        active = (np.abs(w).sum(1) - np.abs(np.diag(w))) > 0
        z = emb["mu"][t, :n_units][active].astype(np.float64)
        norms = np.linalg.norm(z, axis=1, keepdims=True)
        u = np.divide(z, norms, out=np.zeros_like(z), where=norms > 0)
        close(r["silhouette_score"], silhouette_score(squareform(pdist(u)), groups[active], metric="precomputed"),
              what=f"window {t} angular silhouette")
        euclidean = next(e for e in metrics["groups"]["per_window"] if e["window"] == t)
        differs += abs(euclidean["silhouette_score"] - r["silhouette_score"]) > 1e-6
    assert differs > 0, "angular silhouettes equal the euclidean ones in every window"


def reconstruction_matches():
    rows = metrics["reconstruction"]["per_window"]
    assert metrics["reconstruction"]["negatives"] == "all"
    n = n_units  # the history node's edges are not scored
    iu = np.triu_indices(n, 1)
    for r in rows:
        t = r["window"]
        a = g["A"][t][:n, :n][iu].astype(int)
        z = emb["mu"][t, :n].astype(np.float64)
        s = 1 / (1 + np.exp(-(z @ z.T)[iu]))
        close(r["roc_auc_score"], roc_auc_score(a, s), what=f"window {t} roc_auc_score")
        close(r["average_precision_score"], average_precision_score(a, s), what=f"window {t} AP")


def decoders_near_sklearn():
    d = metrics["decoding"]
    folds = d["n_splits"]
    for name, clf in (("logistic_regression", LogisticRegression(C=1.0, max_iter=5000)),
                      ("k_neighbors", KNeighborsClassifier(5))):
        ours = d[name]["scores"]["accuracy_score"]["mean"]
        theirs = np.mean([cross_val_score(make_pipeline(StandardScaler(), clf), pop, y,
                                          cv=StratifiedKFold(folds, shuffle=True, random_state=s)).mean()
                          for s in range(3)])
        assert abs(ours - theirs) <= 0.1, f"{name}: tavrnn {ours:.3f}, sklearn {theirs:.3f}"
        assert d[name]["scores"]["accuracy_score"]["n"] == 3
        assert "shuffled_labels" in d[name]


def planted_states_decoded():
    # hippocampus-like: the two ends of the track couple different groups
    # (CA1_a+CA3 against CA1_b+CA3). Fit and evaluate at their defaults (200
    # epochs, the default readout: every unit's mu), as issue 6 asks.
    hrec, hgraphs, hrun = (os.path.join(tmp, n) for n in ("hrec.npz", "hgraphs.npz", "hrun"))
    run_tavrnn("simulate", "--preset", "hippocampus-like", "--seed", "1", "--out", hrec)
    run_tavrnn("graphs", hrec, "--windows", "segments:40", "--theta", "0.3", "--history-node",
               "--features", "rows", "--out", hgraphs)
    run_tavrnn("--threads", "1", "-q", "fit", hgraphs, "--out", hrun, "--seed", "1")
    run_tavrnn("--threads", "1", "evaluate", hrun, "--seeds", "3")
    m = json.load(open(os.path.join(hrun, "metrics.json")))
    lr = m["decoding"]["logistic_regression"]
    assert lr["scores"]["accuracy_score"]["mean"] >= 0.95, lr["scores"]["accuracy_score"]
    assert lr["shuffled_labels"]["accuracy_score"]["mean"] <= 0.65, lr["shuffled_labels"]["accuracy_score"]


for name, fn in [("evaluate prints its table", table_printed),
                 ("clustering metrics equal sklearn's (1e-9)", clustering_matches),
                 ("group silhouettes per window equal sklearn's, silent units left out", group_silhouettes_match),
                 ("--group-geometry angular silhouettes equal sklearn's on unit-length mu", angular_group_silhouettes_match),
                 ("reconstruction AUC/AP per window equal sklearn's (1e-9)", reconstruction_matches),
                 ("--population gram, norms, mean, history decode what they name", other_readouts),
                 ("decoders within 0.1 of sklearn's accuracy", decoders_near_sklearn),
                 ("hippocampus-like states decoded by TAVRNN at defaults (LR >= 0.95, shuffled <= 0.65)", planted_states_decoded)]:
    checks.check(name, fn)

# The comparison grid, then again: the second run recomputes nothing.
grid = os.path.join(tmp, "grid")
args = ("--threads", "1", "-q", "compare", graphs, "--recording", rec, "--models",
        "tavrnn,vgae,pca-activity,corr-pca,rates", "--latent", "2,4", "--seeds", "2", "--epochs", "5",
        "--out", grid)
first = run_tavrnn(*args)


def grid_written():
    rows = list(csv.DictReader(open(os.path.join(grid, "results.csv"))))
    cells = {(r["model"], r["latent"], r["seed"]) for r in rows}
    assert len(cells) == 5 * 2 * 2, f"{len(cells)} cells"
    metrics_of = {r["metric"] for r in rows if r["model"] == "tavrnn"}
    assert "decoding.logistic_regression.accuracy_score" in metrics_of
    assert "reconstruction.roc_auc_score" in metrics_of
    summary = open(os.path.join(grid, "summary.md")).read()
    for model in ("tavrnn", "vgae", "pca-activity", "corr-pca", "rates"):
        assert f"| {model} |" in summary, model
    rates = np.load(os.path.join(grid, "cells", "rates", "z2", "seed0", "embeddings.npz"))
    counts = np.load(rec)["counts"]
    start, stop = rates["window_start"], rates["window_stop"]
    expect = np.stack([counts[:, a:b].mean(1) for a, b in zip(start, stop)]) / float(np.load(rec)["bin_width_s"])
    assert np.allclose(rates["population_mean"], expect, rtol=1e-12), "rates baseline"


def corr_pca_decodes_small():
    # small's states differ only in which groups are correlated: the
    # correlation matrices themselves (corr-pca) must decode them.
    rows = [r for r in csv.DictReader(open(os.path.join(grid, "results.csv")))
            if r["model"] == "corr-pca" and r["metric"] == "decoding.logistic_regression.accuracy_score"]
    assert rows and min(float(r["value"]) for r in rows) >= 0.9, rows


def grid_resumes():
    before = open(os.path.join(grid, "results.csv")).read()
    second = run_tavrnn(*args)
    assert "20 already done" in second.stdout, second.stdout
    assert open(os.path.join(grid, "results.csv")).read() == before


def grid_with_other_settings_does_not_reuse_cells():
    other = [a if a != "5" else "6" for a in args]  # --epochs 6
    assert other != list(args)
    proc = run_tavrnn(*other, expect=1)
    assert "grid.json" in proc.stderr and "--overwrite" in proc.stderr, proc.stderr
    again = run_tavrnn("--threads", "1", "-q", "compare", graphs, "--models", "vgae", "--latent", "2",
                       "--seeds", "1", "--epochs", "6", "--out", grid, "--overwrite")
    assert "0 already done" in again.stdout, again.stdout
    assert not os.path.exists(os.path.join(grid, "cells", "tavrnn")), "old cells kept"


def compare_needs_recording_for_activity_baselines():
    proc = run_tavrnn("compare", graphs, "--models", "rates", "--out", os.path.join(tmp, "x"), expect=1)
    assert "--recording" in proc.stderr, proc.stderr


def compare_refuses_node_readouts_for_baselines_before_any_cell():
    out = os.path.join(tmp, "units_grid")
    proc = run_tavrnn("compare", graphs, "--models", "tavrnn,corr-pca", "--population", "units",
                      "--seeds", "1", "--epochs", "2", "--out", out, expect=1)
    assert "--population units" in proc.stderr and "corr-pca" in proc.stderr, proc.stderr
    assert not os.path.exists(os.path.join(out, "cells")), "a cell was run before the error"


for name, fn in [("compare writes results.csv and summary.md for every cell", grid_written),
                 ("corr-pca decodes the planted states of 'small' (>= 0.9)", corr_pca_decodes_small),
                 ("compare resumes: finished cells are not rerun", grid_resumes),
                 ("a grid with other settings refuses old cells, --overwrite replaces them",
                  grid_with_other_settings_does_not_reuse_cells),
                 ("activity baselines without --recording: clear error", compare_needs_recording_for_activity_baselines),
                 ("--population units with a baseline: clear error before any cell",
                  compare_refuses_node_readouts_for_baselines_before_any_cell)]:
    checks.check(name, fn)
checks.finish()
