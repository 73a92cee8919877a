"""Shared fixtures of the Python module's tests: a small simulated
recording, its graphs, and a scratch folder that pytest removes."""
import os
import subprocess

import numpy as np
import pytest

import tavrnn

CLI = os.environ["TAVRNN_CLI"]


def run_cli(*args):
    proc = subprocess.run([CLI, *map(str, args)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"tavrnn {' '.join(map(str, args))}: {proc.stderr}"
    return proc


GRAPH_OPTIONS = dict(windows="sliding:200:100", theta=0.3, history_node=True, features="rows")


@pytest.fixture(scope="session")
def recording():
    rec, _ = tavrnn.simulate("small", seed=3)
    return rec


@pytest.fixture(scope="session")
def graphs(recording):
    return tavrnn.build_graphs(recording, **GRAPH_OPTIONS)


@pytest.fixture
def window_labels(graphs):
    return np.asarray(graphs.labels)
