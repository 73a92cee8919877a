#!/usr/bin/python3
"""scikit-learn judges tavrnn's evaluation metrics (include/tavrnn/eval/).

Deterministic metrics (classification scores, ARI, NMI, silhouette,
Davies-Bouldin, Calinski-Harabasz, ROC AUC, average precision, the
standardisation, k-fold allocation, Lloyd iterations from given centres)
must equal sklearn to 1e-9 on random inputs and on edge cases (one class,
ties, duplicate points, k larger than n). Where sklearn raises, tavrnn
must throw (probe exit 1).

The classifiers are compared on the SAME splits (sklearn's indices passed
to the probe): k-nearest neighbours must predict exactly what sklearn's
KNeighborsClassifier does; logistic regression's coefficients must match
sklearn's LogisticRegression solved to high precision (solver newton-cg,
tol=1e-10; sklearn's lbfgs stops at a relative objective change of 64 eps,
with gradients near 1e-4, so it cannot serve as the precise reference) to
1e-6 relative, and its predictions per split may differ from sklearn's
default fit (lbfgs, tol=1e-4) in at most one test point: both minimise the
same strictly convex objective, and a test point flips only if it lies
within sklearn's solver tolerance of the decision boundary.

sklearn computes Euclidean distances as sqrt(|x|^2 + |y|^2 - 2 x.y), which
for coincident points gives the square root of a rounding error (~1e-8)
instead of 0; tavrnn uses coordinate differences. Where that matters
(duplicates, a singleton cluster's distance to its own centroid) the
tolerance is widened by the size of sklearn's own distance error in that
case, measured here against scipy's cdist, and reported.

Seeded randomness (shuffled folds, random splits, k-means++) uses tavrnn's
own stream and cannot reproduce numpy's draws; those are checked for the
properties sklearn guarantees (per-class allocation, sizes, disjointness)
and, for k-means, against sklearn's result on the same data.

Run with TAVRNN_EVAL_PROBE set to the probe binary (ctest does this).
"""
import os
import sys
import tempfile
import warnings

import numpy as np
from scipy.spatial.distance import cdist
from sklearn import metrics
from sklearn.cluster import KMeans
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, StratifiedShuffleSplit
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from tavrnn_testing import Checks, npz_probe, run_npz_probe  # noqa: E402

warnings.simplefilter("ignore")  # sklearn's warnings on the edge cases are expected
checks = Checks()
check = checks.check

PROBE = os.environ["TAVRNN_EVAL_PROBE"]
tmp = tempfile.mkdtemp(prefix="tavrnn-metrics-")
rng = np.random.default_rng(2024)
measured = {}  # metric -> largest |tavrnn - sklearn| seen, printed at the end


def note(name, diff):
    measured[name] = max(measured.get(name, 0.0), float(diff))


def probe(mode, **arrays):
    return npz_probe(PROBE, mode, arrays, tmp)


def probe_fails(mode, **arrays):
    """The probe must refuse with a tavrnn::Error (exit 1) and a message."""
    proc, _ = run_npz_probe(PROBE, mode, arrays, tmp)
    assert proc.returncode == 1 and proc.stderr.strip(), \
        f"probe {mode} should fail, exit {proc.returncode}: {proc.stderr}"
    return proc.stderr.strip()


def sklearn_raises(fn, *args, **kwargs):
    try:
        fn(*args, **kwargs)
    except ValueError:
        return True
    return False


def metric(name, **arrays):
    return float(probe("metric", name=np.array(name), **arrays)["value"])


def expect_close(name, got, want, tol=1e-9):
    diff = abs(got - want)
    note(name, diff)
    assert diff <= tol, f"{name}: tavrnn {got!r}, sklearn {want!r} (diff {diff:.3g})"


# ---- classification metrics -------------------------------------------------

