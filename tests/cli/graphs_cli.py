"""`tavrnn graphs` as a user runs it, judged with numpy: every option, the
graphs.npz keys of docs/formats.md, degenerate windows and clear errors."""
import json
import os
import re
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from tavrnn_testing import Checks, run_tavrnn  # noqa: E402

checks = Checks()
check = checks.check

tmp = tempfile.mkdtemp(prefix="tavrnn-graphs-cli-")


run = run_tavrnn


def path(name):
    return os.path.join(tmp, name)


def graphs(*args):
    out = path("g.npz")
    proc = run("graphs", *args, "--out", out)
    return dict(np.load(out)), proc


def dense_a(g):
    """A as (T, N', N') bool from either layout of docs/formats.md: the dense
    stack, or (every window sparse) the edge list."""
    if "A" in g:
        assert "edge_offsets" not in g
        return g["A"]
    o, rows, cols = g["edge_offsets"], g["edge_rows"], g["edge_columns"]
    assert rows.dtype == np.int32 and cols.dtype == np.int32 and o[0] == 0 and o[-1] == len(rows)
    assert all(s == "sparse" for s in g["window_storage"])
    n = int(g["n_units"]) + int(g["history_node"])
    a = np.zeros((len(o) - 1, n, n), dtype=bool)
    for t in range(len(o) - 1):
        r, c = rows[o[t]:o[t + 1]], cols[o[t]:o[t + 1]]
        keys = r.astype(np.int64) * n + c
        assert (np.diff(keys) > 0).all(), "row-major, no repeats"
        a[t, r, c] = True
    return a


def numpy_w(y):
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.corrcoef(y)
    r = np.nan_to_num(r, nan=0.0)
    np.fill_diagonal(r, 1.0)
    return np.abs(r)


run("simulate", "--preset", "small", "--seed", "2", "--out", path("small.npz"))
rec = np.load(path("small.npz"))
counts = rec["counts"]
truth = json.load(open(path("ground_truth.json")))


def segments_float64_history_rows():
    g, proc = graphs(path("small.npz"), "--windows", "segments:400", "--theta", "0.3",
                     "--history-node", "--features", "rows", "--dtype", "float64")
    segments = [s for s in truth["segments"] if s["end_bin"] - s["start_bin"] >= 400]
    A = dense_a(g)
    assert g["W"].dtype == np.float64 and A.dtype == np.bool_ and str(g["weights"]) == "full"
    assert g["W"].shape == (len(segments), 33, 33), g["W"].shape
    assert str(g["format"]) == "tavrnn-graphs" and int(g["format_version"]) == 2
    assert int(g["n_units"]) == 32 and float(g["bin_width_s"]) == 0.05 and bool(g["history_node"])
    assert str(g["features"]) == "rows" and str(g["windows"]) == "segments:400:contiguous"
    for t, seg in enumerate(segments):
        assert g["window_start"][t] == seg["start_bin"] and g["window_stop"][t] == seg["end_bin"]
        assert g["window_label_name"][t] == seg["state"]
        w = numpy_w(counts[:, seg["start_bin"]:seg["end_bin"]])
        assert np.max(np.abs(g["W"][t, :32, :32] - w)) < 1e-12, f"window {t}: W differs from numpy"
        a = (w >= 0.3)
        np.fill_diagonal(a, True)
        assert np.array_equal(A[t, :32, :32], a), f"window {t}: A is not |r| >= theta"
        assert A[t, 32].all() and A[t, :, 32].all() and (g["W"][t, 32] == 1).all()
        assert g["window_edges"][t] == A[t].sum()
    for t, seg in enumerate(segments):  # each unit's rate in the window, recorded for rows+rates
        rate = counts[:, seg["start_bin"]:seg["end_bin"]].mean(1) / 0.05
        assert np.max(np.abs(g["unit_rate_hz"][t] - rate)) < 1e-9, f"window {t}: unit_rate_hz"
    silent = len(truth["silent_units"])
    assert (g["window_zero_variance_units"] >= silent).all()
    assert (g["window_components_kept"] == 32).all() and str(g["rmt"]) == "none"
    out = proc.stdout
    for word in ("graphs of 33 nodes", "edges per window", "density", "zero-variance units"):
        assert word in out, f"summary lacks '{word}':\n{out}"


def sliding_in_seconds_with_selection():
    g, _ = graphs(path("small.npz"), "--windows", "sliding:20s:10s", "--select", "3,0",
                  "--theta", "0.5")
    assert str(g["windows"]) == "sliding:400:200|select:3,0", g["windows"]
    assert list(g["window_source_index"]) == [3, 0] and list(g["window_bins"]) == [400, 400]
    assert list(g["window_start"]) == [600, 0]
    assert g["W"].dtype == np.float32 and g["W"].shape == (2, 32, 32)  # float32 default
    assert np.max(np.abs(g["W"][0] - numpy_w(counts[:, 600:1000]))) < 1e-5


def explicit_windows_from_csv():
    csv = path("windows.csv")
    with open(csv, "w") as f:
        f.write("start_s,stop_s\n10,30\n0,5\n")
    g, _ = graphs(path("small.npz"), "--windows", f"explicit:{csv}", "--theta", "0.4")
    assert list(g["window_start"]) == [200, 0] and list(g["window_stop"]) == [600, 100]


