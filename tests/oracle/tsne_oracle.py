#!/usr/bin/python3
"""scikit-learn judges tavrnn's dimensionality reduction (embedding/pca.h,
embedding/tsne.h) through tavrnn_report_probe.

(a) PCA equals sklearn.decomposition.PCA(svd_solver="full"): scores and
    components up to one sign per component, variances and ratios; and our
    sign convention (largest |score| of each component positive) holds.
(b) Perplexity calibration: on the same squared distances, our conditional
    p_{j|i} equal sklearn's _binary_search_perplexity and our joint P equals
    _joint_probabilities to 1e-9. sklearn rounds the distances to float32
    before calibrating, so the probe is given those rounded distances (our
    code then runs in float64 on the same numbers). Our own squared
    distances from x equal sklearn's pairwise_distances(squared=True).
(c) The optimiser: from the same P and the same float64 start, our
    iterates equal sklearn's _gradient_descent (exaggerated phase, then the
    main phase with reset gains) to rounding. Only 20 iterations: t-SNE's
    early expansion is chaotic and amplifies rounding differences ~10x per
    step after that, so longer runs are compared statistically in (d).
(d) Whole runs, TSNE(method="exact", perplexity=30, random_state=0) against
    ours on blobs and a digits subset: final KL within 10 % of sklearn's,
    and trustworthiness (5 neighbours) at least sklearn's minus
    TRUST_TOLERANCE. sklearn optimises in float32, so the two runs diverge
    (see (c)) and land in different, equally good local optima; sklearn's
    own trustworthiness varies by 0.005 over random_state 0..2 on the
    digits subset (0.9846 - 0.9900), which sets the tolerance of this
    one-run guard against gross regressions.
(e) "At least as high" as a statement about the method, not about one
    chaotic run: from random starts, SEEDS runs of each on every data set.
    Our mean KL is within 10 % of sklearn's mean, and our mean
    trustworthiness is at least sklearn's mean minus two standard errors
    of the difference of the means (from the two samples' spreads): a
    one-sided test, at about 2.3 %, that ours is not worse. The means
    themselves are printed (ours was higher on all three sets when this
    was written; docs/figures.md).

Run with TAVRNN_REPORT_PROBE set to the probe binary (ctest does this).
"""
import os
import sys
import tempfile

import numpy as np
from scipy.spatial.distance import squareform
from sklearn.datasets import load_digits, make_blobs
from sklearn.decomposition import PCA
from sklearn.manifold import TSNE, _t_sne, _utils, trustworthiness
from sklearn.metrics import pairwise_distances

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from tavrnn_testing import Checks, npz_probe  # noqa: E402

checks = Checks()
check = checks.check

PROBE = os.environ["TAVRNN_REPORT_PROBE"]
tmp = tempfile.mkdtemp(prefix="tavrnn-tsne-")
PERPLEXITY = 30.0
KL_TOLERANCE = 0.10
TRUST_TOLERANCE = 0.005
SEEDS = 5


def probe(mode, **arrays):
    return npz_probe(PROBE, mode, arrays, tmp)


def datasets():
    out = {}
    x, _ = make_blobs(n_samples=200, centers=3, n_features=10, random_state=0)
    out["blobs 200x10"] = x
    x, _ = make_blobs(n_samples=400, centers=4, n_features=50, cluster_std=2.0, random_state=1)
    out["blobs 400x50"] = x
    digits = load_digits().data
    pick = np.random.default_rng(0).choice(len(digits), 300, replace=False)
    out["digits 300x64"] = digits[pick].astype(np.float64)
    return out


DATA = datasets()


def pca_matches_sklearn():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(60, 8)) * np.arange(1, 9) + rng.normal(size=8)
    got = probe("pca", x=x, k=np.int64(3))
    ref = PCA(n_components=3, svd_solver="full").fit(x)
    ref_scores = ref.transform(x)
    signs = np.sign(np.sum(got["scores"] * ref_scores, axis=0))
    for name, ours, theirs, tol in [
        ("scores", got["scores"], ref_scores * signs, 1e-10),
        ("components", got["components"], ref.components_ * signs[:, None], 1e-12),
        ("explained_variance", got["explained_variance"], ref.explained_variance_, 1e-10),
        ("explained_variance_ratio", got["explained_variance_ratio"],
         ref.explained_variance_ratio_, 1e-12),
        ("mean", got["mean"], ref.mean_, 1e-12),
    ]:
        err = np.max(np.abs(ours - theirs))
        assert err <= tol, f"{name}: max diff {err:.3g} > {tol}"
    largest = got["scores"][np.argmax(np.abs(got["scores"]), axis=0), np.arange(3)]
    assert np.all(largest > 0), f"largest |score| per component not positive: {largest}"


def distances_match_sklearn():
    for name, x in DATA.items():
        ours = probe("affinities", x=x, perplexity=np.float64(PERPLEXITY))["squared_distances"]
        theirs = pairwise_distances(x, squared=True)
        err = np.max(np.abs(ours - theirs)) / np.max(theirs)
        assert err <= 1e-12, f"{name}: relative max diff {err:.3g}"


def calibration_matches_sklearn():
    for name, x in DATA.items():
        d = pairwise_distances(x, squared=True)
        d32 = d.astype(np.float32)
        got = probe("affinities", squared_distances=d32.astype(np.float64),
                    perplexity=np.float64(PERPLEXITY))
        conditional = _utils._binary_search_perplexity(d32, PERPLEXITY, 0)
        joint = squareform(_t_sne._joint_probabilities(d, PERPLEXITY, 0))
        err_c = np.max(np.abs(got["conditional"] - conditional))
        err_j = np.max(np.abs(got["joint"] - joint))
        print(f"     {name}: conditional max diff {err_c:.2g}, joint {err_j:.2g}")
        assert err_c <= 1e-9, f"{name}: conditional max diff {err_c:.3g}"
        assert err_j <= 1e-9, f"{name}: joint max diff {err_j:.3g}"