CLASSIFICATION = {
    "accuracy_score": metrics.accuracy_score,
    "balanced_accuracy_score": metrics.balanced_accuracy_score,
    "precision_score": lambda t, p: metrics.precision_score(t, p, average="macro", zero_division=0),
    "recall_score": lambda t, p: metrics.recall_score(t, p, average="macro", zero_division=0),
    "f1_score": lambda t, p: metrics.f1_score(t, p, average="macro", zero_division=0),
}


def classification_cases():
    cases = []
    for n, k in [(30, 3), (100, 5), (17, 2), (200, 7)]:
        t = rng.integers(0, k, n)
        p = np.where(rng.random(n) < 0.5, t, rng.integers(0, k, n))
        cases.append((t, p))
    t = rng.integers(-2, 3, 50) * 7  # arbitrary integer labels
    cases.append((t, np.where(rng.random(50) < 0.3, t, rng.integers(-2, 3, 50) * 7)))
    cases.append((np.array([0, 0, 1, 1]), np.array([0, 2, 1, 1])))  # class only predicted
    cases.append((np.array([0, 0, 1, 2]), np.array([0, 0, 0, 0])))  # classes never predicted
    cases.append((np.array([3, 3, 3]), np.array([3, 3, 3])))        # one class
    cases.append((np.array([3, 3, 3]), np.array([4, 4, 4])))        # all wrong
    return cases


def classification_metrics_equal_sklearn():
    for t, p in classification_cases():
        for name, fn in CLASSIFICATION.items():
            expect_close(name, metric(name, y_true=t, y_pred=p), fn(t, p))
        got = probe("confusion", y_true=t, y_pred=p)
        assert np.array_equal(got["labels"], np.union1d(t, p)), got["labels"]
        assert np.array_equal(got["matrix"], metrics.confusion_matrix(t, p)), "confusion matrix"


# ---- splits -------------------------------------------------------------------

def shuffled_labels(counts):
    y = np.concatenate([np.full(c, label) for label, c in counts])
    return rng.permutation(y)


def kfold_equals_sklearn():
    for counts, n_splits in [([(4, 7), (9, 5), (1, 6)], 5), ([(0, 10), (1, 3)], 3),
                             ([(2, 12), (-5, 12), (8, 13), (3, 20)], 4)]:
        y = shuffled_labels(counts)
        # Without shuffle the folds are sklearn's, sample by sample.
        want = np.empty(len(y), int)
        for f, (_, test) in enumerate(StratifiedKFold(n_splits).split(np.zeros(len(y)), y)):
            want[test] = f
        got = probe("kfold", y=y, n_splits=np.int64(n_splits), shuffle=np.int64(0), seed=np.int64(0))
        assert np.array_equal(got["test_fold"], want), f"{counts}: {got['test_fold']} vs {want}"
        # Shuffled: the same number of each class in each fold as sklearn.
        sk = StratifiedKFold(n_splits, shuffle=True, random_state=1)
        want_counts = sorted(tuple(np.sum(y[test] == c) for c in np.unique(y))
                             for _, test in sk.split(np.zeros(len(y)), y))
        for seed in (1, 2):
            fold = probe("kfold", y=y, n_splits=np.int64(n_splits), shuffle=np.int64(1),
                         seed=np.int64(seed))["test_fold"]
            assert fold.min() == 0 and fold.max() == n_splits - 1
            got_counts = sorted(tuple(np.sum(y[fold == f] == c) for c in np.unique(y))
                                for f in range(n_splits))
            assert got_counts == want_counts, f"{got_counts} vs {want_counts}"
        assert not np.array_equal(fold, want) or len(y) < 10, "shuffle should change the folds"


