"""What the Python checks under tests/cli and tests/oracle share: running the
tavrnn CLI with an expected exit status, running an .npz probe, and a tally
of named checks that reports every failure and ends with the 'N passed, N
failed' line ctest shows."""
import os
import subprocess
import sys

import numpy as np


def run_tavrnn(*args, expect=0, timeout=300):
    """Runs $TAVRNN_CLI with args; raises AssertionError unless it exits `expect`."""
    proc = subprocess.run([os.environ["TAVRNN_CLI"], *args], capture_output=True, text=True,
                          timeout=timeout)
    if proc.returncode != expect:
        raise AssertionError(f"tavrnn {' '.join(args)}: exit {proc.returncode}, expected {expect}\n"
                             f"stdout: {proc.stdout}\nstderr: {proc.stderr}")
    return proc


def run_npz_probe(probe, mode, arrays, workdir, timeout=600):
    """Runs `probe MODE in.npz out.npz` (tests/oracle/npz_probe_main.h) on
    `arrays` saved in workdir; returns the finished process and out.npz's path."""
    src, dst = os.path.join(workdir, "in.npz"), os.path.join(workdir, "out.npz")
    np.savez(src, **arrays)
    proc = subprocess.run([probe, mode, src, dst], capture_output=True, text=True, timeout=timeout)
    return proc, dst


def npz_probe(probe, mode, arrays, workdir, timeout=600):
    """run_npz_probe that must succeed; returns the probe's arrays as a dict."""
    proc, dst = run_npz_probe(probe, mode, arrays, workdir, timeout)
    if proc.returncode != 0:
        raise AssertionError(f"probe {mode} exit {proc.returncode}: {proc.stderr}")
    return dict(np.load(dst))


def expect_one_line_error(args, substrings, timeout=300):
    """Runs $TAVRNN_CLI with args and requires what every bad input must give:
    exit status 1 and exactly one line on stderr holding every substring.
    Returns that line."""
    proc = subprocess.run([os.environ["TAVRNN_CLI"], *args], capture_output=True, text=True,
                          timeout=timeout)
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    msg = proc.stderr.strip()
    if proc.returncode != 1:
        raise AssertionError(f"exit {proc.returncode}, expected 1; stderr: {msg}")
    if len(lines) != 1:
        raise AssertionError(f"expected one line on stderr, found {len(lines)}: {msg}")
    for s in substrings:
        if s not in msg:
            raise AssertionError(f"{s!r} not in: {msg}")
    return msg


class Checks:
    """check(name, fn) runs fn and records it; finish() prints the tally and exits."""

    def __init__(self):
        self.passed = 0
        self.failures = []

    def check(self, name, fn):
        try:
            fn()
            self.passed += 1
            print(f"ok   {name}")
        except Exception as e:  # noqa: BLE001 - report every failure
            self.failures.append(name)
            print(f"FAIL {name}: {e}")

    def finish(self):
        print(f"{self.passed} passed, {len(self.failures)} failed")
        sys.exit(1 if self.failures else 0)


def population_readout(emb, name):
    """The population embedding `name` (metrics.json's population_embedding)
    of every window, computed from embeddings.npz with numpy alone, as
    docs/evaluation.md defines it: an independent check of tavrnn's."""
    n_units = len(emb["unit_ids"])
    units = emb["mu"][:, :n_units].astype(np.float64)
    if name == "units":
        return units.reshape(len(units), -1)
    if name == "gram":
        upper = np.triu_indices(n_units)
        return np.stack([(u @ u.T)[upper] for u in units])
    if name == "norms":
        return np.linalg.norm(units, axis=2)
    if name in ("history", "mean"):
        return emb[f"population_{name}"].astype(np.float64)
    raise ValueError(f"unknown population embedding {name!r}")
