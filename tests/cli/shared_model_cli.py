"""One model over several simulated animals, as a user runs it: simulate
--animals, graphs with unit descriptors, fit several files with --separate,
evaluate; the cross-recording numbers in metrics.json recomputed from the
embeddings files with scikit-learn (leave-one-animal-out decoding with
StandardScaler + LogisticRegression, CEBRA-style consistency with
LinearRegression's R^2)."""
import json
import os
import sys
import tempfile

import numpy as np
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.preprocessing import StandardScaler

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from tavrnn_testing import Checks, run_tavrnn  # noqa: E402

checks = Checks()
check = checks.check
tmp = tempfile.mkdtemp(prefix="tavrnn-shared-cli-")
ANIMALS = ("animal1", "animal2", "animal3")
# Six position ranges: more labels than an affine map of the 2-wide history
# embedding fits exactly, so consistency means something.
POSITIONS = "p0:0%:17%,p1:17%:33%,p2:33%:50%,p3:50%:67%,p4:67%:83%,p5:83%:100%]"


def path(*p):
    return os.path.join(tmp, *p)


def run(*args, expect=0):
    return run_tavrnn("--threads", "1", *args, expect=expect, timeout=600)


def setup():
    run("simulate", "--preset", "hippocampus-like", "--animals", "3", "--units", "24", "--duration", "150",
        "--seed", "2", "--out", path("animals"))
    for name in ANIMALS:
        run("graphs", path("animals", f"{name}.npz"), "--windows", "sliding:1s:1s", "--behaviour-labels",
            POSITIONS, "--features", "descriptors", "--history-node", "--theta", "0.3",
            "--out", path("graphs", f"{name}.npz"))
    run("fit", *(path("graphs", f"{n}.npz") for n in ANIMALS), "--out", path("run"), "--epochs", "4",
        "--latent", "2", "--hidden", "8", "--separate")
    run("evaluate", path("run"), "--seeds", "1")


def population(file):
    e = np.load(file)
    names = [str(x) for x in e["label_names"]]
    labels = np.array([names[c] if c >= 0 else "" for c in e["window_label"]])
    return e["population_history"].astype(np.float64), labels


def sklearn_leave_one_out(data):
    out = []
    for i in range(len(data)):
        x_train = np.concatenate([d[0] for j, d in enumerate(data) if j != i])
        y_train = np.concatenate([d[1] for j, d in enumerate(data) if j != i])
        keep = y_train != ""
        scaler = StandardScaler().fit(x_train[keep])
        model = LogisticRegression(C=1.0, max_iter=10000, tol=1e-10).fit(scaler.transform(x_train[keep]),
                                                                        y_train[keep])
        x, y = data[i]
        test = (y != "") & np.isin(y, model.classes_)
        predicted = model.predict(scaler.transform(x[test]))
        recalls = [np.mean(predicted[y[test] == c] == c) for c in np.unique(y[test])]
        out.append((np.mean(predicted == y[test]), np.mean(recalls), test.sum()))
    return out


def sklearn_consistency(data):
    common = sorted(set.intersection(*(set(y[y != ""]) for _, y in data)))
    means = [np.stack([x[y == label].mean(0) for label in common]) for x, y in data]
    scores = []
    for i in range(len(means)):
        for j in range(len(means)):
            if i != j:
                scores.append(LinearRegression().fit(means[i], means[j]).score(means[i], means[j]))
    return common, scores


def compare(metrics, files, who):
    data = [population(f) for f in files]
    decoding = metrics["decoding"]["per_recording"]
    expected = sklearn_leave_one_out(data)
    for row, (accuracy, balanced, n_test), name in zip(decoding, expected, ANIMALS):
        assert row["name"] == name and row["n_test"] == n_test, (row, n_test)
        # One window may sit on the boundary within the solvers' tolerance.
        assert abs(row["accuracy"] - accuracy) <= 1.0 / n_test + 1e-12, (who, row, accuracy)
        assert abs(row["balanced_accuracy"] - balanced) <= 1.0 / n_test + 1e-12, (who, row, balanced)
    assert abs(metrics["decoding"]["mean_accuracy"] - np.mean([r["accuracy"] for r in decoding])) < 1e-12
    common, scores = sklearn_consistency(data)
    assert metrics["consistency"]["labels"] == common, (metrics["consistency"]["labels"], common)
    got = [p["r2"] for p in metrics["consistency"]["pairs"]]
    assert len(got) == 6 and np.allclose(got, scores, rtol=0, atol=1e-8), (who, got, scores)
    assert abs(metrics["consistency"]["mean_r2"] - np.mean(scores)) < 1e-8