def kfold_errors():
    y = np.array([0, 0, 0, 1, 1, 1])
    assert sklearn_raises(lambda: list(StratifiedKFold(7).split(np.zeros(6), y)))
    probe_fails("kfold", y=y, n_splits=np.int64(7), shuffle=np.int64(0), seed=np.int64(0))
    # sklearn only warns when one class has fewer members than folds (and
    # then leaves it out of some test folds); tavrnn refuses.
    msg = probe_fails("kfold", y=np.array([0, 0, 0, 0, 1, 1, 1]), n_splits=np.int64(4),
                      shuffle=np.int64(0), seed=np.int64(0))
    assert "fewer than n_splits" in msg, msg
    probe_fails("kfold", y=np.zeros(10, int), n_splits=np.int64(2), shuffle=np.int64(0),
                seed=np.int64(0))


def shuffle_split_allocation_is_sklearns():
    for counts, test_size in [([(0, 20), (1, 10)], 0.25), ([(0, 7), (1, 7), (2, 7)], 0.3),
                              ([(5, 11), (6, 4), (7, 9)], 0.2)]:
        y = shuffled_labels(counts)
        classes = np.unique(y)
        # sklearn breaks equal remainders at random: collect every allocation it makes.
        allowed = set()
        for state in range(40):
            sk = StratifiedShuffleSplit(1, test_size=test_size, random_state=state)
            for train, test in sk.split(np.zeros(len(y)), y):
                allowed.add((tuple(np.sum(y[train] == c) for c in classes),
                             tuple(np.sum(y[test] == c) for c in classes)))
        parts = probe("shuffle_split", y=y, n_splits=np.int64(5), test_size=np.float64(test_size),
                      seed=np.int64(3))["parts"]
        for row in parts:
            got = (tuple(np.sum(y[row == 1] == c) for c in classes),
                   tuple(np.sum(y[row == 2] == c) for c in classes))
            assert got in allowed, f"{counts}: {got} not among sklearn's {allowed}"
        assert len({row.tobytes() for row in parts}) == 5, "splits should differ"
    y = np.array([0, 0, 0, 1])
    assert sklearn_raises(lambda: list(StratifiedShuffleSplit(2, test_size=0.5).split(np.zeros(4), y)))
    probe_fails("shuffle_split", y=y, n_splits=np.int64(2), test_size=np.float64(0.5), seed=np.int64(0))
    y = np.array([0, 0, 1, 1, 2, 2])
    assert sklearn_raises(lambda: list(StratifiedShuffleSplit(2, test_size=0.1).split(np.zeros(6), y)))
    probe_fails("shuffle_split", y=y, n_splits=np.int64(2), test_size=np.float64(0.1), seed=np.int64(0))


# ---- standardisation and classifiers -----------------------------------------

def scaler_equals_sklearn():
    x = rng.normal(3.0, 5.0, size=(40, 5))
    x[:, 2] = 0.1  # constant feature
    x_test = rng.normal(size=(10, 5))
    got = probe("scaler", x_train=x, x_test=x_test)
    sk = StandardScaler().fit(x)
    for key, want in (("mean", sk.mean_), ("scale", sk.scale_), ("transformed", sk.transform(x_test))):
        diff = np.max(np.abs(got[key] - want))
        note("StandardScaler", diff)
        assert diff <= 1e-12, f"{key}: max diff {diff:.3g}"


def overlapping_classes(n, d, k, spread=1.5):
    centres = rng.normal(scale=spread, size=(k, d))
    y = rng.integers(0, k, n)
    y[:k] = np.arange(k)
    return centres[y] + rng.normal(size=(n, d)), y


