#!/usr/bin/python3
"""h5py and numpy judge tavrnn's generic HDF5 spike-time reader
(io/hdf5_spikes.h: one dataset of concatenated spike times, per-unit counts
or end offsets).

(a) The 28 real MEA recordings of ../shared/data/g2chvc-mea/h5 read with
    --h5-spike-times /spikes --h5-unit-counts /sCount --h5-unit-names /names:
    the counts equal numpy's binning of /spikes split by the cumulative sum
    of /sCount, and equal what tavrnn reads from the converted npz files.
(b) Files written here: end offsets instead of counts, times in
    milliseconds, numeric names, no names, a start and stop.
(c) Broken files and options: one-line errors naming the file and dataset.
"""
import json
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "python"))
from tavrnn_testing import Checks, run_tavrnn  # noqa: E402

PROBE = os.environ["TAVRNN_RECORDING_PROBE"]
DATA = os.path.join(os.environ.get("TAVRNN_SHARED_DIR", ""), "data", "g2chvc-mea")
checks = Checks()
tmp = tempfile.mkdtemp(prefix="tavrnn-h5-spikes-")
G2C = {"h5_spike_times": "/spikes", "h5_unit_counts": "/sCount", "h5_unit_names": "/names"}


def probe(path, **options):
    proc = subprocess.run([PROBE, "recording", path, json.dumps(options)], capture_output=True, text=True,
                          timeout=300)
    if proc.returncode != 0:
        raise AssertionError(f"probe {path}: exit {proc.returncode}: {proc.stderr.strip()}")
    return json.loads(proc.stdout)


def numpy_counts(trains, w, start=0.0, stop=None):
    last = max((t.max() for t in trains if len(t)), default=0.0)
    stop = last if stop is None else stop
    n_bins = int(np.ceil((stop - start) / w - 1e-9))
    if stop == last and start + n_bins * w <= last:  # the last spike falls in a bin
        n_bins += 1
    counts = np.zeros((len(trains), n_bins))
    for u, t in enumerate(trains):
        b = np.floor((t[(t >= start)] - start) / w).astype(np.int64)
        b = b[b < n_bins]
        np.add.at(counts[u], b, 1)
    return counts


def real_mea_files_match_numpy_and_the_npz():
    files = sorted(os.listdir(os.path.join(DATA, "h5")))
    assert len(files) == 28, files
    for name in files:
        path = os.path.join(DATA, "h5", name)
        got = probe(path, bin_width_s=0.5, **G2C)
        with h5py.File(path, "r") as f:
            times = f["spikes"][:]
            ends = np.cumsum(f["sCount"][:])
            names = [n.decode() for n in f["names"][:]]
        trains = np.split(times, ends[:-1])
        counts = np.array(got["counts"]).reshape(got["n_units"], got["n_bins"])
        expected = numpy_counts(trains, 0.5)
        assert got["unit_ids"] == names, name
        assert counts.shape == expected.shape and np.array_equal(counts, expected), (name, counts.shape,
                                                                                  expected.shape)
        npz = probe(os.path.join(DATA, "npz", name.replace(".h5", ".npz")), bin_width_s=0.5)
        assert npz["n_bins"] == got["n_bins"] and npz["counts"] == got["counts"], name


def write(path, **datasets):
    with h5py.File(path, "w") as f:
        for key, value in datasets.items():
            f[key] = value


def offsets_milliseconds_and_ranges():
    rng = np.random.default_rng(3)
    trains = [np.sort(rng.uniform(0, 20, n)) for n in (50, 0, 31, 7)]
    path = os.path.join(tmp, "ms.h5")
    write(path, **{"data/t_ms": np.concatenate(trains) * 1000.0,
                   "data/ends": np.cumsum([len(t) for t in trains]).astype(np.uint32),
                   "data/ids": np.array([11, 12, 13, 14])})
    got = probe(path, bin_width_s=0.5, h5_spike_times="data/t_ms", h5_unit_index="data/ends",
                h5_unit_names="data/ids", h5_time_scale=1e-3, start_s=2.0, stop_s=18.0)
    counts = np.array(got["counts"]).reshape(got["n_units"], got["n_bins"])
    assert got["unit_ids"] == ["11", "12", "13", "14"] and got["start_time_s"] == 2.0
    assert np.array_equal(counts, numpy_counts(trains, 0.5, 2.0, 18.0)), counts.sum()
    got = probe(path, bin_width_s=0.5, h5_spike_times="data/t_ms", h5_unit_index="data/ends", h5_time_scale=1e-3)
    assert got["unit_ids"] == ["0", "1", "2", "3"]
    # Through the CLI, options as a user types them.
    proc = run_tavrnn("info", path, "--bin-width", "0.5", "--h5-spike-times", "data/t_ms", "--h5-unit-index",
                      "data/ends", "--h5-time-scale", "0.001", "--json")
    assert json.loads(proc.stdout)["n_units"] == 4


def broken_files_and_options_are_one_line_errors():
    good = os.path.join(DATA, "h5", "TC175-C57-DIV07_A.h5")
    cases = [
        ([good, "--bin-width", "0.05"], ["--h5-spike-times", "/spikes (7830 numbers)", "/sCount (33 integers)"]),
        ([good, "--bin-width", "0.05", "--h5-spike-times", "/spikes"], ["neither"]),
        ([good, "--bin-width", "0.05", "--h5-spike-times", "/spikes", "--h5-unit-counts", "/sCount",
          "--h5-unit-index", "/sCount"], ["both"]),
        ([good, "--bin-width", "0.05", "--h5-spike-times", "/nothing", "--h5-unit-counts", "/sCount"],
         ["/nothing", "no dataset"]),
        ([good, "--bin-width", "0.05", "--h5-spike-times", "/spikes", "--h5-unit-counts", "/summary/N"],
         ["/summary/N", "add up to 33 spikes"]),
        ([good, "--bin-width", "0.05", "--h5-spike-times", "/spikes", "--h5-unit-counts", "/summary/frate"],
         ["/summary/frate", "expected integers"]),
        ([good, "--bin-width", "0.05", "--h5-spike-times", "/spikes", "--h5-unit-counts", "/sCount",
          "--h5-unit-names", "/summary/N"], ["/summary/N", "expected 33 names"]),
        ([good, "--h5-spike-times", "/spikes", "--h5-unit-counts", "/sCount"], ["bin"]),
    ]
    bad = os.path.join(tmp, "bad.h5")
    write(bad, t=np.array([0.5, -1.0, 2.0]), n=np.array([2, 1]), idx=np.array([2, 1]))
    cases += [
        ([bad, "--bin-width", "0.1", "--h5-spike-times", "/t", "--h5-unit-counts", "/n"],
         ["/t", "unit '0' spike 1", "-1"]),
        ([bad, "--bin-width", "0.1", "--h5-spike-times", "/t", "--h5-unit-index", "/idx"], ["/idx", "non-decreasing"]),
    ]
    for args, substrings in cases:
        proc = run_tavrnn("info", *args, expect=1)
        assert proc.stderr.startswith("tavrnn: error: ") and proc.stderr.count("\n") == 1, proc.stderr
        for s in substrings:
            assert s in proc.stderr, (args, s, proc.stderr)


checks.check("28 real MEA files: counts equal numpy's and the npz's", real_mea_files_match_numpy_and_the_npz)
checks.check("end offsets, milliseconds, numeric names, start and stop", offsets_milliseconds_and_ranges)
checks.check("broken files and options: one-line errors", broken_files_and_options_are_one_line_errors)
checks.finish()
