"""The real-data examples (examples/*.toml) end to end, and the recording
options they rely on, judged by numpy and scikit-learn.

(a) Always: an .npz with spike times and a tilted-track position sampled at
    its own times (one duplicated timestamp, as in nelpy's file) is read with
    --behaviour-series/--behaviour-times/--behaviour-axis first-pc/
    --behaviour-labels; the binned behaviour, its first principal axis and
    the labels are recomputed with numpy. --rebin against numpy's reshape-sum;
    errors name the file and key.
(b) With ../shared/data (CI has it; elsewhere the checks print why they are
    skipped): examples/rat-linear-track.toml, monkey-grasp.toml and
    synapticonn-hippocampus.toml through `tavrnn run` with few epochs; the
    rat-track windows have both ends, the grasp windows are the 134 trials
    with 2 grips (and --rebin 25 gives 60-bin trials); the rat-track
    decoding is recomputed from embeddings.npz with scikit-learn (logistic
    regression, stratified 5-fold, 10 seeds) and must agree with
    metrics.json to within 0.05 (the folds are drawn by different
    generators, so not exactly); `tavrnn compare` reads the recording with
    the same options.
"""
import json
import os
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "python"))
from tavrnn_testing import Checks, expect_one_line_error, population_readout, run_tavrnn  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
EXAMPLES = os.path.join(ROOT, "examples")
SHARED = os.path.join(os.environ.get("TAVRNN_SHARED_DIR", os.path.join(ROOT, "..", "shared")), "data")
PROBE = os.environ.get("TAVRNN_RECORDING_PROBE")
checks = Checks()


# ---- (a) the options, on a file written here ----------------------------------

def write_track(path):
    """3 units over 20 s; position at 60 Hz along a line at 30 degrees, the
    animal going back and forth every 4 s; one timestamp repeated."""
    rng = np.random.default_rng(3)
    t = np.arange(0.01, 20.0, 1 / 60)
    t = np.insert(t, 300, t[300])                     # a clock tick stamped twice
    along = 100 * np.abs(((t / 4) % 2) - 1)           # 0..100 and back
    xy = np.c_[50 + along * np.cos(np.pi / 6), 20 + along * np.sin(np.pi / 6)]
    xy += rng.normal(0, 0.5, xy.shape)
    spikes = np.sort(rng.uniform(0, 20, 300))
    units = rng.integers(0, 3, 300)
    np.savez(path, spike_times=spikes, spike_units=units, position_time_s=t, position_xy_px=xy)
    return t, xy


def numpy_behaviour(t, xy, w, n_bins):
    """Bin means of the samples (duplicate times averaged first), linear
    interpolation for bins without samples inside the span, then pc1 and
    the labels of formats.md."""
    ut, inverse = np.unique(t, return_inverse=True)
    m = np.zeros((len(ut), 2))
    np.add.at(m, inverse, xy)
    m /= np.bincount(inverse)[:, None]
    b = np.floor(ut / w).astype(int)
    sums, counts = np.zeros((n_bins, 2)), np.zeros(n_bins)
    inside = b < n_bins
    np.add.at(sums, b[inside], m[inside])
    np.add.at(counts, b[inside], 1)
    beh = np.full((n_bins, 2), np.nan)
    beh[counts > 0] = sums[counts > 0] / counts[counts > 0, None]
    centres = (np.arange(n_bins) + 0.5) * w
    for k in range(2):
        empty = (counts == 0) & (centres >= ut[0]) & (centres <= ut[-1])
        beh[empty, k] = np.interp(centres[empty], ut, m[:, k])
    ok = np.isfinite(beh).all(1)
    mu = beh[ok].mean(0)
    _, v = np.linalg.eigh(np.cov((beh[ok] - mu).T))
    axis = v[:, -1] * np.sign(v[np.argmax(np.abs(v[:, -1])), -1])
    pc1 = (beh - mu) @ axis
    lo, hi = np.nanmin(pc1), np.nanmax(pc1)
    labels = np.where(pc1 < lo + 0.15 * (hi - lo), 0, np.where(pc1 >= lo + 0.85 * (hi - lo), 1, -1))
    labels[~np.isfinite(pc1)] = -1
    return pc1, labels