def logistic_equals_sklearn():
    for n, d, k, C in [(80, 4, 3, 1.0), (120, 6, 5, 1.0), (60, 3, 2, 1.0), (90, 5, 4, 0.1),
                       (50, 8, 2, 10.0), (30, 400, 2, 1.0), (36, 300, 3, 0.5)]:
        x, y = overlapping_classes(n, d, k)
        x = StandardScaler().fit_transform(x)
        x_test, _ = overlapping_classes(40, d, k)
        got = probe("logistic", x=x, y=y, x_test=x_test, C=np.float64(C))
        tight = LogisticRegression(C=C, solver="newton-cg", tol=1e-10, max_iter=1000).fit(x, y)
        scale = max(1.0, np.max(np.abs(tight.coef_)))
        diff = max(np.max(np.abs(got["coef"] - tight.coef_)),
                   np.max(np.abs(got["intercept"] - tight.intercept_))) / scale
        note("LogisticRegression coef vs sklearn newton-cg (relative)", diff)
        assert diff <= 1e-6, f"n={n} k={k} C={C}: coefficients differ by {diff:.3g}"
        pdiff = np.max(np.abs(got["proba"] - tight.predict_proba(x_test)))
        note("LogisticRegression predict_proba vs sklearn newton-cg", pdiff)
        assert pdiff <= 1e-6, f"probabilities differ by {pdiff:.3g}"
        assert np.array_equal(got["predicted"], tight.predict(x_test)), "predictions"
    probe_fails("logistic", x=np.ones((3, 1)), y=np.zeros(3, int), x_test=np.ones((1, 1)),
                C=np.float64(1.0))


def knn_equals_sklearn():
    for n, d, k_classes in [(60, 3, 3), (100, 5, 4), (25, 2, 2)]:
        x, y = overlapping_classes(n, d, k_classes)
        x_test, _ = overlapping_classes(50, d, k_classes)
        for k in (1, 2, 3, 4, 5, 8):
            got = probe("knn", x=x, y=y, x_test=x_test, k=np.int64(k))
            sk = KNeighborsClassifier(k, algorithm="brute").fit(x, y)
            assert np.array_equal(got["predicted"], sk.predict(x_test)), f"k={k}"
            want = sk.kneighbors(x_test, return_distance=False)
            assert np.array_equal(got["neighbors"], want), f"k={k}: neighbours"
    # Vote ties (even k, two classes alternating around the query) and
    # duplicate training points with one label. k is chosen so that no
    # distance tie straddles the k-th neighbour with different labels:
    # which sample sklearn takes there is left to its sort.
    x = np.array([[1.0], [-1.0], [2.0], [-2.0], [5.0], [5.0], [5.0]])
    y = np.array([7, 3, 3, 7, 1, 1, 1])
    x_test = np.array([[0.0], [0.2], [5.0], [4.0]])
    for k in (2, 4, 6):
        got = probe("knn", x=x, y=y, x_test=x_test, k=np.int64(k))
        want = KNeighborsClassifier(k).fit(x, y).predict(x_test)
        assert np.array_equal(got["predicted"], want), f"ties k={k}: {got['predicted']} vs {want}"
    assert sklearn_raises(lambda: KNeighborsClassifier(8).fit(x, y).predict(x_test))
    probe_fails("knn", x=x, y=y, x_test=x_test, k=np.int64(8))


def parts_of(splitter, x, y):
    parts = []
    for train, test in splitter.split(x, y):
        row = np.zeros(len(y), int)
        row[train], row[test] = 1, 2
        parts.append(row)
    return np.array(parts)


def decoding_on_sklearns_splits():
    for n, d, k in [(90, 4, 3), (150, 8, 5), (60, 2, 2)]:
        x, y = overlapping_classes(n, d, k)
        x = x * 50.0 + 200.0  # standardisation matters
        for splitter in (StratifiedKFold(5, shuffle=True, random_state=0),
                         StratifiedShuffleSplit(5, test_size=0.25, random_state=0)):
            parts = parts_of(splitter, x, y)
            for name, model, tol in (
                    ("logistic", lambda: LogisticRegression(), 1),
                    ("knn", lambda: KNeighborsClassifier(5, algorithm="brute"), 0)):
                got = probe("fit_predict", x=x, y=y, parts=parts, classifier=np.array(name),
                            k=np.int64(5), standardize=np.int64(1))["predicted"]
                for row, pred in zip(parts, got):
                    test = row == 2
                    sk = make_pipeline(StandardScaler(), model()).fit(x[row == 1], y[row == 1])
                    want = sk.predict(x[test])
                    acc_diff = abs(metrics.accuracy_score(y[test], pred[test]) -
                                   metrics.accuracy_score(y[test], want))
                    note(f"{name} accuracy on sklearn's splits", acc_diff)
                    flips = int(np.sum(pred[test] != want))
                    assert flips <= tol, (f"{name} {type(splitter).__name__}: {flips} of "
                                          f"{test.sum()} test predictions differ from sklearn")
                    assert np.all(pred[~test] == -1)


