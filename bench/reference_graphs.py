#!/usr/bin/python3
"""The reference notebook's graph-stage pattern in numpy, timed side by side
with bench/graphs_bench.cpp (see bench/README.md).

  /usr/bin/python3 bench/reference_graphs.py --threads 1 [--quick]

--threads sets OPENBLAS_NUM_THREADS (and OMP_NUM_THREADS) before numpy is
imported: numpy's OpenBLAS reads it once, at load. Prints one JSON line per
case with seconds per window (median of the repeats):

  pearson     numpy.corrcoef per window, NaN -> 0, diagonal 1, |r|, A = |r| >= 0.6
              (tavrnn_reference.correlation_graphs), N = 900, L = 2400, T = 19
  gemm        one float64 and one float32 matrix product of the same size
              (Y Y^T, Y: 900 x 2400), the yardstick of the Pearson target
  shuffle     the reference's random-matrix bounds: for each of K surrogates a
              Python loop permutes every unit's row (numpy.random.permutation),
              numpy.cov, numpy.linalg.eigvalsh; pooled 2.5 / 97.5 percentiles.
              N = 120, L = 400, K = 1000; N = 900, L = 2400 timed at K = 20
              and scaled to K = 1000 (the per-surrogate cost is constant).
"""
import argparse
import json
import os
import statistics
import sys
import time


def parse():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--k-small", type=int, default=1000, help="K at N = 120")
    ap.add_argument("--k-large", type=int, default=20, help="K timed at N = 900 (scaled to 1000)")
    ap.add_argument("--quick", action="store_true", help="fewer repeats and surrogates")
    return ap.parse_args()


args = parse()
os.environ["OPENBLAS_NUM_THREADS"] = str(args.threads)
os.environ["OMP_NUM_THREADS"] = str(args.threads)
import numpy as np  # noqa: E402  (after the thread settings, on purpose)


def blas_info():
    try:
        import threadpoolctl
        return [{k: v for k, v in i.items() if k in ("internal_api", "version", "architecture",
                                                        "num_threads")}
                for i in threadpoolctl.threadpool_info()]
    except ImportError:
        return "threadpoolctl not installed"


def timed(fn, repeats):
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def poisson(n, l, rng, rate=0.5):
    return rng.poisson(rate, size=(n, l)).astype(np.float64)


def pearson_graphs(counts, starts, size, theta=0.6):
    out = []
    for s in starts:
        y = counts[:, s:s + size]
        with np.errstate(invalid="ignore", divide="ignore"):
            r = np.corrcoef(y)
        r = np.nan_to_num(r, nan=0.0)
        np.fill_diagonal(r, 1.0)
        w = np.abs(r)
        out.append((w, (w >= theta).astype(np.float64)))
    return out


def reference_bounds(y, k, rng):
    pooled = []
    for _ in range(k):
        shuffled = np.array([rng.permutation(row) for row in y])
        pooled.append(np.linalg.eigvalsh(np.cov(shuffled)))
    return np.percentile(np.concatenate(pooled), [2.5, 97.5])


def report(case, **fields):
    print(json.dumps({"case": case, "threads": args.threads, **fields}), flush=True)


def main():
    repeats = 1 if args.quick else args.repeats
    k_small = 100 if args.quick else args.k_small
    rng = np.random.default_rng(0)
    report("blas", blas=blas_info(), numpy=np.__version__)

    n, size, windows = 900, 2400, 19
    counts = poisson(n, size // 2 * (windows + 1), rng)
    starts = [k * size // 2 for k in range(windows)]
    s = timed(lambda: pearson_graphs(counts, starts, size), repeats)
    report("pearson", n=n, l=size, t=windows, s_per_window=s / windows, s_total=s)
    y = counts[:, :size]
    report("gemm", n=n, l=size, dtype="float64", s=timed(lambda: y @ y.T, max(repeats, 3)))
    y32 = y.astype(np.float32)
    report("gemm", n=n, l=size, dtype="float32", s=timed(lambda: y32 @ y32.T, max(repeats, 3)))

    y = poisson(120, 400, rng)
    s = timed(lambda: reference_bounds(y, k_small, rng), repeats)
    report("shuffle", n=120, l=400, k_timed=k_small, k=1000, s_per_window=s * 1000 / k_small)
    y = poisson(900, 2400, rng)
    s = timed(lambda: reference_bounds(y, args.k_large, rng), 1)
    report("shuffle", n=900, l=2400, k_timed=args.k_large, k=1000,
           s_per_window=s * 1000 / args.k_large)


if __name__ == "__main__":
    sys.exit(main())
