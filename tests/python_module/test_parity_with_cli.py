"""The same inputs through Python and through the CLI give the same numbers:
graphs, embeddings (bitwise, one thread) and metrics."""
import json

import numpy as np

import tavrnn
from conftest import GRAPH_OPTIONS, run_cli


def test_graphs_embeddings_and_metrics_equal_the_clis(tmp_path):
    run_cli("simulate", "--preset", "small", "--seed", 3, "--out", tmp_path / "rec.npz",
            "--ground-truth", tmp_path / "truth.json")
    run_cli("graphs", tmp_path / "rec.npz", "--out", tmp_path / "graphs.npz", "--windows",
            GRAPH_OPTIONS["windows"], "--theta", 0.3, "--history-node", "--features", "rows")
    run_cli("--threads", 1, "fit", tmp_path / "graphs.npz", "--out", tmp_path / "run", "--epochs", 5,
            "--seed", 4, "--latent", 4)
    run_cli("evaluate", tmp_path / "run", "--seeds", 2)

    recording = tavrnn.read_recording(tmp_path / "rec.npz")
    graphs = tavrnn.build_graphs(recording, **GRAPH_OPTIONS)
    cli_graphs = tavrnn.GraphSequence.load(tmp_path / "graphs.npz")
    assert np.array_equal(graphs.W, cli_graphs.W)
    assert np.array_equal(graphs.A, cli_graphs.A)

    model = tavrnn.TAVRNN(epochs=5, seed=4, latent=4, threads=1)
    mu = model.fit_transform(graphs)
    cli = np.load(tmp_path / "run" / "embeddings.npz")
    assert mu.dtype == np.float32 and mu.shape == cli["mu"].shape
    assert np.array_equal(mu, cli["mu"]), "Python and the CLI trained different models"
    assert np.array_equal(model.transform(graphs), mu), "transform embeds as the fit did"
    assert np.array_equal(model.attention_, cli["attention"])
    assert len(model.loss_history_) == 5
    cli_model = tavrnn.load(tmp_path / "run" / "model.pt")
    assert cli_model.n_epochs_ == 5 and np.array_equal(cli_model.transform(graphs), mu)
    assert np.array_equal(graphs.window_ranges, np.load(tmp_path / "graphs.npz")["window_ranges"])

    metrics = tavrnn.evaluate(mu, graphs, seeds=2)
    cli_metrics = json.load(open(tmp_path / "run" / "metrics.json"))
    for key in ("embeddings", "graphs"):  # the CLI also records its input files
        cli_metrics.pop(key, None)
    assert metrics == cli_metrics


def test_a_saved_model_is_the_clis_model_pt(tmp_path, graphs):
    model = tavrnn.TAVRNN(epochs=3, seed=1, latent=4, threads=1).fit(graphs)
    model.save(tmp_path / "model.pt")
    graphs.save(tmp_path / "graphs.npz")
    run_cli("--threads", 1, "embed", tmp_path, tmp_path / "graphs.npz", "--out", tmp_path / "e.npz")
    assert np.array_equal(np.load(tmp_path / "e.npz")["mu"], model.transform(graphs))
    again = tavrnn.load(tmp_path / "model.pt")
    assert again.latent == 4 and again.n_epochs_ == 3
    assert np.array_equal(again.transform(graphs), model.transform(graphs))
