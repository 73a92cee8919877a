"""TAVRNN follows scikit-learn's estimator conventions: clone, Pipeline,
transform of new graphs over the same units, callbacks, Ctrl-C."""
import os
import signal

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

import tavrnn


def test_clone_keeps_the_parameters_and_drops_the_fit(graphs):
    model = tavrnn.TAVRNN(latent=4, epochs=2, lr=5e-3, attention_width=3).fit(graphs)
    copy = clone(model)
    assert copy.get_params() == model.get_params()
    assert not hasattr(copy, "model_")
    assert copy.set_params(latent=6) is copy and copy.latent == 6
    with pytest.raises(ValueError, match="latent"):
        copy.set_params(laten=2)


def test_a_pipeline_decodes_window_labels(graphs, window_labels):
    keep = window_labels >= 0
    population = FunctionTransformer(lambda mu: mu[:, :-1, :].mean(axis=1))  # mean over units
    pipeline = make_pipeline(tavrnn.TAVRNN(latent=4, epochs=20, seed=2, threads=1), population,
                             LogisticRegression(max_iter=1000))
    pipeline.fit(graphs, window_labels)
    predicted = pipeline.predict(graphs)
    assert predicted.shape == window_labels.shape
    assert np.mean(predicted[keep] == window_labels[keep]) > 0.5


def test_transform_of_other_graphs_over_the_same_units(recording, graphs):
    model = tavrnn.TAVRNN(latent=4, epochs=3, threads=1).fit(graphs)
    other = tavrnn.build_graphs(recording, windows="sliding:100:100", theta=0.3, history_node=True,
                                features="rows")
    mu = model.transform(other)
    assert mu.shape == (len(other), graphs.n_nodes, 4)
    assert np.isfinite(mu).all()


def test_callback_sees_every_epoch_and_can_stop(graphs):
    seen = []

    def callback(epoch, loss, kl, nll):
        seen.append((epoch, loss))
        return epoch < 4

    model = tavrnn.TAVRNN(latent=4, epochs=50, callback=callback, threads=1).fit(graphs)
    assert [e for e, _ in seen] == [1, 2, 3, 4]
    assert model.n_epochs_ == 4 and list(model.loss_history_) == [loss for _, loss in seen]


def test_ctrl_c_stops_at_the_epoch_end_with_the_checkpoint_written(graphs, tmp_path):
    checkpoint = tmp_path / "model.pt"

    def interrupt_at_three(epoch, loss, kl, nll):
        if epoch == 3:
            os.kill(os.getpid(), signal.SIGINT)  # as Ctrl-C does

    with pytest.raises(KeyboardInterrupt):
        tavrnn.TAVRNN(latent=4, epochs=100, checkpoint=checkpoint, checkpoint_every=50,
                      callback=interrupt_at_three, threads=1).fit(graphs)
    saved = tavrnn.load(checkpoint)
    assert saved.n_epochs_ == 3, "the checkpoint holds the last finished epoch"


def test_an_exception_in_the_callback_propagates(graphs):
    def broken(epoch, loss, kl, nll):
        raise RuntimeError("callback failed")

    with pytest.raises(RuntimeError, match="callback failed"):
        tavrnn.TAVRNN(latent=4, epochs=5, callback=broken).fit(graphs)


def test_same_seed_same_numbers(graphs):
    a = tavrnn.TAVRNN(latent=4, epochs=3, seed=9, threads=1).fit_transform(graphs)
    b = tavrnn.TAVRNN(latent=4, epochs=3, seed=9, threads=1).fit_transform(graphs)
    c = tavrnn.TAVRNN(latent=4, epochs=3, seed=10, threads=1).fit_transform(graphs)
    assert np.array_equal(a, b) and not np.array_equal(a, c)


def test_version_and_build_info():
    info = tavrnn.build_info()
    assert tavrnn.__version__ == info["tavrnn"]
    assert info["blas"] and info["threads"] >= 1


