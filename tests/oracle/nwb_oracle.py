#!/usr/bin/python3
"""h5py judges tavrnn's NWB reader.

(a) The shared NWB test files (../shared/data/nwb-test-files): every Units
    table h5py finds by neurodata_type, its ids, spike times (exactly),
    obs_intervals and scalar per-unit columns; every TimeIntervals table's
    times and scalar columns; every TimeSeries' times and values; and the
    counts `tavrnn info` reports.
(b) NWB files written here with h5py (tests/python/nwb_files.py): a /units
    table with each VectorIndex integer type, electrode-group references and
    string columns, trials with a string column, a position SpatialSeries.
    The binned recording (counts, groups, trials, labels, behaviour) is
    checked against numpy, and `tavrnn graphs --windows trials` against the
    trials table.
(c) Broken files and bad options: a one-line error naming the file and the
    path inside it, exit status 1, through `tavrnn info`.
"""
import json
import math
import os
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "python"))
import nwb_files  # noqa: E402
from tavrnn_testing import Checks, expect_one_line_error, run_tavrnn  # noqa: E402

PROBE = os.environ["TAVRNN_RECORDING_PROBE"]
SHARED = os.path.join(os.environ.get("TAVRNN_SHARED_DIR", ""), "data", "nwb-test-files")
checks = Checks()


