"""tavrnn from Python: recordings, functional-connectivity graphs, TAVRNN
embeddings and their evaluation, computed by tavrnn's C++ library
(docs/python.md).

    import tavrnn
    recording, truth = tavrnn.simulate("hippocampus-like", seed=1)
    graphs = tavrnn.build_graphs(recording, windows="segments:40", theta=0.3,
                                 history_node=True, features="rows")
    model = tavrnn.TAVRNN(latent=8, epochs=60, seed=0)
    mu = model.fit_transform(graphs)               # [windows, nodes, latent]
    metrics = tavrnn.evaluate(mu, graphs)          # the dict of metrics.json
"""
from ._tavrnn import (  # noqa: F401
    GraphSequence,
    Recording,
    __version__,
    build_graphs,
    build_info,
    evaluate,
    read_recording,
    run,
    set_threads,
    simulate,
    simulate_animals,
)
from .estimator import TAVRNN, load  # noqa: F401


def load_graphs(path):
    """A graphs .npz written by `tavrnn graphs` or GraphSequence.save."""
    return GraphSequence.load(path)


__all__ = ["Recording", "GraphSequence", "TAVRNN", "read_recording", "simulate", "simulate_animals", "build_graphs",
           "load_graphs", "evaluate", "load", "run", "build_info", "set_threads", "__version__"]