# ---- clustering ---------------------------------------------------------------

def label_metrics_equal_sklearn():
    cases = []
    for n, a, b in [(50, 3, 4), (200, 5, 5), (13, 2, 6), (1000, 10, 3)]:
        cases.append((rng.integers(0, a, n), rng.integers(0, b, n)))
    t = rng.integers(0, 4, 80)
    cases.append((t, (t * 3 + 1) % 7))                              # renamed: perfect
    cases += [(np.zeros(5, int), np.zeros(5, int)),                  # both trivial
              (np.zeros(6, int), np.array([0, 0, 1, 1, 2, 2])),      # one trivial
              (np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1])),      # independent
              (np.arange(7), np.arange(7)),                          # all singletons
              (np.array([5]), np.array([9]))]                        # one sample
    t = rng.integers(0, 3, 120000)                                   # pair counts beyond 2^63
    cases.append((t, np.where(rng.random(120000) < 0.7, t, rng.integers(0, 3, 120000))))
    for t, p in cases:
        expect_close("adjusted_rand_score", metric("adjusted_rand_score", y_true=t, y_pred=p),
                     metrics.adjusted_rand_score(t, p))
        expect_close("normalized_mutual_info_score",
                     metric("normalized_mutual_info_score", y_true=t, y_pred=p),
                     metrics.normalized_mutual_info_score(t, p))


def blobs(n, d, k, spread=1.0, scale=4.0):
    centres = rng.normal(scale=scale, size=(k, d))
    y = np.arange(n) % k
    return centres[y] + spread * rng.normal(size=(n, d)), y


def sklearn_distance_error(x, y):
    """How far sklearn's own Euclidean distances are from exact ones on this
    input: between samples, and from each cluster to its centroid."""
    err = np.max(np.abs(metrics.pairwise_distances(x) - cdist(x, x)))
    for c in np.unique(y):
        members = x[y == c]
        centroid = members.mean(axis=0, keepdims=True)
        err = max(err, np.max(np.abs(metrics.pairwise_distances(members, centroid) - cdist(members, centroid))))
    return err