def probe(*args):
    proc = subprocess.run([PROBE, *args], capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        raise AssertionError(f"probe {' '.join(args)}: exit {proc.returncode}: {proc.stderr.strip()}")
    return json.loads(proc.stdout)


def floats(values):
    return np.array([math.nan if v == "nan" else v for v in values], dtype=float)


def equal(name, expected, got):
    if expected != got:
        raise AssertionError(f"{name}: expected {expected!r}, found {got!r}")


def same_floats(name, expected, got, rtol=0.0):
    expected = np.asarray(expected, dtype=float).ravel()
    got = floats(got) if isinstance(got, list) else np.asarray(got, float).ravel()
    if expected.shape != got.shape:
        raise AssertionError(f"{name}: expected {expected.size} values, found {got.size}")
    nan = np.isnan(expected)
    if not np.array_equal(nan, np.isnan(got)):
        raise AssertionError(f"{name}: NaN positions differ")
    if rtol == 0.0:
        bad = np.flatnonzero(expected[~nan] != got[~nan])
    else:
        bad = np.flatnonzero(~np.isclose(expected[~nan], got[~nan], rtol=rtol, atol=0.0))
    if bad.size:
        i = bad[0]
        raise AssertionError(f"{name}: {bad.size} values differ, first at {i}: "
                             f"{expected[~nan][i]!r} vs {got[~nan][i]!r}")


# ---- what h5py sees ---------------------------------------------------------

def typed_groups(f, wanted):
    found = []

    def visit(name, obj):
        if isinstance(obj, h5py.Group) and obj.attrs.get("neurodata_type") in (wanted,):
            found.append("/" + name)
    f.visititems(visit)
    return found


def split_ragged(values, offsets):
    starts = np.concatenate([[0], offsets[:-1]]).astype(np.int64)
    return [values[s:e] for s, e in zip(starts, offsets.astype(np.int64))]


def scalar_columns(g):
    """Columns with one number, string or reference per row (not ragged)."""
    names = []
    for name, ds in g.items():
        if not isinstance(ds, h5py.Dataset) or name == "id" or name.endswith("_index"):
            continue
        if name + "_index" in g or ds.ndim != 1 or ds.dtype.names is not None:
            continue
        names.append(name)
    return names


def column_as_text(f, ds):
    if h5py.check_string_dtype(ds.dtype) is not None:
        return [v.decode() if isinstance(v, bytes) else v for v in ds[()]]
    if h5py.check_ref_dtype(ds.dtype) is not None:
        return [f[r].name.rsplit("/", 1)[-1] for r in ds[()]]
    if ds.dtype.kind in "iu":
        return [str(int(v)) for v in ds[()]]
    return [float(v) for v in ds[()]]


def same_text(name, expected, got):
    if expected and isinstance(expected[0], float):
        same_floats(name, expected, [math.nan if g == "" else float(g) for g in got])
    else:
        equal(name, expected, got)


def series_groups(f):
    found = []

    def visit(name, obj):
        if (isinstance(obj, h5py.Group) and "neurodata_type" in obj.attrs and "data" in obj
                and ("timestamps" in obj or "starting_time" in obj)):
            found.append("/" + name)
    f.visititems(visit)
    return found


def series_times(s):
    n = s["data"].shape[0]
    if "timestamps" in s:
        return s["timestamps"][()].astype(float)
    st = s["starting_time"]
    return float(st[()]) + np.arange(n) / float(st.attrs["rate"])


# ---- (a) the shared files ---------------------------------------------------

def check_shared_file(path):
    base = os.path.basename(path)
    with h5py.File(path, "r") as f:
        has_units = bool(typed_groups(f, "Units"))
        info = run_tavrnn("info", path, expect=0 if has_units else 1).stdout
        for table in typed_groups(f, "Units"):
            g = f[table]
            offsets = g["spike_times_index"][()]
            expected = split_ragged(g["spike_times"][()], offsets)
            ids = [str(int(i)) for i in g["id"][()]]

            def units(table=table, g=g, expected=expected, ids=ids):
                start = time.perf_counter()
                got = probe("units", path, table)
                elapsed = time.perf_counter() - start
                equal("table", table, got["table"])
                equal("ids", ids, got["ids"])
                for u, times in enumerate(expected):
                    same_floats(f"unit {ids[u]}", np.sort(times), got["times"][u])
                print(f"     {base}{table}: {len(ids)} units, {int(offsets[-1])} spikes, "
                      f"probe read {elapsed * 1000:.0f} ms (process included)")
                if "obs_intervals" in g:
                    obs = split_ragged(g["obs_intervals"][()], g["obs_intervals_index"][()])
                    equal("obs_intervals", [o.tolist() for o in obs], got["obs_intervals"])
            checks.check(f"{base}{table} units match h5py", units)
            for column in scalar_columns(g):
                if column == "spike_times":
                    continue
                checks.check(f"{base}{table}/{column} matches h5py", lambda c=column, t=table, g=g:
                             same_text(c, column_as_text(f, g[c]), probe("column", path, t, c)))
            checks.check(f"{base}: info lists {table}", lambda t=table, ids=ids, o=offsets: (
                None if f"{t}: {len(ids)} units, {int(o[-1])} spikes" in info
                else (_ for _ in ()).throw(AssertionError(f"not in: {info}"))))
        for table in typed_groups(f, "TimeIntervals"):
            g = f[table]

            def intervals(table=table, g=g):
                got = probe("intervals", path, table)
                same_floats("start_time", g["start_time"][()], got["start"])
                same_floats("stop_time", g["stop_time"][()], got["stop"])
                expected_columns = [c for c in scalar_columns(g) if c not in ("start_time", "stop_time")]
                equal("scalar columns", sorted(expected_columns), sorted(got["columns"]))
                for c in expected_columns:
                    same_text(c, column_as_text(f, g[c]), got["columns"][c])
            checks.check(f"{base}{table} intervals match h5py", intervals)
        for series in series_groups(f):
            s = f[series]

            def signal(series=series, s=s):
                got = probe("series", path, series)
                same_floats("times", series_times(s), got["times"])
                conversion = float(s["data"].attrs.get("conversion", 1.0))
                same_floats("values", s["data"][()].astype(float) * conversion, got["values"])
            checks.check(f"{base}{series} series matches h5py", signal)


# ---- (b) files written here ---------------------------------------------------

def bin_counts(trains, w):
    last = max(t.max() for t in trains if len(t))
    n_bins = max(1, math.ceil(last / w - 1e-9))
    counts = np.zeros((len(trains), n_bins))
    for u, t in enumerate(trains):
        b = np.minimum(np.floor(np.asarray(t) / w).astype(int), n_bins - 1)
        np.add.at(counts[u], b, 1)
    return counts


def first_appearance_codes(values):
    names, codes = [], []
    for v in values:
        if v not in names:
            names.append(v)
        codes.append(names.index(v))
    return codes, names


def write_session(path, index_dtype=np.int64):
    rng = np.random.default_rng(7)
    trains = [np.sort(rng.uniform(0.0, 20.0, n)) for n in (40, 75, 12, 60)]
    trains[1] = trains[1][::-1].copy()  # NWB does not promise sorted spike times
    trains[2][-1] = 23.9                # the last spike sets the recording's end
    trial_start = [1.0, 4.0, 7.5, 11.0, 14.2, 18.0]
    trial_stop = [3.0, 6.5, 10.0, 13.0, 17.1, 20.0]
    condition = ["left", "right", "left", "left", "right", "right"]
    with nwb_files.new_file(path) as f:
        nwb_files.add_units(f, "units", [10, 11, 12, 13], trains, index_dtype=index_dtype,
                            location=["CA1", "CA1", "CA3", "CA3"],
                            electrode_groups=["tt1", "tt1", "tt2", "tt3"],
                            brain_area=["HPC", "HPC", "", "HPC"])
        nwb_files.add_time_intervals(f, "intervals/trials", trial_start, trial_stop,
                                     {"condition": condition, "direction": [0, 90, 0, 0, 90, 90]})
        nwb_files.add_time_intervals(f, "intervals/epochs", [0.0, 12.0], [12.0, 24.0],
                                     {"kind": ["run", "rest"]})
        t = np.arange(0, 1300)  # 60 Hz from 0.5 s: 0.5 .. 22.15 s
        xy = np.stack([100 * np.sin(t / 90.0), 50 * np.cos(t / 70.0)], axis=1)
        nwb_files.add_spatial_series(f, "processing/behavior/Position", "position", xy,
                                     rate=60.0, starting_time=0.5, conversion=0.01)
        stamps = np.linspace(0.0, 24.0, 97)
        nwb_files.add_spatial_series(f, "processing/behavior/Speed", "speed", np.abs(np.sin(stamps)),
                                     timestamps=stamps)
    return trains, trial_start, trial_stop, condition


def expected_behaviour(path, series, n_bins, w):
    with h5py.File(path, "r") as f:
        s = f[series]
        times = series_times(s)
        data = s["data"][()].astype(float) * float(s["data"].attrs["conversion"])
    data = data.reshape(len(times), -1)
    out = np.full((n_bins, data.shape[1]), np.nan)
    b = np.floor(times / w).astype(int)
    for k in range(n_bins):
        inside = b == k
        if inside.any():
            out[k] = data[inside].mean(axis=0)
    return out


def check_written_session(tmp):
    w = 0.25
    for dtype in (np.uint8, np.uint16, np.int32, np.uint64):
        path = os.path.join(tmp, f"session_{np.dtype(dtype).name}.nwb")
        trains, _, _, _ = write_session(path, dtype)

        def units(path=path, trains=trains):
            got = probe("units", path)
            equal("ids", ["10", "11", "12", "13"], got["ids"])
            for u, t in enumerate(trains):
                same_floats(f"unit {u}", np.sort(t), got["times"][u])
        checks.check(f"written /units with {np.dtype(dtype).name} index matches h5py", units)

    path = os.path.join(tmp, "session.nwb")
    trains, start, stop, condition = write_session(path)
    options = {"bin_width_s": w, "group_column": "electrode_group", "behaviour_series": "position",
               "label_column": "condition"}

    def recording():
        got = probe("recording", path, json.dumps(options))
        counts = bin_counts(trains, w)
        equal("shape", list(counts.shape), [got["n_units"], got["n_bins"]])
        same_floats("counts", counts, got["counts"])
        equal("unit ids", ["10", "11", "12", "13"], got["unit_ids"])
        equal("groups", {"codes": [0, 0, 1, 2], "names": ["tt1", "tt2", "tt3"]}, got["groups"])
        trials = [[round(a / w), round(b / w)] for a, b in zip(start, stop)]
        equal("trials", trials, got["trials"])
        codes, names = first_appearance_codes(condition)
        per_bin = [-1] * counts.shape[1]
        for (a, b), c in zip(trials, codes):
            per_bin[a:b] = [c] * (b - a)
        equal("labels", {"codes": per_bin, "names": names}, got["labels"])
        behaviour = expected_behaviour(path, "/processing/behavior/Position/position",
                                       counts.shape[1], w)
        equal("behaviour names", ["position_x", "position_y"], got["behaviour"]["names"])
        same_floats("behaviour", behaviour, got["behaviour"]["values"], rtol=1e-12)
    checks.check("written session: binned recording matches numpy", recording)

    def epochs_and_strings():
        got = probe("recording", path, json.dumps({"bin_width_s": 0.5, "trials_table": "epochs",
                                                   "label_column": "kind",
                                                   "group_column": "brain_area"}))
        equal("trials", [[0, 24], [24, 48]], got["trials"])
        equal("label names", ["run", "rest"], got["labels"]["names"])
        # Categorical's rule: an empty string is no group (-1), not a group of its own.
        equal("groups", {"codes": [0, 0, -1, 0], "names": ["HPC"]}, got["groups"])
    checks.check("written session: epochs as trials, empty group string is no group",
                 epochs_and_strings)

    def info_lists():
        out = run_tavrnn("info", path).stdout
        for expected in ["/units: 4 units, 187 spikes", "location", "electrode_group (references",
                         "/intervals/trials: 6 rows", "condition (strings", "/intervals/epochs: 2 rows",
                         "/processing/behavior/Position/position (SpatialSeries): data [1300, 2]",
                         "rate 60 Hz from 0.5 s", "/processing/behavior/Speed/speed"]:
            if expected not in out:
                raise AssertionError(f"{expected!r} not in:\n{out}")
        summary = run_tavrnn("info", path, "--bin-width", "0.25", "--json").stdout
        j = json.loads(summary)
        equal("n_trials", 6, j["n_trials"])
        equal("units tables", ["/units"], [t["path"] for t in j["nwb"]["units_tables"]])
    checks.check("tavrnn info lists tables, columns and series", info_lists)

    def trial_windows():
        out = os.path.join(tmp, "graphs.npz")
        run_tavrnn("graphs", path, "--bin-width", str(w), "--windows", "trials",
                   "--label-column", "condition", "--out", out)
        g = np.load(out)
        equal("window starts", [round(a / w) for a in start], g["window_start"].tolist())
        equal("window stops", [round(b / w) for b in stop], g["window_stop"].tolist())
        equal("window labels", condition, [str(s) for s in g["window_label_name"]])
        equal("purity", [1.0] * len(start), g["window_purity"].tolist())
    checks.check("tavrnn graphs --windows trials: one window per trial, labelled", trial_windows)
    return path


# ---- (c) broken files -----------------------------------------------------------

def expect_error(name, args, *substrings):
    def run():
        needed = (os.path.basename(args[1]),) + substrings
        print(f"     {expect_one_line_error(args, needed, timeout=120)}")
    checks.check(f"error: {name}", run)


def check_broken(tmp, good):
    def broken(name, edit):
        path = os.path.join(tmp, name)
        write_session(path)
        with h5py.File(path, "r+") as f:
            edit(f)
        return path

    def set_index(values):
        def edit(f):
            del f["units/spike_times_index"]
            ds = f["units"].create_dataset("spike_times_index", data=np.array(values, np.int64))
            ds.attrs["neurodata_type"] = "VectorIndex"
        return edit

    no_units = broken("no_units.nwb", lambda f: f.__delitem__("units"))
    expect_error("no Units table", ["info", no_units], "Units table", "found none")
    past = broken("past_end.nwb", set_index([40, 115, 127, 500]))
    expect_error("offsets past the end", ["info", past], "/units/spike_times_index", "past the end")
    decreasing = broken("decreasing.nwb", set_index([40, 115, 100, 187]))
    expect_error("decreasing offsets", ["info", decreasing], "/units/spike_times_index",
                 "non-decreasing")
    short = broken("short_index.nwb", set_index([40, 115, 187]))
    expect_error("index shorter than the table", ["info", short], "/units/spike_times_index",
                 "one per row")
    missing = broken("missing_column.nwb", lambda f: f.__delitem__("units/spike_times"))
    expect_error("missing spike_times column", ["info", missing], "/units/spike_times", "missing")
    no_stop = broken("no_stop_time.nwb", lambda f: f.__delitem__("intervals/trials/stop_time"))
    expect_error("trials without stop_time", ["info", no_stop], "/intervals/trials/stop_time")

    def bad_stamps(f):
        s = f["processing/behavior/Speed/speed"]
        del s["timestamps"]
        s.create_dataset("timestamps", data=np.arange(5.0))
    stamps = broken("bad_timestamps.nwb", bad_stamps)
    expect_error("timestamps of another length",
                 ["info", stamps, "--bin-width", "0.5", "--behaviour-series", "speed"],
                 "/processing/behavior/Speed/speed/timestamps", "97")
    expect_error("unknown group column", ["info", good, "--bin-width", "0.5", "--group-column",
                                          "cell_type"], "/units", "cell_type", "electrode_group")
    expect_error("unknown label column", ["info", good, "--bin-width", "0.5", "--label-column",
                                          "grip"], "/intervals/trials", "grip", "condition")
    expect_error("ragged column as groups", ["info", good, "--bin-width", "0.5", "--group-column",
                                             "spike_times"], "/units/spike_times", "ragged")
    expect_error("unknown series", ["info", good, "--bin-width", "0.5", "--behaviour-series",
                                    "head_direction"], "head_direction", "Position/position")
    text = os.path.join(tmp, "not_hdf5.nwb")
    with open(text, "w") as f:
        f.write("not an HDF5 file\n")
    expect_error("not HDF5", ["info", text], "expected an HDF5 file")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        if os.path.isdir(SHARED):
            for name in sorted(os.listdir(SHARED)):
                if name.endswith(".nwb"):
                    check_shared_file(os.path.join(SHARED, name))
        else:
            print(f"note: {SHARED} not found; only files written here are checked")
        good = check_written_session(tmp)
        check_broken(tmp, good)
    checks.finish()


if __name__ == "__main__":
    main()