def test_held_out_edges_choose_the_epoch_and_select_the_settings(graphs):
    model = tavrnn.TAVRNN(latent=4, epochs=300, seed=1, threads=1).fit(graphs)
    log = model.training_log_
    assert np.isfinite(log["val_auc"]).all() and ((0 <= log["val_auc"]) & (log["val_auc"] <= 1)).all()
    assert model.n_epochs_ < 300, "early stopping is on by default"
    assert model.selected_epoch_ == 1 + int(np.argmax(log["val_auc"]))  # the first best epoch
    assert model.n_epochs_ == model.selected_epoch_ + 20
    # The kept epoch's parameters are the model's: transform gives the fit's own embeddings.
    assert np.array_equal(model.transform(graphs), model.model_.training_embeddings["mu"])

    fixed = tavrnn.TAVRNN(latent=4, epochs=6, validation=0, early_stopping=0, threads=1).fit(graphs)
    assert fixed.n_epochs_ == fixed.selected_epoch_ == 6
    assert np.isnan(fixed.training_log_["val_auc"]).all()

    chosen = tavrnn.TAVRNN(epochs=30, seed=1, threads=1, select="latent=2,4").fit(graphs)
    candidates = chosen.model_.selection["candidates"]
    assert [c["settings"] for c in candidates] == ["latent=2", "latent=4"]
    best = max(candidates, key=lambda c: c["score"])
    assert chosen.model_.selection["selected"] == best["settings"]
    assert chosen.transform(graphs).shape[2] == int(best["settings"].split("=")[1])
    with pytest.raises(ValueError, match="held-out"):
        tavrnn.TAVRNN(epochs=3, validation=0, select="latent=2,4").fit(graphs)


def test_a_feature_head_adds_its_error_to_the_loss(graphs):
    model = tavrnn.TAVRNN(latent=4, epochs=5, feature_weight=0.5, early_stopping=0, threads=1).fit(graphs)
    log = model.training_log_
    assert (log["feat"] > 0).all()
    assert np.allclose(log["loss"], log["kl"] + log["nll"] + 0.5 * log["feat"], rtol=1e-4)
    plain = tavrnn.TAVRNN(latent=4, epochs=5, early_stopping=0, threads=1).fit(graphs)
    assert (plain.training_log_["feat"] == 0).all()


def test_a_list_of_recordings_trains_one_model_with_descriptors():
    # Recordings of other sizes (32 and 120 units): one model, each one's
    # embeddings, and the model embeds either again to the same numbers.
    first, _ = tavrnn.simulate("small", seed=3)
    second, _ = tavrnn.simulate("hippocampus-like", seed=4)
    options = dict(windows="sliding:1200:1200", theta=0.3, history_node=True, features="descriptors")
    a = tavrnn.build_graphs(first, **options)
    b = tavrnn.build_graphs(second, **options)
    model = tavrnn.TAVRNN(latent=4, hidden=8, epochs=4, seed=1)
    mus = model.fit_transform([a, b])
    assert len(mus) == 2
    assert mus[0].shape == (a.n_windows, a.n_nodes, 4) and mus[1].shape == (b.n_windows, b.n_nodes, 4)
    assert a.n_nodes != b.n_nodes
    np.testing.assert_array_equal(model.transform(b), mus[1])
    again = tavrnn.TAVRNN(latent=4, hidden=8, epochs=4, seed=1).fit_transform([a, b])
    np.testing.assert_array_equal(again[0], mus[0])
    # Rows of W are as wide as each recording: refused, naming the way out.
    rows = dict(options, features="rows")
    with pytest.raises(ValueError, match="descriptors"):
        tavrnn.TAVRNN(epochs=1).fit([tavrnn.build_graphs(first, **rows), tavrnn.build_graphs(second, **rows)])


def test_simulated_animals_share_rules_and_differ_in_size():
    study = tavrnn.simulate_animals("small", seed=2, animals=3, units=40, duration=30)
    assert [truth["animal"] for _, truth in study] == [1, 2, 3]
    assert [recording.n_units for recording, _ in study] == [30, 40, 50]
    names = {tuple(s["name"] for s in truth["states"]) for _, truth in study}
    assert len(names) == 1
    with pytest.raises(ValueError, match="between 1 and 1000"):
        tavrnn.simulate_animals("small", animals=0)
