#!/usr/bin/python3
"""numpy (and scipy for the Marchenko-Pastur law) judge tavrnn's
random-matrix filtering (graphs/rmt_filter.h, graphs/surrogate_spectrum.h).

(a) Given the same bounds, the filtered matrix equals a numpy implementation
    of MODEL.md section 2 step 2 to 1e-10 (float64).
(b) The surrogates: tavrnn exports its permutations; a numpy loop over the
    same permutations (numpy.cov of the raw shuffled counts for the
    `reference` scale, corrcoef for the default scale), numpy.linalg.eigvalsh
    and numpy.percentile must give the same matrices, eigenvalues and bounds.
(c) K = 1000 surrogates of i.i.d. Poisson data: the correlation-scale bounds
    agree with the Marchenko-Pastur law (tolerance justified below).
(d) A planted low-rank component survives filtering and the noise bulk is
    removed.

Run with TAVRNN_GRAPHS_PROBE set to the probe binary (ctest does this).
"""
import os
import sys
import tempfile

import numpy as np
from scipy import integrate, optimize

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from tavrnn_testing import Checks, npz_probe  # noqa: E402

checks = Checks()
check = checks.check

PROBE = os.environ["TAVRNN_GRAPHS_PROBE"]
tmp = tempfile.mkdtemp(prefix="tavrnn-rmt-")


def probe(mode, **arrays):
    return npz_probe(PROBE, mode, arrays, tmp)


def corr(y):
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.corrcoef(y)
    r = np.nan_to_num(r, nan=0.0)
    np.fill_diagonal(r, 1.0)
    return r


def numpy_filter(r, low, high):
    """MODEL.md section 2 step 2, written from the text with numpy."""
    vals, vecs = np.linalg.eigh(r)
    keep = (vals < low) | (vals > high)
    rebuilt = (vecs * (vals * keep)) @ vecs.T
    d = np.diag(rebuilt).copy()
    # Exact arithmetic gives d_i = 0 and a zero row for a unit with no weight
    # on the kept components (0/0 = NaN -> 0); in floating point d_i is then
    # rounding noise, so it is taken as 0 below sqrt(N) eps max|lambda|.
    d[d <= np.sqrt(len(d)) * np.finfo(float).eps * np.max(np.abs(vals))] = np.nan
    with np.errstate(invalid="ignore", divide="ignore"):
        out = rebuilt / np.sqrt(np.outer(d, d))
    out = np.nan_to_num(np.clip(out, -1.0, 1.0), nan=0.0)
    np.fill_diagonal(out, 1.0)
    return out, int(keep.sum())


rng = np.random.default_rng(7)


