#!/usr/bin/python3
"""scipy.io (v5) and h5py (v7.3) judge tavrnn's MATLAB reader.

(a) The shared files: nelpy-linear-track/spikes.mat (cells of cells of
    structs with a `time` field; --mat-var spikes --mat-field time),
    synapticonn-hippocampus/all_unit.mat (a cell of spike-time columns), and
    brochier-reach2grasp/Dataset2.mat (v7.3: numeric variables against h5py,
    the 3-D `D` as 134 trials end to end, labelled by GRIP).
(b) Files written here with scipy.io.savemat: counts matrices of several
    classes (units x bins and --time-major), cells of vectors with empty
    placeholders, a struct path NAME.FIELD, and the binned recording against
    numpy.
(c) Wrong selections: a one-line error naming the file, the variable and
    what was found, exit status 1, through `tavrnn info`.
"""
import json
import math
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np
import scipy.io as sio

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "python"))
from tavrnn_testing import Checks, expect_one_line_error, run_tavrnn  # noqa: E402

PROBE = os.environ["TAVRNN_RECORDING_PROBE"]
DATA = os.path.join(os.environ.get("TAVRNN_SHARED_DIR", ""), "data")
checks = Checks()


def probe(*args):
    proc = subprocess.run([PROBE, *args], capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        raise AssertionError(f"probe {' '.join(args)}: exit {proc.returncode}: {proc.stderr.strip()}")
    return json.loads(proc.stdout)


def equal(name, expected, got):
    if expected != got:
        raise AssertionError(f"{name}: expected {expected!r}, found {got!r}")


def same_floats(name, expected, got):
    expected = np.asarray(expected, dtype=float).ravel()
    got = np.array([math.nan if v == "nan" else v for v in got], dtype=float)
    if expected.shape != got.shape or not np.array_equal(expected, got, equal_nan=True):
        raise AssertionError(f"{name}: values differ ({expected.size} expected, {got.size} found)")


def leaves(value, field, levels=()):
    """scipy's view of a cell tree: (levels, times) per unit, MATLAB order
    (column-major), levels indexed 1-based where a cell has > 1 element."""
    if value.size == 0:
        return []
    if value.dtype == object:
        out = []
        for i, child in enumerate(value.ravel(order="F")):
            out += leaves(child, field, levels + ((i + 1,) if value.size > 1 else ()))
        return out
    if value.dtype.names is not None:
        out = []
        for i, element in enumerate(value.ravel(order="F")):
            times = np.asarray(element[field])
            if times.size == 0:  # a discarded cluster: no spikes, no unit
                continue
            out.append((levels + ((i + 1,) if value.size > 1 else ()), np.asarray(times, float).ravel()))
        return out
    return [(levels, np.asarray(value, float).ravel())]


def check_tree(path, variable, field, expect_groups):
    value = sio.loadmat(path)[variable]
    expected = leaves(value, field)

    def run():
        got = probe("mat", path, variable, field)
        ids = [".".join(map(str, lv)) or "1" for lv, _ in expected]
        equal("unit ids", ids, got["trains"]["ids"])
        for (lv, times), got_times in zip(expected, got["trains"]["times"]):
            same_floats(f"unit {lv}", np.sort(times), got_times)
        if expect_groups:
            names = []
            for lv, _ in expected:
                if str(lv[0]) not in names:
                    names.append(str(lv[0]))
            equal("groups", [names.index(str(lv[0])) for lv, _ in expected], got["groups"]["codes"])
        else:
            equal("no groups", False, "groups" in got)
        n_spikes = sum(len(t) for _, t in expected)
        print(f"     {os.path.basename(path)}: {len(expected)} units, {n_spikes} spikes, "
              f"{got['skipped_empty']} empty cells skipped")
    checks.check(f"{os.path.basename(path)} {variable} {field}: spike trains match scipy.io", run)


def check_shared():
    nelpy = os.path.join(DATA, "nelpy-linear-track", "spikes.mat")
    if os.path.exists(nelpy):
        check_tree(nelpy, "spikes", "time", expect_groups=True)
        # The same units as linear_track.npz (converted independently).
        def against_npz():
            npz = np.load(os.path.join(DATA, "nelpy-linear-track", "linear_track.npz"))
            got = probe("mat", nelpy, "spikes", "time")["trains"]
            equal("units", int(npz["spike_units"].max()) + 1, len(got["ids"]))
            equal("spikes", int(npz["spike_times"].size), sum(len(t) for t in got["times"]))
            # The npz numbers tetrodes and clusters from 0; tavrnn's ids are MATLAB's 1-based indices.
            ids = [f"{t + 1}.{c + 1}" for t, c in zip(npz["unit_tetrode"], npz["unit_cluster"])]
            equal("unit ids", ids, got["ids"])
            for u in range(len(ids)):
                same_floats(f"unit {ids[u]}", np.sort(npz["spike_times"][npz["spike_units"] == u]),
                            got["times"][u])
        checks.check("spikes.mat: same units and spike times as linear_track.npz", against_npz)
    synapticonn = os.path.join(DATA, "synapticonn-hippocampus", "all_unit.mat")
    if os.path.exists(synapticonn):
        check_tree(synapticonn, "unit_t", "", expect_groups=False)
    brochier = os.path.join(DATA, "brochier-reach2grasp", "Dataset2.mat")
    if os.path.exists(brochier):
        with h5py.File(brochier, "r") as f:
            for name in ("GRIP", "RT", "ID"):
                # HDF5 holds MATLAB's dimensions reversed: [1, 134] is 134 x 1.
                values = f[name][()].T

                def numeric(name=name, values=values):
                    got = probe("mat", brochier, name, "")["counts"]
                    equal("shape", list(values.shape), [got["n_units"], got["n_bins"]])
                    same_floats(name, values, got["values"])
                checks.check(f"Dataset2.mat (v7.3) {name} matches h5py", numeric)
            d_total = float(f["D"][()].sum())
            grip = f["GRIP"][()].ravel()
            n_bins, n_units, n_trials = f["D"].shape[2], f["D"].shape[1], f["D"].shape[0]

        def trial_stack():
            # MATLAB's D is bins x units x trials: --time-major, trials end to end.
            out = run_tavrnn("info", brochier, "--bin-width", "0.001", "--mat-var", "D", "--time-major",
                             "--mat-trial-labels", "GRIP", "--json").stdout
            j = json.loads(out)
            equal("units", n_units, j["n_units"])
            equal("bins", n_bins * n_trials, j["n_bins"])
            equal("trials", n_trials, j["n_trials"])
            equal("spikes", d_total, j["total_count"])
            per_label = {str(int(g)): int((grip == g).sum()) * n_bins for g in np.unique(grip)}
            got = {k: n for k, n in j["labels"].items() if k != "(unlabelled)"}
            equal("bins per grip", per_label, got)
        checks.check("Dataset2.mat (v7.3) D as a stack of trials labelled by GRIP matches h5py",
                     trial_stack)
        expect_error("trial labels of another length",
                     ["info", brochier, "--bin-width", "0.001", "--mat-var", "D", "--time-major",
                      "--mat-trial-labels", "ID"], "variable ID", "expected 134 values (one per trial), found 93")


def check_written(tmp):
    rng = np.random.default_rng(3)
    counts = rng.poisson(2.0, size=(5, 40))
    path = os.path.join(tmp, "counts.mat")
    sio.savemat(path, {"counts_f64": counts.astype(float), "counts_i16": counts.astype(np.int16),
                       "counts_u8": counts.astype(np.uint8), "flag": counts > 2})
    for name in ("counts_f64", "counts_i16", "counts_u8", "flag"):
        def matrix(name=name):
            expected = sio.loadmat(path)[name].astype(float)
            got = probe("mat", path, name, "")["counts"]
            equal("shape", list(expected.shape), [got["n_units"], got["n_bins"]])
            same_floats(name, expected, got["values"])
            got = probe("mat", path, name, "", "time-major")["counts"]
            equal("time-major shape", list(expected.T.shape), [got["n_units"], got["n_bins"]])
            same_floats(name, expected.T, got["values"])
        checks.check(f"written v5 {name}: matrix matches scipy.io", matrix)

    trains = [np.sort(rng.uniform(0, 9.0, n)) for n in (30, 0, 12, 50)]
    cell = np.empty((1, 5), dtype=object)
    for i, t in enumerate(trains):
        cell[0, i] = t.reshape(-1, 1)
    cell[0, 4] = np.zeros((0, 0))  # MATLAB's [] placeholder: no unit
    tetrodes = np.empty((1, 2), dtype=object)
    for k in range(2):
        units = np.empty((1, 2), dtype=object)
        for j in range(2):
            units[0, j] = {"time": trains[2 * k + j].reshape(-1, 1), "meanrate": 1.0}
        tetrodes[0, k] = units
    path = os.path.join(tmp, "spikes.mat")
    sio.savemat(path, {"unit_t": cell, "spikes": tetrodes,
                       "session": {"units": cell, "name": "day1"}})
    check_tree(path, "unit_t", "", expect_groups=False)
    check_tree(path, "spikes", "time", expect_groups=True)

    def struct_path():
        got = probe("mat", path, "session.units", "")
        equal("variable", "session.units", got["variable"])
        equal("ids", ["1", "3", "4"], got["trains"]["ids"])  # unit 2 has no spikes
        equal("skipped", 2, got["skipped_empty"])
    checks.check("NAME.FIELD selects a field of a struct variable", struct_path)

    def binned():
        w = 0.5
        got = probe("recording", path, json.dumps({"bin_width_s": w, "mat_var": "spikes",
                                                   "mat_field": "time"}))
        fired = [t for t in trains if len(t)]  # trains[1] (tetrode 1, unit 2) has no spikes
        n_bins = math.ceil(max(t.max() for t in fired) / w - 1e-9)
        expected = np.zeros((len(fired), n_bins))
        for u, t in enumerate(fired):
            np.add.at(expected[u], np.minimum(np.floor(t / w).astype(int), n_bins - 1), 1)
        equal("shape", [len(fired), n_bins], [got["n_units"], got["n_bins"]])
        same_floats("counts", expected, got["counts"])
        equal("unit ids", ["1.1", "2.1", "2.2"], got["unit_ids"])
        equal("groups", {"codes": [0, 1, 1], "names": ["1", "2"]}, got["groups"])
        out = run_tavrnn("info", path, "--bin-width", "0.5", "--mat-var", "spikes", "--mat-field",
                         "time").stdout
        for expected_text in ["variable     spikes: cell 1x2", "variable     unit_t: cell 1x5",
                              "units per group: 1=1 2=2"]:
            if expected_text not in out:
                raise AssertionError(f"{expected_text!r} not in:\n{out}")
    checks.check("cells of structs: binned recording matches numpy; info lists variables", binned)

    expect_error("wrong field", ["info", path, "--bin-width", "0.5", "--mat-var", "spikes",
                                 "--mat-field", "times"],
                 "spikes{1}{1}", "field 'times'", "time, meanrate")
    expect_error("struct without --mat-field", ["info", path, "--bin-width", "0.5", "--mat-var", "spikes"],
                 "spikes{1}", "--mat-field", "struct")
    expect_error("no such variable", ["info", path, "--bin-width", "0.5", "--mat-var", "spikez"],
                 "'spikez'", "unit_t: cell 1x5")
    expect_error("several variables, none named", ["info", path, "--bin-width", "0.5"],
                 "--mat-var", "spikes: cell 1x2")
    expect_error("a char array", ["info", path, "--bin-width", "0.5", "--mat-var", "session.name"],
                 "session.name", "char 1x4")
    expect_error("no bin width", ["info", path, "--mat-var", "unit_t", "--bin-width", "-1"],
                 "--bin-width")
    text = os.path.join(tmp, "not_mat.mat")
    with open(text, "w") as f:
        f.write("not a MATLAB file\n")
    expect_error("not a .mat file", ["info", text], "MATLAB")


def expect_error(name, args, *substrings):
    needed = substrings if "--bin-width" in substrings else (os.path.basename(args[1]),) + substrings

    def run():
        print(f"     {expect_one_line_error(args, needed)}")
    checks.check(f"error: {name}", run)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        if os.path.isdir(DATA):
            check_shared()
        else:
            print(f"note: {DATA} not found; only files written here are checked")
        check_written(tmp)
    checks.finish()


if __name__ == "__main__":
    main()
