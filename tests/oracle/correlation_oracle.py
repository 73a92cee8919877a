#!/usr/bin/python3
"""numpy judges tavrnn's Pearson correlation (graphs/correlation.h).

The oracle is numpy.corrcoef with NaN -> 0 and diagonal 1 (MODEL.md section
2, step 1). tavrnn must agree to 1e-12 in float64 on random inputs and on
degenerate ones: constant rows (zero and non-zero constants), a row with a
single spike, N = 1, L = 2, and a batch of windows; and report exactly the
zero-variance rows. float32 must agree to 1e-5.

Run with TAVRNN_GRAPHS_PROBE set to the probe binary (ctest does this).
"""
import os
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from tavrnn_testing import npz_probe  # noqa: E402

PROBE = os.environ["TAVRNN_GRAPHS_PROBE"]
tmp = tempfile.mkdtemp(prefix="tavrnn-corr-")
failures = []
passed = 0


def probe(mode, **arrays):
    return npz_probe(PROBE, mode, arrays, tmp, timeout=300)


def numpy_r(y):
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.corrcoef(y) if y.shape[0] > 1 else np.array([[np.corrcoef(y)]]).reshape(1, 1)
    r = np.nan_to_num(np.atleast_2d(r), nan=0.0)
    # Zero variance means every value equal (MODEL.md). numpy gets NaN there
    # only when the row's mean is exact; for a constant like 0.1 its mean is
    # off by an ulp and corrcoef returns rounding noise scaled to O(1).
    constant = np.ptp(y, axis=1) == 0
    r[constant, :] = 0.0
    r[:, constant] = 0.0
    np.fill_diagonal(r, 1.0)
    return r


def check(name, y, tol=1e-12, dtype=np.float64):
    global passed
    try:
        out = probe("correlation", y=y.astype(dtype))
        batch = y if y.ndim == 3 else y[None]
        got_r = out["r"] if y.ndim == 3 else out["r"][None]
        got_zero = out["zero_variance"] if y.ndim == 3 else out["zero_variance"][None]
        for t, window in enumerate(batch):
            expected = numpy_r(window.astype(np.float64))
            err = np.max(np.abs(got_r[t].astype(np.float64) - expected))
            assert err <= tol, f"window {t}: max |r - numpy| = {err:.3g} > {tol}"
            assert np.array_equal(got_r[t], got_r[t].T), f"window {t}: r not symmetric"
            zero = np.ptp(window, axis=1) == 0
            assert np.array_equal(got_zero[t], zero), \
                f"window {t}: zero-variance rows {np.flatnonzero(got_zero[t])}, expected {np.flatnonzero(zero)}"
            assert not np.isnan(got_r[t]).any(), f"window {t}: NaN in r"
        passed += 1
        print(f"ok   {name}")
    except Exception as e:  # noqa: BLE001 - report every failure
        failures.append(name)
        print(f"FAIL {name}: {e}")


rng = np.random.default_rng(42)
check("random Poisson counts 40 x 300", rng.poisson(0.7, size=(40, 300)).astype(float))
check("random Gaussian rates 25 x 80", rng.normal(3, 1, size=(25, 80)))
check("correlated rows (shared latent) 30 x 500",
      rng.poisson(np.exp(0.5 + 0.8 * rng.normal(size=(1, 500)) + 0.1 * rng.normal(size=(30, 500)))).astype(float))
y = rng.poisson(1.0, size=(12, 200)).astype(float)
y[3] = 0.0
y[7] = 4.0
check("constant rows (0 and 4) get zero rows, diagonal 1", y)
y = np.zeros((6, 50))
y[2, 17] = 1.0
y[4] = rng.poisson(0.5, 50)
y[5, 0] = 3.0
check("single-spike rows", y)
check("N = 1", rng.poisson(2.0, size=(1, 30)).astype(float))
check("N = 1 constant", np.full((1, 30), 2.0))
check("L = 2 (every r is +-1 or 0)", np.array([[0.0, 1.0], [3.0, 1.0], [2.0, 2.0], [5.0, 7.0]]))
check("all rows constant", np.ones((5, 10)))
check("batch of 4 windows 15 x 120", rng.poisson(0.6, size=(4, 15, 120)).astype(float))
check("float32 within 1e-5", rng.poisson(0.7, size=(50, 400)).astype(float), tol=1e-5,
      dtype=np.float32)
check("non-integer constant row (mean off by an ulp) is zero variance",
      np.vstack([np.full((1, 7), 0.1), rng.normal(size=(3, 7))]))

print(f"{passed} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