def filtered_equals_numpy():
    for case, (n, l) in enumerate([(30, 200), (60, 150), (8, 400)]):
        latent = rng.normal(size=(2, l))
        load = rng.normal(size=(n, 2)) * (rng.random((n, 1)) < 0.4)
        y = rng.poisson(np.exp(-0.3 + 0.6 * load @ latent)).astype(float)
        r = corr(y)
        vals = np.sort(np.linalg.eigvalsh(r))
        # Bounds midway between eigenvalues, so no eigenvalue sits on one.
        for lo_i, hi_i in [(2, n - 3), (0, n - 2), (n // 2, n // 2 + 1)]:
            low, high = (vals[lo_i] + vals[lo_i + 1]) / 2, (vals[hi_i - 1] + vals[hi_i]) / 2
            expected, kept = numpy_filter(r, low, high)
            got = probe("filter", r=r, low=np.float64(low), high=np.float64(high))
            err = np.max(np.abs(got["r"] - expected))
            assert err <= 1e-10, f"case {case} bounds ({low:.3f}, {high:.3f}): max diff {err:.3g}"
            assert int(got["kept"]) == kept, f"case {case}: kept {int(got['kept'])}, numpy {kept}"


def filter_extremes():
    y = rng.poisson(0.8, size=(20, 100)).astype(float)
    r = corr(y)
    got = probe("filter", r=r, low=np.float64(-1.0), high=np.float64(100.0))
    assert int(got["kept"]) == 0 and np.array_equal(got["r"], np.eye(20)), "nothing kept must give I"
    got = probe("filter", r=r, low=np.float64(50.0), high=np.float64(60.0))
    assert int(got["kept"]) == 20, "every eigenvalue below low must keep all"
    err = np.max(np.abs(got["r"] - r))
    assert err < 1e-12, f"keeping every component must give r back, max diff {err:.3g}"


def filter_zero_variance_unit():
    y = rng.poisson(0.8, size=(25, 150)).astype(float)
    y[4] = 0.0
    r = corr(y)
    vals = np.sort(np.linalg.eigvalsh(r))
    low, high = (vals[1] + vals[2]) / 2, (vals[-3] + vals[-2]) / 2
    expected, kept = numpy_filter(r, low, high)
    got = probe("filter", r=r, low=np.float64(low), high=np.float64(high))
    err = np.max(np.abs(got["r"] - expected))
    assert err <= 1e-10, f"max diff {err:.3g}"
    assert np.all(got["r"][4, np.arange(25) != 4] == 0.0), "silent unit's row must be 0"


def numpy_bounds(y, perms, scale):
    pooled, mats = [], []
    for p in perms:
        shuffled = np.take_along_axis(y, p, axis=1)
        m = np.cov(shuffled) if scale == "reference" else corr(shuffled)
        mats.append(m)
        pooled.append(np.linalg.eigvalsh(m))
    low, high = np.percentile(np.concatenate(pooled), [2.5, 97.5])
    return np.array(mats), np.array(pooled), low, high


def surrogates_match_numpy(scale, silent):
    def run():
        y = rng.poisson(1.3, size=(15, 60)).astype(float)
        if silent:
            y[6] = 2.0
        out = probe("surrogates", y=y, k=np.int64(40), seed=np.int64(11), window_id=np.int64(3),
                    scale=np.array(scale))
        perms = out["permutations"]
        assert perms.shape == (40, 15, 60), perms.shape
        assert np.all(np.sort(perms, axis=2) == np.arange(60)), "rows must be permutations"
        assert len({p.tobytes() for p in perms}) == 40, "surrogates must differ"
        mats, pooled, low, high = numpy_bounds(y, perms, scale)
        err = np.max(np.abs(out["matrices"] - mats))
        assert err < 1e-12, f"matrices differ from numpy by {err:.3g}"
        err = np.max(np.abs(np.sort(out["eigenvalues"], axis=1) - pooled))
        assert err < 1e-10, f"eigenvalues differ from numpy by {err:.3g}"
        # Relative to the spectrum's scale: a constant unit's eigenvalue is 0
        # up to rounding, and so can be the lower bound.
        spread = np.abs(pooled).mean()
        for name, a, b in (("low", out["low"], low), ("high", out["high"], high)):
            assert abs(a - b) <= 1e-10 * max(abs(b), spread), f"{name} bound {a!r}, numpy {b!r}"
        # Chunking the batched eigvalsh must not change anything.
        again = probe("surrogates", y=y, k=np.int64(40), seed=np.int64(11), window_id=np.int64(3),
                      scale=np.array(scale), max_chunk_bytes=np.int64(1))
        assert np.array_equal(again["permutations"], perms), "permutations must not depend on chunks"
        assert np.max(np.abs(again["eigenvalues"] - out["eigenvalues"])) < 1e-12
    return run


def mp_quantiles(q, lo_p=0.025, hi_p=0.975):
    lm, lp = (1 - np.sqrt(q)) ** 2, (1 + np.sqrt(q)) ** 2
    dens = lambda x: np.sqrt(max((lp - x) * (x - lm), 0.0)) / (2 * np.pi * q * x)
    cdf = lambda x: integrate.quad(dens, lm, x, limit=200)[0]
    return (optimize.brentq(lambda x: cdf(x) - lo_p, lm, lp),
            optimize.brentq(lambda x: cdf(x) - hi_p, lm, lp), lm, lp)


def shuffle_bounds_follow_marchenko_pastur():
    # i.i.d. Poisson, N = 120 units, L = 400 bins (the rat shape), K = 1000.
    n, l = 120, 400
    y = rng.poisson(0.5, size=(n, l)).astype(float)
    got = probe("bounds", y=y, rmt=np.array("shuffle:1000"), seed=np.int64(5), window_id=np.int64(0))
    analytic = probe("bounds", y=y, rmt=np.array("analytic"), seed=np.int64(5), window_id=np.int64(0))
    edge_low, edge_high = (1 - np.sqrt(n / l)) ** 2, (1 + np.sqrt(n / l)) ** 2
    assert abs(analytic["low"] - edge_low) < 1e-12 and abs(analytic["high"] - edge_high) < 1e-12
    # Percentiles of the pooled spectrum are quantiles of the MP law, which
    # lie INSIDE its edges: the 2.5 % quantile is 25 % above the lower edge
    # here and the 97.5 % quantile 10 % below the upper one. So the bounds
    # must (1) lie inside the analytic edges and (2) match the MP law's
    # quantiles, with q = N / (L - 1) because centring each row removes one
    # degree of freedom. Tolerance 3 %: the pooled percentile's standard
    # error is < 0.3 % (K N = 120000 values) and the finite-N deviation of
    # the spectrum from the MP law is O(1/N) in the bulk, about 1 % at N = 120.
    q_low, q_high, _, _ = mp_quantiles(n / (l - 1))
    low, high = float(got["low"]), float(got["high"])
    msg = (f"shuffle bounds [{low:.4f}, {high:.4f}], MP quantiles [{q_low:.4f}, {q_high:.4f}], "
           f"analytic edges [{edge_low:.4f}, {edge_high:.4f}]")
    assert edge_low < low < high < edge_high, "bounds must lie inside the edges: " + msg
    assert abs(low / q_low - 1) < 0.03 and abs(high / q_high - 1) < 0.03, msg
    assert int(got["surrogates"]) == 1000
    print("     " + msg)


def planted_component_survives():
    n, l, members = 120, 400, 24
    latent = rng.normal(size=l)
    drive = np.zeros(n)
    drive[:members] = 0.9
    y = rng.poisson(np.exp(np.log(0.6) + np.outer(drive, latent) - 0.5 * drive[:, None] ** 2)).astype(float)
    r = corr(y)
    b = probe("bounds", y=y, rmt=np.array("shuffle:300"), seed=np.int64(2), window_id=np.int64(0))
    got = probe("filter", r=r, low=b["low"], high=b["high"])
    vals = np.linalg.eigvalsh(r)
    low, high = float(b["low"]), float(b["high"])
    assert vals[-1] > 2 * high, f"top eigenvalue {vals[-1]:.2f} should stand out of the bulk"
    inside = int(np.sum((vals >= low) & (vals <= high)))
    kept = int(got["kept"])
    f = got["r"]
    rank = int(np.sum(np.abs(np.linalg.eigvalsh(f)) > 1e-8 * n))
    off = ~np.eye(n, dtype=bool)
    group, raw_group = f[:members, :members][off[:members, :members]], r[:members, :members][off[:members, :members]]
    noise = np.abs(f[members:, members:][off[members:, members:]]).mean()
    msg = (f"kept {kept} of {n} components (inside the bounds {inside}), rank of the filtered "
           f"matrix {rank}, top eigenvalue {vals[-1]:.2f} vs bounds [{low:.3f}, {high:.3f}], "
           f"planted group mean r {raw_group.mean():.3f} -> {group.mean():.3f}, "
           f"other units' mean |r| {np.abs(r[members:, members:][off[members:, members:]]).mean():.3f} -> {noise:.3f}")
    # Bulk removed: every eigenvalue inside the bounds goes (about 95 % of
    # the noise components, by the bounds' definition), and the filtered
    # matrix has exactly the rank of what was kept (renormalising by
    # sqrt(d_i d_j) is a congruence, which keeps the rank).
    assert kept == n - inside and inside >= 0.85 * (n - 1), msg
    assert rank == kept, msg
    # The planted component survives: its group stays strongly correlated
    # (more than before, the noise having been removed from its units).
    assert group.mean() > max(0.8, raw_group.mean()), msg
    print("     " + msg)


check("filter equals numpy given the same bounds (1e-10)", filtered_equals_numpy)
check("filter keeping nothing gives I, keeping everything gives r", filter_extremes)
check("filter with a zero-variance unit", filter_zero_variance_unit)
check("reference-scale surrogates equal a numpy loop over the same permutations",
      surrogates_match_numpy("reference", silent=False))
check("reference-scale surrogates with a constant unit",
      surrogates_match_numpy("reference", silent=True))
check("correlation-scale surrogates equal corrcoef over the same permutations",
      surrogates_match_numpy("correlation", silent=True))
check("K = 1000 correlation-scale shuffle bounds follow Marchenko-Pastur",
      shuffle_bounds_follow_marchenko_pastur)
check("planted low-rank component survives, noise bulk removed", planted_component_survives)

checks.finish()