def concatenated_segments_keep_their_ranges():
    rng = np.random.default_rng(0)
    labels = np.array([0] * 50 + [-1] * 20 + [0] * 40 + [1] * 60)
    np.savez(path("labelled.npz"), counts=rng.poisson(1.0, size=(6, 170)).astype(float),
             bin_width_s=0.025, labels=labels, label_names=np.array(["near", "far"]))
    g, _ = graphs(path("labelled.npz"), "--windows", "segments:10:concatenated")
    assert g["window_ranges"].tolist() == [[0, 0, 50], [0, 70, 110], [1, 110, 170]], g["window_ranges"]
    assert list(g["window_bins"]) == [90, 60]
    y = np.load(path("labelled.npz"))["counts"]
    w = numpy_w(np.concatenate([y[:, 0:50], y[:, 70:110]], axis=1))
    assert np.max(np.abs(g["W"][0] - w)) < 1e-5


def shuffle_is_seeded():
    args = (path("small.npz"), "--windows", "sliding:400:400", "--select", "0,1", "--theta", "0.3",
            "--rmt", "shuffle:40")
    a, _ = graphs(*args, "--seed", "7")
    b, _ = graphs(*args, "--seed", "7")
    c, _ = graphs(*args, "--seed", "8")
    assert np.array_equal(a["W"], b["W"]) and np.array_equal(a["window_lambda_high"], b["window_lambda_high"])
    assert not np.array_equal(a["window_lambda_high"], c["window_lambda_high"])
    assert (a["window_surrogates"] == 40).all() and int(a["seed"]) == 7 and str(a["rmt"]) == "shuffle:40"
    lo, hi = a["window_lambda_low"], a["window_lambda_high"]
    assert ((0 < lo) & (lo < 1) & (hi > 1)).all(), (lo, hi)


def rmt_modes():
    base = (path("small.npz"), "--windows", "sliding:400:400", "--select", "0", "--theta", "0.3")
    ref, _ = graphs(*base, "--rmt", "shuffle:30:reference")
    cor, _ = graphs(*base, "--rmt", "shuffle:30")
    # Reference bounds are in variance units of the raw counts (MODEL.md):
    # the 2 silent units put eigenvalues 0 below the 2.5 % percentile, and
    # the upper bound follows the largest count variances, not 1 + sqrt(q).
    variance = counts[:, :400].var(axis=1, ddof=1)
    low, high = ref["window_lambda_low"][0], ref["window_lambda_high"][0]
    assert abs(low) < 1e-6, low
    assert 0.3 * variance.max() < high < 2 * variance.max(), (high, variance.max())
    assert cor["window_lambda_high"][0] < (1 + np.sqrt(32 / 400)) ** 2 < high
    ana, _ = graphs(*base, "--rmt", "analytic")
    n = 32 - int(ana["window_zero_variance_units"][0])
    assert abs(ana["window_lambda_high"][0] - (1 + np.sqrt(n / 400)) ** 2) < 1e-12
    ada, _ = graphs(*base, "--rmt", "adaptive:0.01")
    assert 8 <= ada["window_surrogates"][0] <= 1000 and str(ada["rmt"]).startswith("adaptive:0.01")
    for g in (ref, cor, ana, ada):
        w = g["W"][0]
        assert np.allclose(w, w.T) and (np.diag(w) == 1).all() and not np.isnan(w).any()


def top_k_union():
    g, _ = graphs(path("small.npz"), "--windows", "sliding:1000:1000", "--select", "0",
                  "--theta", "0.05", "--top-k", "3", "--storage", "sparse")
    assert str(g["window_storage"][0]) == "sparse" and int(g["top_k"]) == 3
    w, a = g["W"][0].astype(float).copy(), dense_a(g)[0]
    np.fill_diagonal(w, -1)
    top = np.argsort(-w, axis=1)[:, :3]
    chosen = np.zeros_like(a)
    np.put_along_axis(chosen, top, True, axis=1)
    allowed = (chosen | chosen.T) & (g["W"][0] >= 0.05)
    off = ~np.eye(32, dtype=bool)
    assert np.array_equal(a[off], allowed[off]), "A must be theta AND top-k of either end"


def weights_on_edges():
    g, _ = graphs(path("small.npz"), "--windows", "sliding:1000:1000", "--theta", "0.1",
                  "--weights", "edges")
    assert str(g["weights"]) == "edges" and "W" not in g and "A" not in g
    A = dense_a(g)
    o, rows, cols = g["edge_offsets"], g["edge_rows"], g["edge_columns"]
    for t in range(len(o) - 1):
        w = numpy_w(counts[:, 1000 * t:1000 * (t + 1)])
        a = w >= 0.1
        np.fill_diagonal(a, True)
        assert np.array_equal(A[t], a), f"window {t}: A is not |r| >= theta"
        s = slice(o[t], o[t + 1])
        assert np.max(np.abs(g["edge_weights"][s] - w[rows[s], cols[s]])) < 1e-5, f"window {t}: W on edges"
    proc = run("graphs", path("small.npz"), "--windows", "sliding:1000:1000", "--weights", "edges",
               "--storage", "dense", "--out", path("x.npz"), expect=1)
    assert "`storage dense` contradicts it" in proc.stderr, proc.stderr


