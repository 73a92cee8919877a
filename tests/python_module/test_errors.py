"""Bad arguments raise the right Python exception with the library's
message, never abort the interpreter."""
import numpy as np
import pytest

import tavrnn

COUNTS = np.ones((3, 50))


@pytest.mark.parametrize("counts, words", [
    (np.array([["a", "b"], ["c", "d"]]), ["counts", "numbers", "dtype"]),
    (np.ones(10), ["counts", "2 dimensions", "(10,)"]),
    (np.ones((2, 2, 2)), ["counts", "2 dimensions"]),
    (np.array([[1.0, np.nan], [0.0, 1.0]]), ["counts"]),
    (np.array([[1.0, -1.0], [0.0, 1.0]]), ["counts"]),
])
def test_bad_counts_raise_value_error(counts, words):
    with pytest.raises(ValueError) as error:
        tavrnn.Recording(counts, 0.1)
    for word in words:
        assert word in str(error.value)


@pytest.mark.parametrize("width", [0.0, -0.5, float("nan")])
def test_bad_bin_width_raises_value_error(width):
    with pytest.raises(ValueError, match="bin"):
        tavrnn.Recording(COUNTS, width)


def test_labels_of_the_wrong_length_name_the_argument():
    with pytest.raises(ValueError, match="label"):
        tavrnn.Recording(COUNTS, 0.1, labels=["a"] * 7)
    with pytest.raises(ValueError, match="group"):
        tavrnn.Recording(COUNTS, 0.1, groups=["x", "y"])


def test_counts_of_any_numeric_dtype_and_time_major():
    rec = tavrnn.Recording(np.arange(150, dtype=np.uint16).reshape(50, 3), 0.1, time_major=True,
                           labels=["a"] * 25 + [None] * 25, groups=["ca1", "ca3", ""])
    assert (rec.n_units, rec.n_bins) == (3, 50)
    assert rec.counts[1, 0] == 1.0 and rec.counts.dtype == np.float64
    assert not rec.counts.flags.writeable
    assert list(rec.labels[:26]) == [0] * 25 + [-1] and rec.label_names == ["a"]
    assert list(rec.groups) == [0, 1, -1]


def test_unknown_option_is_a_type_error_naming_the_options(recording):
    with pytest.raises(TypeError, match="unexpected keyword argument 'thetta'.*theta"):
        tavrnn.build_graphs(recording, windows="sliding:200:100", thetta=0.3)


def test_bad_option_values_raise_value_error(recording):
    with pytest.raises(ValueError, match="windows"):
        tavrnn.build_graphs(recording)
    with pytest.raises(ValueError, match="theta"):
        tavrnn.build_graphs(recording, windows="sliding:200:100", theta="high")
    with pytest.raises(ValueError, match="model"):
        tavrnn.TAVRNN(model="transformer", epochs=1).fit(
            tavrnn.build_graphs(recording, windows="sliding:200:100"))


def test_missing_files_raise_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError, match="missing.npz"):
        tavrnn.read_recording(tmp_path / "missing.npz")
    with pytest.raises(FileNotFoundError):
        tavrnn.GraphSequence.load(tmp_path / "missing.npz")
    with pytest.raises(FileNotFoundError):
        tavrnn.load(tmp_path / "model.pt")


def test_a_corrupt_file_raises_value_error_naming_it(tmp_path):
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a zip archive")
    with pytest.raises(ValueError, match="bad.npz"):
        tavrnn.read_recording(bad)


def test_embeddings_of_the_wrong_shape(graphs):
    with pytest.raises(ValueError, match="embeddings"):
        tavrnn.evaluate(np.zeros((2, 3)), graphs)
    with pytest.raises(ValueError, match="does not match"):
        tavrnn.evaluate(np.zeros((len(graphs) + 1, graphs.n_nodes, 4)), graphs)


def test_transform_before_fit():
    with pytest.raises(AttributeError, match="not fitted"):
        tavrnn.TAVRNN().transform(None)


def test_simulate_resizes_and_refuses_sizes_the_preset_cannot_take():
    rec, truth = tavrnn.simulate("small", seed=2, units=64, duration=30)
    assert (rec.n_units, rec.n_bins, truth["copies"]) == (64, 600, 2)
    assert truth["groups"]["names"][:5] == ["A_0", "B_0", "C_0", "D_0", "A_1"]
    with pytest.raises(ValueError, match="ask for at least 8 units"):
        tavrnn.simulate("small", units=3)
    with pytest.raises(ValueError, match="duration"):
        tavrnn.simulate("small", duration=-1)