def check_options(tmp):
    path = os.path.join(tmp, "track.npz")
    t, xy = write_track(path)
    w = 0.1
    options = {"bin_width_s": w, "stop_s": 20.0, "behaviour_series": "position_xy_px",
               "behaviour_times": "position_time_s", "behaviour_axis": "first-pc",
               "behaviour_labels": "start:0%:15%,end:85%:100%]"}

    def behaviour_and_labels():
        if not PROBE:
            raise AssertionError("TAVRNN_RECORDING_PROBE is not set")
        import subprocess
        proc = subprocess.run([PROBE, "recording", path, json.dumps(options)], capture_output=True,
                              text=True, timeout=120)
        if proc.returncode != 0:
            raise AssertionError(proc.stderr)
        got = json.loads(proc.stdout)
        n_bins = got["n_bins"]
        pc1, labels = numpy_behaviour(t, xy, w, n_bins)
        values = np.array([np.nan if v is None else v for v in got["behaviour"]["values"]], float)
        if got["behaviour"]["names"] != ["pc1"]:
            raise AssertionError(f"names {got['behaviour']['names']}")
        if not np.allclose(values, pc1, rtol=0, atol=1e-9, equal_nan=True):
            raise AssertionError(f"pc1 differs by {np.nanmax(np.abs(values - pc1))}")
        codes = np.array(got["labels"]["codes"])
        if got["labels"]["names"] != ["start", "end"] or not np.array_equal(codes, labels):
            raise AssertionError(f"labels differ at {np.flatnonzero(codes != labels)[:10]}")
    checks.check("npz behaviour at its own times -> pc1 -> labels, as numpy", behaviour_and_labels)

    def info_and_graphs():
        args = [path, "--bin-width", "0.1", "--stop", "20", "--behaviour-series", "position_xy_px",
                "--behaviour-times", "position_time_s", "--behaviour-axis", "first-pc",
                "--behaviour-labels", "start:0%:15%,end:85%:100%]"]
        out = run_tavrnn("info", *args).stdout
        if "behaviour    1 dims (pc1)" not in out or "start=" not in out:
            raise AssertionError(out)
        run_tavrnn("-q", "graphs", *args, "--windows", "segments:3", "--out",
                   os.path.join(tmp, "g.npz"))
        g = np.load(os.path.join(tmp, "g.npz"))
        if sorted(set(g["window_label_name"])) != ["end", "start"]:
            raise AssertionError(g["window_label_name"])
    checks.check("info and graphs take the options", info_and_graphs)

    def rebin():
        counts = np.random.default_rng(1).poisson(0.3, (4, 103)).astype(float)
        p = os.path.join(tmp, "fine.npz")
        np.savez(p, counts=counts, bin_width_s=0.001, labels=np.repeat([0, 1], [60, 43]))
        run_tavrnn("-q", "graphs", p, "--rebin", "10", "--windows", "sliding:2:2", "--theta", "0",
                   "--dtype", "float64", "--out", os.path.join(tmp, "coarse.npz"))
        g = np.load(os.path.join(tmp, "coarse.npz"))
        coarse = counts[:, :100].reshape(4, 10, 10).sum(2)
        if not np.isclose(float(g["bin_width_s"]), 0.01) or len(g["window_start"]) != 5:
            raise AssertionError(f"bin width {g['bin_width_s']}, windows {len(g['window_start'])}")
        r = np.nan_to_num(np.corrcoef(coarse[:, 0:2]))
        np.fill_diagonal(r, 1)
        if not np.allclose(g["W"][0], np.abs(r), atol=1e-12):
            raise AssertionError("W of the first coarse window differs from numpy")
    checks.check("--rebin 10 sums bins as numpy's reshape", rebin)

    def errors():
        expect_one_line_error(["info", path, "--bin-width", "0.1", "--behaviour-series", "position_xy_px"],
                              [path, "--behaviour-series position_xy_px", "--behaviour-times"])
        expect_one_line_error(["info", path, "--bin-width", "0.1", "--behaviour-series", "position",
                               "--behaviour-times", "position_time_s"], [path, "position"])
        expect_one_line_error(["info", path, "--bin-width", "0.1", "--behaviour-series", "position_xy_px",
                               "--behaviour-times", "position_time_s", "--behaviour-labels", "a:0%:10%"],
                              [path, "expected a 1-D behaviour", "--behaviour-axis first-pc"])
        bad = os.path.join(tmp, "bad_times.npz")
        np.savez(bad, spike_times=[0.5], spike_units=[0], position_time_s=[0.0, 0.2],
                 position_xy_px=np.zeros((3, 2)))
        expect_one_line_error(["info", bad, "--bin-width", "0.1", "--behaviour-series", "position_xy_px",
                               "--behaviour-times", "position_time_s"],
                              [bad, "'position_time_s'", "expected 3 times (one per sample of 'position_xy_px')"])
        expect_one_line_error(["info", path, "--bin-width", "0.1", "--behaviour-axis", "first-pc"],
                              [path, "expected a behaviour, found none"])
    checks.check("bad behaviour options: one-line errors naming file and key", errors)


# ---- (b) the examples on the shared recordings --------------------------------

def shared(*parts):
    return os.path.join(SHARED, *parts)


def sklearn_decoding(features, labels, seeds=10, folds=5):
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    scores = [cross_val_score(make_pipeline(StandardScaler(), LogisticRegression()), features, labels,
                              cv=StratifiedKFold(folds, shuffle=True, random_state=s)).mean()
              for s in range(seeds)]
    return float(np.mean(scores))