def degenerate_windows_warn():
    g, proc = graphs(path("small.npz"), "--windows", "sliding:400:400", "--select", "2,5",
                     "--theta", "0.99")
    assert "window 0 (plan index 2, bins [800, 1200)): A has no edge between units" in proc.stderr, proc.stderr
    assert list(g["window_degeneracy"]) == ["no-edges", "no-edges"] and g["window_degenerate"].all()
    assert "degenerate windows: 0 (no edges), 1 (no edges)" in proc.stdout, proc.stdout
    y = np.tile(np.random.default_rng(1).poisson(1.0, size=(1, 100)).astype(float), (3, 1))
    np.savez(path("identical.npz"), counts=y, bin_width_s=0.05)
    g, proc = graphs(path("identical.npz"), "--windows", "sliding:100:100", "--theta", "0.5")
    assert "A is complete" in proc.stderr and "pos_weight = 1, norm = 1" in proc.stderr, proc.stderr
    assert list(g["window_degeneracy"]) == ["complete"]


def rows_and_rates_features_train():
    # One more feature column: the model is built for N' + 1 inputs and trains.
    g, proc = graphs(path("small.npz"), "--windows", "sliding:400:400", "--theta", "0.3",
                     "--history-node", "--features", "rows+rates")
    assert str(g["features"]) == "rows+rates" and g["unit_rate_hz"].shape == (15, 32), g["unit_rate_hz"].shape
    assert "rows of W + unit rates" in proc.stdout, proc.stdout
    run("--threads", "1", "-q", "fit", path("g.npz"), "--epochs", "2", "--out", path("rr_run"))
    text = open(path("rr_run/run.json")).read()
    dims = set(re.findall(r'"x_dim": *([0-9]+)', text))
    assert dims == {"34"}, f"x_dim {dims}, expected 34 = 32 units + history node + rate"
    assert os.path.exists(path("rr_run/embeddings.npz"))


def descriptor_features_train():
    # Eight columns per node whatever the number of units: x_dim 8, not N' + 1.
    g, proc = graphs(path("small.npz"), "--windows", "sliding:400:400", "--theta", "0.3",
                     "--history-node", "--features", "descriptors")
    assert str(g["features"]) == "descriptors", g["features"]
    assert "unit descriptors" in proc.stdout, proc.stdout
    run("--threads", "1", "-q", "fit", path("g.npz"), "--epochs", "2", "--out", path("d_run"))
    text = open(path("d_run/run.json")).read()
    dims = set(re.findall(r'"x_dim": *([0-9]+)', text))
    assert dims == {"8"}, f"x_dim {dims}, expected 8 descriptor columns"
    mu = np.load(path("d_run/embeddings.npz"))["mu"]
    assert mu.shape[1] == 33 and np.isfinite(mu).all(), mu.shape


def errors_are_one_line():
    cases = [
        (("--windows", "sliding:10"), 1, "--windows 'sliding:10'"),
        (("--windows", "sliding:400:400", "--rmt", "shufle"), 1, "--rmt 'shufle': unknown mode"),
        (("--windows", "sliding:400:400", "--select", "99"), 1, "index 99 is out of range"),
        (("--windows", "sliding:0.07s:400"), 1, "expected a whole number of bins"),
        (("--windows", "segments:400", "--theta", "2"), 2, ""),
    ]
    for extra, status, text in cases:
        proc = run("graphs", path("small.npz"), *extra, "--out", path("x.npz"), expect=status)
        assert text in proc.stderr, f"{extra}: {proc.stderr}"
        if status == 1:
            assert proc.stderr.startswith("tavrnn: error: ") and proc.stderr.count("\n") == 1, proc.stderr
    proc = run("graphs", path("missing.npz"), "--windows", "segments", "--out", path("x.npz"), expect=1)
    assert "missing.npz" in proc.stderr


check("segments, float64, history node, rows: W and A equal numpy", segments_float64_history_rows)
check("sliding windows in seconds, --select keeps order and source index", sliding_in_seconds_with_selection)
check("explicit windows from a CSV in seconds", explicit_windows_from_csv)
check("concatenated segments keep their ranges", concatenated_segments_keep_their_ranges)
check("--seed: same seed same graphs, other seed other bounds", shuffle_is_seeded)
check("--rmt reference, analytic, adaptive", rmt_modes)
check("--top-k keeps the k strongest of either end, sparse storage", top_k_union)
check("--weights edges: A and W as edge lists, W on A's edges only", weights_on_edges)
check("degenerate windows are reported with their fallback", degenerate_windows_warn)
check("--features rows+rates: rates recorded, one more feature column, fit trains", rows_and_rates_features_train)
check("--features descriptors: eight columns per node, fit trains", descriptor_features_train)
check("bad options are one-line errors", errors_are_one_line)

checks.finish()
