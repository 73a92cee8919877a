"""The commands share the library's stages: `tavrnn compare` takes every model
option of `tavrnn fit` and trains through the same path (a compare cell equals
the fit with the same settings), and `tavrnn embed` works with a model trained
on rows+rates graphs (N' + 1 features per node)."""
import json
import os
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from tavrnn_testing import Checks, expect_one_line_error, run_tavrnn  # noqa: E402

checks = Checks()
check = checks.check
workdir = tempfile.TemporaryDirectory(prefix="tavrnn-stages-cli-")
tmp = workdir.name


def path(*p):
    return os.path.join(tmp, *p)


def run(*args, expect=0):
    return run_tavrnn("--threads", "1", "-q", *args, expect=expect, timeout=600)


run("simulate", "--preset", "small", "--seed", "3", "--out", path("rec.npz"))
run("graphs", path("rec.npz"), "--windows", "sliding:200:100", "--theta", "0.3", "--history-node",
    "--features", "rows+rates", "--out", path("graphs.npz"))
MODEL = ["--attention-width", "2", "--attention-summary", "mean", "--hidden", "16", "--epochs", "3"]
OTHER_MODEL = ["--attention-width", "3", "--attention-summary", "mean", "--hidden", "16", "--epochs", "3"]


def compare_takes_fit_model_options():
    run("compare", path("graphs.npz"), "--models", "tavrnn", "--latent", "4", "--seeds", "1", "--seed", "6",
        *MODEL, "--out", path("grid"))
    grid = json.load(open(path("grid", "grid.json")))
    assert grid["model_options"] == {"attention_width": 2, "attention_summary": "mean"}, grid
    run("fit", path("graphs.npz"), "--latent", "4", "--seed", "6", *MODEL, "--out", path("fit"))
    cell = np.load(path("grid", "cells", "tavrnn", "z4", "seed6", "embeddings.npz"))
    fit = np.load(path("fit", "embeddings.npz"))
    for key in ("mu", "sigma", "attention"):
        assert np.array_equal(cell[key], fit[key]), f"{key}: the compare cell and fit trained differently"
    # another attention option is another grid: its cells are not reused silently
    expect_one_line_error(["--threads", "1", "compare", path("graphs.npz"), "--models", "tavrnn", "--latent", "4",
                           "--seeds", "1", "--seed", "6", *OTHER_MODEL, "--out", path("grid")],
                          ["grid.json", "--overwrite"])


def embed_with_rows_plus_rates_model():
    run("fit", path("graphs.npz"), "--epochs", "3", "--seed", "1", "--out", path("rr"))
    run("embed", path("rr"), path("graphs.npz"), "--out", path("rr", "again.npz"))
    a = np.load(path("rr", "embeddings.npz"))
    b = np.load(path("rr", "again.npz"))
    assert a["mu"].shape[1] == b["mu"].shape[1], (a["mu"].shape, b["mu"].shape)
    assert np.array_equal(a["mu"], b["mu"]), "embed gave other embeddings than fit for the same graphs"
    run("graphs", path("rec.npz"), "--windows", "sliding:200:100", "--theta", "0.3", "--history-node",
        "--features", "rows", "--out", path("rows.npz"))
    expect_one_line_error(["embed", path("rr"), path("rows.npz")], ["rows.npz", "node features"])


check("compare takes fit's model options and trains like fit", compare_takes_fit_model_options)
check("embed works with a rows+rates model and refuses other graphs", embed_with_rows_plus_rates_model)
checks.finish()
