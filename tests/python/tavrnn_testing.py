"""What the Python checks under tests/cli and tests/oracle share: running the
tavrnn CLI with an expected exit status, running an .npz probe, and a tally
of named checks that reports every failure and ends with the 'N passed, N
failed' line ctest shows."""
import atexit
import json
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


class ProbeReply:
    """One request's answer, read like a finished process: returncode and stderr."""

    def __init__(self, returncode, stderr, stdout=""):
        self.returncode, self.stderr, self.stdout = returncode, stderr, stdout


_probe_servers = {}  # probe path -> its `--serve` process


def _probe_server(probe):
    server = _probe_servers.get(probe)
    if server is None or server.poll() is not None:
        server = subprocess.Popen([probe, "--serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  text=True, bufsize=1)
        _probe_servers[probe] = server
    return server


@atexit.register
def _stop_probe_servers():
    for server in _probe_servers.values():
        if server.poll() is None:
            server.stdin.close()
            server.wait(timeout=60)


def run_npz_probe(probe, mode, arrays, workdir, timeout=600):
    """Runs MODE of an .npz probe (tests/oracle/npz_probe_main.h) on `arrays`
    saved in workdir, through one `probe --serve` process per probe (a start
    per request would load LibTorch each time); returns the reply (returncode
    and stderr as the one-shot `probe MODE in.npz out.npz` gives them) and
    out.npz's path. `timeout` is left to ctest's."""
    src, dst = os.path.join(workdir, "in.npz"), os.path.join(workdir, "out.npz")
    np.savez(src, **arrays)
    if os.path.exists(dst):
        os.remove(dst)
    server = _probe_server(probe)
    server.stdin.write(f"{mode}\t{src}\t{dst}\n")
    server.stdin.flush()
    logged = []
    for line in server.stdout:
        if line.startswith("\x1e"):
            reply = json.loads(line[1:])
            return ProbeReply(reply["status"], reply["message"], "".join(logged)), dst
        logged.append(line)
    status = server.wait()
    return ProbeReply(status if status != 0 else -1,
                      f"{probe} --serve ended (exit {status}) before answering {mode}", "".join(logged)), dst


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
