"""The CLI as a new user meets it: --version, --help, simulate (same seed,
same bytes) and info on recordings that numpy and pandas-style CSV wrote."""
import hashlib
import json
import os
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from tavrnn_testing import Checks, run_tavrnn  # noqa: E402

checks = Checks()
check = checks.check



run = run_tavrnn


def info_json(path, *extra):
    return json.loads(run("info", str(path), "--json", *extra).stdout)


def sha(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


tmp = tempfile.mkdtemp(prefix="tavrnn-cli-")


def version_names_blas():
    out = run("--version").stdout
    assert "LibTorch" in out and "BLAS" in out, out
    assert "OpenBLAS" in out, "expected OpenBLAS to be the BLAS in use:\n" + out


def help_lists_subcommands():
    out = run("--help").stdout
    for sub in ("simulate", "info"):
        assert sub in out, out
        sub_help = run(sub, "--help").stdout
        assert "--" in sub_help


def simulate_is_deterministic():
    a, b, c = (os.path.join(tmp, d) for d in ("a", "b", "c"))
    for d, seed in ((a, "7"), (b, "7"), (c, "8")):
        os.makedirs(d, exist_ok=True)
        run("simulate", "--preset", "small", "--seed", seed, "--out", os.path.join(d, "rec.npz"))
    assert sha(os.path.join(a, "rec.npz")) == sha(os.path.join(b, "rec.npz")), "same seed, other bytes"
    assert sha(os.path.join(a, "ground_truth.json")) == sha(os.path.join(b, "ground_truth.json"))
    ra = np.load(os.path.join(a, "rec.npz"))
    rc = np.load(os.path.join(c, "rec.npz"))
    assert not np.array_equal(ra["counts"], rc["counts"]), "different seeds gave the same counts"
    truth = json.load(open(os.path.join(a, "ground_truth.json")))
    assert truth, "empty ground truth"


def simulated_recording_loads_in_numpy():
    path = os.path.join(tmp, "a", "rec.npz")
    rec = np.load(path)
    counts = rec["counts"]
    summary = info_json(path)
    assert counts.shape == (summary["n_units"], summary["n_bins"]), (counts.shape, summary)
    assert float(rec["bin_width_s"]) == summary["bin_width_s"]
    assert abs(counts.sum() - summary["total_count"]) < 1e-6
    assert rec["labels"].shape == (counts.shape[1],)
    assert rec["groups"].shape == (counts.shape[0],)


def simulate_several_animals():
    out = os.path.join(tmp, "animals")
    proc = run("simulate", "--preset", "small", "--animals", "3", "--units", "40", "--duration", "30",
               "--seed", "2", "--out", out)
    assert "simulated 3 animals" in proc.stdout, proc.stdout
    sizes = []
    for k in (1, 2, 3):
        rec = np.load(os.path.join(out, f"animal{k}.npz"))
        truth = json.load(open(os.path.join(out, f"animal{k}_ground_truth.json")))
        assert truth["animal"] == k and truth["animals"] == 3 and truth["study_seed"] == 2, truth["animal"]
        assert rec["counts"].shape == (truth["n_units"], 600), rec["counts"].shape
        sizes.append(truth["n_units"])
    assert sizes == [30, 40, 50], sizes
    proc = run("simulate", "--animals", "2", "--out", out, "--ground-truth", "x.json", expect=1)
    assert "beside it" in proc.stderr, proc.stderr


def every_counts_dtype_is_read():
    rng = np.random.default_rng(0)
    base = rng.poisson(2.0, size=(5, 40))
    for dtype in ("bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
                  "uint64", "float32", "float64"):
        for order in ("<", ">"):
            for fortran in (False, True):
                dt = np.dtype(dtype).newbyteorder(order) if dtype != "bool" else np.dtype(dtype)
                arr = base.astype(dt)
                if fortran:
                    arr = np.asfortranarray(arr)
                path = os.path.join(tmp, f"counts_{dtype}_{order == '<'}_{fortran}.npz")
                np.savez(path, counts=arr, bin_width_s=np.float64(0.05))
                s = info_json(path)
                assert (s["n_units"], s["n_bins"]) == (5, 40), (dtype, s)
                expected = float(arr.astype(np.float64).sum())
                assert s["total_count"] == expected, (dtype, order, fortran, s["total_count"], expected)


def time_major_is_transposed():
    counts = np.arange(12, dtype=np.int32).reshape(3, 4)  # 3 units x 4 bins
    path = os.path.join(tmp, "tm.npz")
    np.savez(path, counts=counts.T.copy(), bin_width_s=0.1)
    s = info_json(path, "--time-major")
    assert (s["n_units"], s["n_bins"]) == (3, 4), s
    assert s["silent_units"] == [], s  # unit 0 has 0+1+2+3 > 0


def spike_times_npz_and_csv_are_binned():
    times = np.array([0.01, 0.02, 0.26, 0.9, 0.3, 0.31])
    units = np.array([3, 3, 3, 3, 5, 5])
    path = os.path.join(tmp, "spikes.npz")
    np.savez(path, spike_times=times, spike_units=units)
    s = info_json(path, "--bin-width", "0.25")
    assert s["n_units"] == 2 and s["total_count"] == 6, s
    assert s["n_bins"] == 4, s
    csv = os.path.join(tmp, "spikes.csv")
    with open(csv, "w", newline="") as f:
        f.write("unit,time_s\r\n")
        f.write('"tetrode 1, cell A",0.01\r\n# a comment\r\n"tetrode 1, cell A",0.5\r\nB,0.7\r\n')
    s = info_json(csv, "--bin-width", "0.1")
    assert s["n_units"] == 2 and s["total_count"] == 3, s


def npy_counts_need_a_bin_width():
    path = os.path.join(tmp, "counts.npy")
    np.save(path, np.ones((4, 10), dtype=np.float32))
    proc = run("info", path, expect=1)
    assert "bin width" in proc.stderr, proc.stderr
    s = info_json(path, "--bin-width", "0.02")
    assert s["n_bins"] == 10 and abs(s["duration_s"] - 0.2) < 1e-12, s


for fn in (version_names_blas, help_lists_subcommands, simulate_is_deterministic,
           simulated_recording_loads_in_numpy, simulate_several_animals, every_counts_dtype_is_read,
           time_major_is_transposed, spike_times_npz_and_csv_are_binned,
           npy_counts_need_a_bin_width):
    check(fn.__name__, fn)

checks.finish()