def check_rat_track(tmp):
    out = os.path.join(tmp, "rat")

    def run():
        run_tavrnn("-q", "--threads", "1", "run", os.path.join(EXAMPLES, "rat-linear-track.toml"),
                   "--out", out, "--set", "fit.epochs=15", timeout=600)
        g = np.load(os.path.join(out, "graphs.npz"))
        names = list(g["window_label_name"])
        if len(names) < 40 or names.count("start_end") < 15 or names.count("far_end") < 15:
            raise AssertionError(f"{len(names)} windows: {names.count('start_end')} start_end, "
                                 f"{names.count('far_end')} far_end")
        if int(g["n_units"]) != 31 or not np.isclose(float(g["bin_width_s"]), 0.025):
            raise AssertionError(f"{g['n_units']} units at {g['bin_width_s']} s")
    checks.check("rat-linear-track.toml runs; windows at both ends", run)

    def recompute():
        e = np.load(os.path.join(out, "fit", "embeddings.npz"))
        m = json.load(open(os.path.join(out, "fit", "metrics.json")))
        pop = population_readout(e, m["population_embedding"])
        keep = e["window_label"] >= 0
        ours = sklearn_decoding(pop[keep].astype(np.float64), e["window_label"][keep])
        theirs = m["decoding"]["logistic_regression"]["scores"]["accuracy_score"]["mean"]
        print(f"     rat track decoding: tavrnn {theirs:.3f}, scikit-learn {ours:.3f}")
        if abs(ours - theirs) > 0.05:
            raise AssertionError(f"scikit-learn {ours:.3f}, metrics.json {theirs:.3f}")
    checks.check("rat-track decoding recomputed with scikit-learn", recompute)

    def compare():
        rec = ["--recording", shared("nelpy-linear-track", "linear_track.npz"), "--bin-width", "0.025",
               "--start", "4397", "--stop", "5357", "--behaviour-series", "position_xy_px",
               "--behaviour-times", "position_time_s", "--behaviour-axis", "first-pc",
               "--behaviour-labels", "start_end:0%:15%,far_end:85%:100%]"]
        run_tavrnn("-q", "--threads", "1", "compare", os.path.join(out, "graphs.npz"), "--out",
                   os.path.join(tmp, "rat-compare"), *rec, "--models", "rates", "--latent", "8",
                   "--seeds", "2")
        m = json.load(open(os.path.join(tmp, "rat-compare", "cells", "rates", "z8", "seed0",
                                        "metrics.json")))
        acc = m["decoding"]["logistic_regression"]["scores"]["accuracy_score"]["mean"]
        if acc < 0.85:
            raise AssertionError(f"rates decode {acc}")
    checks.check("compare reads the rat recording with the recording options", compare)


def check_grasp(tmp):
    def run():
        out = os.path.join(tmp, "grasp")
        run_tavrnn("-q", "--threads", "1", "run", os.path.join(EXAMPLES, "monkey-grasp.toml"),
                   "--out", out, "--set", "fit.epochs=2", timeout=600)
        g = np.load(os.path.join(out, "graphs.npz"))
        if len(g["window_label"]) != 134 or sorted(set(g["window_label_name"])) != ["1", "2"]:
            raise AssertionError(f"{len(g['window_label'])} windows, labels {set(g['window_label_name'])}")
        if int(g["n_units"]) != 93 or not np.all(g["window_bins"] == 1500):
            raise AssertionError(f"{g['n_units']} units, window bins {set(g['window_bins'])}")
        counts = np.bincount(g["window_label"])
        if list(counts) != [70, 64]:
            raise AssertionError(f"grips {counts}")
        m = json.load(open(os.path.join(out, "fit", "metrics.json")))
        if m["decoding"]["windows"] != 134:
            raise AssertionError(m["decoding"])
        text = run_tavrnn("info", shared("brochier-reach2grasp", "Dataset2.mat"), "--bin-width", "0.001",
                         "--mat-var", "D", "--time-major", "--mat-trial-labels", "GRIP", "--rebin",
                         "25").stdout
        if "8040 x 0.025 s" not in text or "trials       134" not in text or "1=4200 2=3840" not in text:
            raise AssertionError(text)
    checks.check("monkey-grasp.toml runs: 134 trials of 1500 1-ms bins, 2 grips", run)


def check_synapticonn(tmp):
    def run():
        out = os.path.join(tmp, "syn")
        run_tavrnn("-q", "--threads", "1", "run", os.path.join(EXAMPLES, "synapticonn-hippocampus.toml"),
                   "--out", out, "--set", "fit.epochs=5", timeout=600)
        g = np.load(os.path.join(out, "graphs.npz"))
        if int(g["n_units"]) != 16 or len(g["window_start"]) < 30:
            raise AssertionError(f"{g['n_units']} units, {len(g['window_start'])} windows")
        m = json.load(open(os.path.join(out, "fit", "metrics.json")))
        auc = m["reconstruction"]["roc_auc_score"]["mean"]
        if not 0.5 < auc <= 1.0:
            raise AssertionError(f"reconstruction AUC {auc}")
    checks.check("synapticonn-hippocampus.toml runs: 16 units, sliding windows", run)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        check_options(tmp)
        if os.path.isdir(SHARED):
            check_rat_track(tmp)
            check_grasp(tmp)
            check_synapticonn(tmp)
        else:
            print(f"skip: {SHARED} not found; the examples on real recordings are not run")
    checks.finish()


if __name__ == "__main__":
    main()