def geometry_metrics_equal_sklearn():
    cases = [blobs(60, 3, 3), blobs(200, 8, 6, spread=3.0), blobs(25, 2, 2)]
    x, y = blobs(40, 4, 4)
    cases.append((x, rng.integers(0, 3, 40)))                        # labels unrelated to geometry
    x = np.repeat(rng.normal(size=(6, 2)), 3, axis=0)                # duplicate points
    cases.append((x, np.arange(18) // 3 % 2))
    cases.append((x, np.array([0] * 3 + [1] * 15)))
    x = rng.normal(size=(9, 3))
    cases.append((x, np.array([0, 1, 1, 2, 2, 2, 3, 3, 3])))        # a singleton cluster
    for x, y in cases:
        # Scores are ratios of distances of order 1: an error e in sklearn's
        # distances moves them by a few e at most.
        sk_err = sklearn_distance_error(x, y)
        note("(sklearn's own distance error on these inputs)", sk_err)
        for name, fn in (("silhouette_score", metrics.silhouette_score),
                         ("davies_bouldin_score", metrics.davies_bouldin_score),
                         ("calinski_harabasz_score", metrics.calinski_harabasz_score)):
            want = fn(x, y)
            # Calinski-Harabasz is unbounded and uses no distances: compared
            # relative to its size.
            tol = 1e-9 * max(1.0, abs(want)) if name == "calinski_harabasz_score" else 1e-9 + 10 * sk_err
            expect_close(name, metric(name, x=x, labels=y), want, tol)
        got = probe("silhouette_samples", x=x, labels=y)["values"]
        diff = np.max(np.abs(got - metrics.silhouette_samples(x, y)))
        note("silhouette_samples", diff)
        assert diff <= 1e-9 + 10 * sk_err, f"silhouette_samples max diff {diff:.3g}"
        # With exact distances given to sklearn, no allowance is needed.
        exact = metrics.silhouette_samples(cdist(x, x), y, metric="precomputed")
        diff = np.max(np.abs(got - exact))
        note("silhouette_samples vs sklearn on exact distances", diff)
        assert diff <= 1e-9, f"silhouette_samples vs exact distances: max diff {diff:.3g}"
    # Exactly representable duplicates: zero within-cluster dispersion.
    x = np.array([[0.5, 1.0]] * 3 + [[2.0, -1.0]] * 3)
    y = np.array([0, 0, 0, 1, 1, 1])
    for name, fn in (("calinski_harabasz_score", metrics.calinski_harabasz_score),
                     ("davies_bouldin_score", metrics.davies_bouldin_score),
                     ("silhouette_score", metrics.silhouette_score)):
        expect_close(name, metric(name, x=x, labels=y), fn(x, y))
    for labels in (np.zeros(6, int), np.arange(6)):
        assert sklearn_raises(metrics.silhouette_score, x, labels)
        for name in ("silhouette_score", "davies_bouldin_score", "calinski_harabasz_score"):
            probe_fails("metric", name=np.array(name), x=x, labels=labels)


def lloyd_from_given_centres_equals_sklearn():
    for n, d, k in [(100, 2, 3), (300, 5, 8), (50, 3, 5)]:
        x, _ = blobs(n, d, k, spread=2.0)
        for trial in range(3):
            init = x[rng.choice(n, k, replace=False)]
            got = probe("kmeans_from", x=x, init=init, max_iter=np.int64(300), tol=np.float64(1e-4))
            sk = KMeans(k, init=init, n_init=1, algorithm="lloyd", tol=1e-4).fit(x)
            assert np.array_equal(got["labels"], sk.labels_), f"n={n} k={k} trial {trial}: labels"
            diff = np.max(np.abs(got["centers"] - sk.cluster_centers_))
            note("k_means centres (same init)", diff)
            assert diff <= 1e-9, f"centres differ by {diff:.3g}"
            expect_close("k_means inertia (same init, relative)",
                         float(got["inertia"]) / sk.inertia_, 1.0)
            assert int(got["n_iter"]) == sk.n_iter_, f"n_iter {int(got['n_iter'])} vs {sk.n_iter_}"


def k_means_matches_sklearn_quality():
    # Separated blobs: both find the planted partition.
    for n, d, k in [(120, 3, 4), (400, 10, 8)]:
        x, y = blobs(n, d, k, spread=0.3, scale=6.0)
        got = probe("kmeans", x=x, k=np.int64(k), n_init=np.int64(10), seed=np.int64(1))
        sk = KMeans(k, n_init=10, random_state=0).fit(x)
        assert metrics.adjusted_rand_score(y, got["labels"]) == 1.0
        expect_close("k_means inertia on blobs (relative)", float(got["inertia"]) / sk.inertia_, 1.0)
    # Unstructured data: different seeds reach different local optima; the
    # best of 10 restarts must be within 2 % of sklearn's best of 10.
    for seed in range(3):
        x = rng.normal(size=(200, 4))
        got = probe("kmeans", x=x, k=np.int64(6), n_init=np.int64(10), seed=np.int64(seed))
        sk = KMeans(6, n_init=10, random_state=seed).fit(x)
        ratio = float(got["inertia"]) / sk.inertia_
        note("k_means inertia / sklearn's on noise", abs(ratio - 1.0))
        assert ratio <= 1.02, f"inertia {float(got['inertia']):.4f} vs sklearn {sk.inertia_:.4f}"
    # Duplicates: one distinct point, two clusters.
    got = probe("kmeans", x=np.ones((5, 2)), k=np.int64(2), n_init=np.int64(3), seed=np.int64(0))
    assert float(got["inertia"]) == 0.0
    assert sklearn_raises(lambda: KMeans(6, n_init=1).fit(np.ones((5, 2))))
    probe_fails("kmeans", x=rng.normal(size=(5, 2)), k=np.int64(6), n_init=np.int64(1), seed=np.int64(0))


# ---- ranking and reconstruction ------------------------------------------------

def ranking_metrics_equal_sklearn():
    cases = []
    for n in (20, 200, 2000):
        y = (rng.random(n) < 0.3).astype(int)
        y[:2] = [0, 1]
        cases.append((y, rng.normal(size=n) + y))
        cases.append((y, np.round(rng.random(n) + 0.3 * y, 1)))      # many ties
    cases.append((np.array([1, 0, 1, 0]), np.full(4, 0.5)))           # all tied
    cases.append((np.array([1, 1, 0, 0]), np.array([0.9, 0.5, 0.5, 0.1])))
    for y, s in cases:
        expect_close("roc_auc_score", metric("roc_auc_score", y_true=y, y_score=s),
                     metrics.roc_auc_score(y, s))
        expect_close("average_precision_score", metric("average_precision_score", y_true=y, y_score=s),
                     metrics.average_precision_score(y, s))
    for y in (np.zeros(5, int), np.ones(5, int)):
        s = rng.random(5)
        assert sklearn_raises(metrics.roc_auc_score, y, s)
        probe_fails("metric", name=np.array("roc_auc_score"), y_true=y, y_score=s)
        expect_close("average_precision_score", metric("average_precision_score", y_true=y, y_score=s),
                     metrics.average_precision_score(y, s))


def sym_graph(n, p):
    a = np.triu((rng.random((n, n)) < p).astype(float), 1)
    a = a + a.T
    np.fill_diagonal(a, 1.0)  # self loops, as the graph stage writes them: ignored
    return a


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def reconstruction_equals_sklearn():
    for n, d, p, scale in [(12, 2, 0.3, 1.0), (40, 8, 0.1, 1.0), (30, 4, 0.5, 8.0)]:
        z = rng.normal(scale=scale, size=(n, d))  # scale 8 saturates the sigmoid: ties at 1.0
        a = sym_graph(n, p)
        iu = np.triu_indices(n, 1)
        y_all, s_all = (a[iu] != 0).astype(int), sigmoid(z @ z.T)[iu]
        got = probe("pairs", z=z, a=a, negatives=np.array("all"), seed=np.int64(0))
        assert len(got["y_true"]) == n * (n - 1) // 2
        # Same pairs as the upper triangle, scores equal to numpy's.
        order = np.lexsort((got["second"], got["first"]))
        assert np.array_equal(got["first"][order], iu[0]) and np.array_equal(got["second"][order], iu[1])
        assert np.array_equal(got["y_true"][order], y_all)
        sdiff = np.max(np.abs(got["y_score"][order] - s_all))
        note("sigmoid(z z^T) vs numpy", sdiff)
        # Dot products summed in another order (BLAS vs LibTorch): a few ulps.
        assert sdiff <= 1e-14, f"scores differ by {sdiff:.3g}"
        expect_close("reconstruction roc_auc (all pairs)", float(got["roc_auc"]),
                     metrics.roc_auc_score(y_all, s_all))
        expect_close("reconstruction average_precision (all pairs)", float(got["average_precision"]),
                     metrics.average_precision_score(y_all, s_all))
        bal = probe("pairs", z=z, a=a, negatives=np.array("balanced"), seed=np.int64(5))
        f, s, y = bal["first"], bal["second"], bal["y_true"]
        assert np.all(f < s) and len({(i, j) for i, j in zip(f, s)}) == len(f), "pairs must be distinct i<j"
        assert np.array_equal(y, (a[f, s] != 0).astype(int)), "truth must be A's"
        positives = int(np.sum(y_all))
        assert np.sum(y) == positives and len(y) == positives + min(positives, len(y_all) - positives)
        ys = sigmoid(np.sum(z[f] * z[s], axis=1))
        expect_close("reconstruction roc_auc (balanced)", float(bal["roc_auc"]), metrics.roc_auc_score(y, ys))
        expect_close("reconstruction average_precision (balanced)", float(bal["average_precision"]),
                     metrics.average_precision_score(y, ys))
        if len(y_all) - positives > positives + 5:  # a real sample, not all non-edges
            again = probe("pairs", z=z, a=a, negatives=np.array("balanced"), seed=np.int64(6))
            assert not (np.array_equal(again["first"], f) and np.array_equal(again["second"], s)), \
                "another seed should draw other non-edges"
    probe_fails("pairs", z=rng.normal(size=(5, 2)), a=np.eye(5), negatives=np.array("all"),
                seed=np.int64(0))


def group_separation_equals_sklearn():
    t, n, d = 5, 30, 4
    groups = np.arange(n) % 3
    groups[7] = -1  # a unit without group
    z = rng.normal(size=(t, n, d))
    z[:2] += 3.0 * np.eye(d)[groups % d]  # windows 0-1 separate the groups
    window_labels = np.array([1, 1, 0, 0, 0])
    got = probe("groups", z=z, groups=groups, window_labels=window_labels, first=np.array([1]),
                second=np.array([0]))
    keep = groups >= 0
    want = np.array([metrics.silhouette_score(z[w][keep], groups[keep]) for w in range(t)])
    diff = np.max(np.abs(got["per_window"] - want))
    note("group silhouette per window", diff)
    assert diff <= 1e-9, f"per-window silhouette differs by {diff:.3g}"
    expect_close("group separation contrast", float(got["difference"]), want[:2].mean() - want[2:].mean())
    assert float(got["difference"]) > 0.2


check("accuracy, balanced accuracy, macro precision/recall/F1, confusion matrix (1e-9)",
      classification_metrics_equal_sklearn)
check("stratified k-fold: sklearn's folds without shuffle, its class counts with", kfold_equals_sklearn)
check("stratified k-fold refuses too few samples or members, and one class", kfold_errors)
check("stratified shuffle split: sklearn's allocations and errors", shuffle_split_allocation_is_sklearns)
check("StandardScaler equals sklearn (constant feature included)", scaler_equals_sklearn)
check("logistic regression equals sklearn's objective minimiser (1e-6)", logistic_equals_sklearn)
check("k-nearest neighbours predict exactly as sklearn (ties, duplicates, k > n)", knn_equals_sklearn)
check("decoding pipelines on sklearn's splits: kNN identical, logistic within 1 test point",
      decoding_on_sklearns_splits)
check("adjusted_rand_score and normalized_mutual_info_score (1e-9, trivial labelings)",
      label_metrics_equal_sklearn)
check("silhouette, Davies-Bouldin, Calinski-Harabasz (1e-9, duplicates, singletons)",
      geometry_metrics_equal_sklearn)
check("Lloyd from given centres equals sklearn KMeans(init=...)", lloyd_from_given_centres_equals_sklearn)
check("k-means++ with restarts reaches sklearn's optimum", k_means_matches_sklearn_quality)
check("roc_auc_score and average_precision_score with ties (1e-9)", ranking_metrics_equal_sklearn)
check("reconstruction AUC/AP of sigmoid(z z^T), all pairs and balanced sample", reconstruction_equals_sklearn)
check("unit-group silhouette per window and its contrast", group_separation_equals_sklearn)

print("largest |tavrnn - sklearn| measured:")
for name, diff in sorted(measured.items()):
    print(f"     {name}: {diff:.3g}")
checks.finish()
