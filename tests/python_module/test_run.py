"""tavrnn.run: the pipeline from a config, as `tavrnn run` does it."""
import json

import numpy as np
import pytest

import tavrnn
from conftest import run_cli

CONFIG = """
seed = 2
[simulate]
preset = "small"
[graphs]
windows = "sliding:200:100"
theta = 0.3
history-node = true
features = "rows"
[fit]
epochs = 3
[evaluate]
seeds = 2
"""


def test_run_writes_the_clis_outputs_and_skips_what_is_done(tmp_path):
    config = tmp_path / "small.toml"
    config.write_text(CONFIG)
    tavrnn.set_threads(1)  # as the CLI below: same thread count, same numbers
    done = tavrnn.run(config, out=tmp_path / "py", overrides=["figures.population=pca"], verbose=False)
    assert done["stages_skipped"] == [] and "fit" in done["stages_run"]
    assert (tmp_path / "py" / "report.html").exists()
    again = tavrnn.run(config, out=tmp_path / "py", overrides=["figures.population=pca"], verbose=False)
    assert again["stages_run"] == [], "an up-to-date run does nothing"

    run_cli("--threads", 1, "run", config, "--out", tmp_path / "cli", "--set", "figures.population=pca")
    py_mu = np.load(tmp_path / "py" / "fit" / "embeddings.npz")["mu"]
    cli_mu = np.load(tmp_path / "cli" / "fit" / "embeddings.npz")["mu"]
    assert np.array_equal(py_mu, cli_mu)
    py_metrics = json.load(open(tmp_path / "py" / "fit" / "metrics.json"))
    assert "decoding" in py_metrics


def test_run_names_a_missing_config(tmp_path):
    with pytest.raises(FileNotFoundError):
        tavrnn.run(tmp_path / "missing.toml")