def cross_recording_numbers_match_sklearn():
    metrics = json.load(open(path("run", "metrics.json")))
    assert metrics["shared_model"] and metrics["cross_recording_population"] == "history"
    assert sorted(metrics["sequences"]) == list(ANIMALS)
    compare(metrics["shared"], [path("run", "embeddings", f"{n}.npz") for n in ANIMALS], "shared")
    compare(metrics["separate"], [path("run", "separate", n, "embeddings.npz") for n in ANIMALS], "separate")


def each_sequence_has_its_own_metrics():
    metrics = json.load(open(path("run", "metrics.json")))
    for name in ANIMALS:
        own = metrics["sequences"][name]
        assert "decoding" in own and "reconstruction" in own, sorted(own)
    info = json.load(open(path("run", "run.json")))
    units = [s["units"] for s in info["sequences"]]
    assert units == [18, 24, 30], units


def recordings_grouped_are_left_out_together():
    # animal1 and animal2 as one group ("animal"), animal3 alone.
    run("evaluate", path("run"), "--seeds", "1", "--recording-group", "[a-z]+(?=[12])|animal3",
        "--out", path("grouped.json"))
    metrics = json.load(open(path("grouped.json")))
    assert metrics["recording_groups"] == {"animal": ["animal1", "animal2"], "animal3": ["animal3"]}, \
        metrics["recording_groups"]
    data = [population(path("run", "embeddings", f"{n}.npz")) for n in ANIMALS]
    merged = [(np.concatenate([data[0][0], data[1][0]]), np.concatenate([data[0][1], data[1][1]])), data[2]]
    expected = sklearn_leave_one_out(merged)
    rows = metrics["shared"]["decoding"]["per_recording"]
    assert [r["name"] for r in rows] == ["animal", "animal3"], rows
    for row, (accuracy, _, n_test) in zip(rows, expected):
        assert row["n_test"] == n_test and abs(row["accuracy"] - accuracy) <= 1.0 / n_test + 1e-12, (row, accuracy)
    proc = run("evaluate", path("run"), "--recording-group", "animal", "--out", path("g.json"), expect=1)
    assert "one group" in proc.stderr, proc.stderr
    proc = run("evaluate", path("run"), "--recording-group", "mouse", "--out", path("g.json"), expect=1)
    assert "no match in the sequence name 'animal1'" in proc.stderr, proc.stderr


def one_label_for_a_whole_recording():
    run("graphs", path("animals", "animal1.npz"), "--windows", "sliding:5s:5s", "--label", "saline",
        "--features", "descriptors", "--out", path("saline.npz"))
    g = np.load(path("saline.npz"))
    assert set(str(x) for x in g["window_label_name"]) == {"saline"}, g["window_label_name"]
    proc = run("graphs", path("animals", "animal1.npz"), "--windows", "sliding:5s:5s", "--label", "saline",
               "--behaviour-labels", POSITIONS, "--out", path("x.npz"), expect=1)
    assert "does not combine" in proc.stderr, proc.stderr


def figures_and_report_say_they_read_one_sequence():
    for command in ("figures", "report"):
        proc = run(command, path("run"), expect=1)
        assert "several sequences" in proc.stderr and "tavrnn evaluate" in proc.stderr, proc.stderr


def too_few_labels_and_wide_populations_are_explained():
    proc = run("evaluate", path("run"), "--seeds", "1", "--population", "units", "--out", path("u.json"), expect=1)
    assert "history or mean" in proc.stderr, proc.stderr
    # Two labels: an affine map of a 2-wide embedding fits them exactly.
    for name in ANIMALS:
        run("graphs", path("animals", f"{name}.npz"), "--windows", "sliding:1s:1s", "--behaviour-labels",
            "start:0%:50%,end:50%:100%]", "--features", "descriptors", "--history-node", "--theta", "0.3",
            "--out", path("two", f"{name}.npz"))
    run("fit", *(path("two", f"{n}.npz") for n in ANIMALS), "--out", path("two_run"), "--epochs", "2",
        "--latent", "2", "--hidden", "8")
    proc = run("evaluate", path("two_run"), "--seeds", "1")
    assert "fits 3 points or fewer exactly" in proc.stdout, proc.stdout
    metrics = json.load(open(path("two_run", "metrics.json")))
    assert metrics["shared"]["consistency"]["mean_r2"] is None
    assert metrics["separate"] is None and "fit --separate" in proc.stdout


check("setup: simulate 3 animals, graphs, fit --separate, evaluate", setup)
for fn in (cross_recording_numbers_match_sklearn, each_sequence_has_its_own_metrics,
           recordings_grouped_are_left_out_together, one_label_for_a_whole_recording,
           figures_and_report_say_they_read_one_sequence,
           too_few_labels_and_wide_populations_are_explained):
    check(fn.__name__, fn)
checks.finish()