def iterates_match_sklearn():
    x = DATA["blobs 200x10"]
    n = len(x)
    p = _t_sne._joint_probabilities(pairwise_distances(x, squared=True), PERPLEXITY, 0)
    start = np.random.default_rng(1).normal(size=(n, 2)) * 1e-4
    # sklearn's _tsne: 10 exaggerated steps at momentum 0.5, then a fresh
    # optimiser (zero velocity, unit gains) at momentum 0.8 with the true P.
    common = dict(n_iter_check=50, learning_rate=50.0, kwargs=dict(skip_num_points=0))
    y, _, it = _t_sne._gradient_descent(_t_sne._kl_divergence, start.ravel().copy(), it=0,
                                        n_iter=10, momentum=0.5, n_iter_without_progress=10,
                                        args=[p * 12.0, 1, n, 2], **common)
    y, _, _ = _t_sne._gradient_descent(_t_sne._kl_divergence, y, it=it + 1, n_iter=20,
                                       momentum=0.8, n_iter_without_progress=300,
                                       args=[p, 1, n, 2], **common)
    got = probe("tsne", joint=squareform(p), initial=start, perplexity=np.float64(PERPLEXITY),
                init=np.array(["random"]), seed=np.int64(0), iterations=np.int64(20),
                exploration_iterations=np.int64(10))
    y = y.reshape(n, 2)
    err = np.max(np.abs(got["embedding"] - y)) / np.max(np.abs(y))
    print(f"     relative max diff after 20 iterations {err:.2g}")
    assert err <= 1e-9, f"relative max diff after 20 iterations {err:.3g}"


def run_matches_sklearn(name, x, init):
    ref = TSNE(method="exact", init=init, perplexity=PERPLEXITY, random_state=0)
    ref_map = ref.fit_transform(x)
    got = probe("tsne", x=x, perplexity=np.float64(PERPLEXITY), init=np.array([init]),
                seed=np.int64(0))
    kl, ref_kl = float(got["kl_divergence"]), float(ref.kl_divergence_)
    trust, ref_trust = trustworthiness(x, got["embedding"]), trustworthiness(x, ref_map)
    print(f"     {name} init {init}: KL {kl:.4f} vs sklearn {ref_kl:.4f} (ratio {kl / ref_kl:.3f}), "
          f"trustworthiness {trust:.4f} vs {ref_trust:.4f}, {float(got['seconds']):.2f} s")
    assert abs(kl / ref_kl - 1) <= KL_TOLERANCE, f"KL ratio {kl / ref_kl:.3f}"
    assert trust >= ref_trust - TRUST_TOLERANCE, f"trustworthiness {trust:.4f} < {ref_trust:.4f}"


def random_starts_match_sklearn_on_average(name, x):
    ours, theirs = [], []
    for seed in range(SEEDS):
        ref = TSNE(method="exact", init="random", perplexity=PERPLEXITY, random_state=seed)
        ref_map = ref.fit_transform(x)
        theirs.append((float(ref.kl_divergence_), trustworthiness(x, ref_map)))
        got = probe("tsne", x=x, perplexity=np.float64(PERPLEXITY), init=np.array(["random"]),
                    seed=np.int64(seed))
        ours.append((float(got["kl_divergence"]), trustworthiness(x, got["embedding"])))
    ours, theirs = np.array(ours), np.array(theirs)
    kl, ref_kl = ours[:, 0].mean(), theirs[:, 0].mean()
    trust, ref_trust = ours[:, 1].mean(), theirs[:, 1].mean()
    se = np.sqrt(ours[:, 1].var(ddof=1) / SEEDS + theirs[:, 1].var(ddof=1) / SEEDS)
    print(f"     {name}, {SEEDS} random starts each: mean KL {kl:.4f} vs sklearn {ref_kl:.4f} "
          f"(ratio {kl / ref_kl:.3f}); mean trustworthiness {trust:.4f} vs {ref_trust:.4f} "
          f"(difference {trust - ref_trust:+.4f}, standard error {se:.4f})")
    assert abs(kl / ref_kl - 1) <= KL_TOLERANCE, f"mean KL ratio {kl / ref_kl:.3f}"
    assert trust >= ref_trust - 2 * se, \
        f"mean trustworthiness {trust:.4f} < sklearn's {ref_trust:.4f} - 2 x {se:.4f}"


check("pca equals sklearn PCA, signs by the largest score", pca_matches_sklearn)
check("squared distances equal sklearn pairwise_distances", distances_match_sklearn)
check("conditional and joint P equal sklearn to 1e-9", calibration_matches_sklearn)
check("20 iterates from the same P and start equal sklearn's", iterates_match_sklearn)
for dataset, data in DATA.items():
    check(f"t-SNE on {dataset}: KL and trustworthiness vs sklearn",
          lambda d=dataset, x=data: run_matches_sklearn(d, x, "pca"))
check("t-SNE random init on blobs 200x10 vs sklearn's random init",
      lambda: run_matches_sklearn("blobs 200x10", DATA["blobs 200x10"], "random"))
for dataset, data in DATA.items():
    check(f"t-SNE on {dataset} from {SEEDS} random starts: not worse than sklearn on average",
          lambda d=dataset, x=data: random_starts_match_sklearn_on_average(d, x))
checks.finish()
