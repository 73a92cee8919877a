#!/usr/bin/python3
"""tavrnn from Python, start to end (docs/python.md):

simulate a recording (or read your own), build its functional-connectivity
graphs, fit TAVRNN, embed, decode the behaviour with scikit-learn, and draw a
t-SNE map of the windows with matplotlib when it is installed.

    /usr/bin/python3 examples/python/quickstart.py [OUT_DIR] [--nwb FILE.nwb --bin-width 0.05]
"""
import argparse
import os
import tempfile

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score

import tavrnn

parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("out", nargs="?", default=None, help="folder for the model and the figure")
parser.add_argument("--nwb", help="an NWB file to read instead of simulating")
parser.add_argument("--bin-width", type=float, default=0.05, help="seconds per bin when reading --nwb")
args = parser.parse_args()
out = args.out or tempfile.mkdtemp(prefix="tavrnn-quickstart-")
os.makedirs(out, exist_ok=True)

# 1. A recording: units x bins, with a label per bin (here: which end of a
#    linear track the simulated rat runs towards).
if args.nwb:
    recording = tavrnn.read_recording(args.nwb, bin_width=args.bin_width)
else:
    recording, truth = tavrnn.simulate("hippocampus-like", seed=1)
print(recording)

# 2. One correlation graph per visit (window), thresholded at |r| >= 0.3,
#    with a history node; node features are the rows of W.
graphs = tavrnn.build_graphs(recording, windows="segments:40", theta=0.3, history_node=True,
                             features="rows")
print(graphs, "labels:", graphs.label_names)

# 3. TAVRNN, a scikit-learn style estimator; mu is [windows, nodes, latent].
model = tavrnn.TAVRNN(latent=8, epochs=60, seed=0)
mu = model.fit_transform(graphs)
print(f"trained {model.n_epochs_} epochs, final loss {model.loss_history_[-1]:.4g}; mu {mu.shape}")
model.save(os.path.join(out, "model.pt"))  # `tavrnn embed` reads it too

# 4. Decode each window's label from its population embedding (mean over
#    the units; the last node is the history node) with scikit-learn ...
labels = np.asarray(graphs.labels)
keep = labels >= 0
population = mu[:, :-1, :].mean(axis=1)
folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
scores = cross_val_score(LogisticRegression(max_iter=1000), population[keep], labels[keep], cv=folds)
print(f"scikit-learn decoding accuracy {scores.mean():.3f} +- {scores.std(ddof=1):.3f}")

# ... or with tavrnn's own evaluation (the metrics of `tavrnn evaluate`).
metrics = tavrnn.evaluate(mu, graphs, seeds=3)
accuracy = metrics["decoding"]["logistic_regression"]["scores"]["accuracy_score"]
print(f"tavrnn.evaluate decoding accuracy {accuracy['mean']:.3f} +- {accuracy['sd']:.3f}")

# 5. A t-SNE map of the windows, coloured by label, if matplotlib is here.
try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.manifold import TSNE
except ImportError:
    print("matplotlib not installed: no figure")
else:
    xy = TSNE(perplexity=min(30, (len(population) - 1) / 3), random_state=0).fit_transform(population)
    fig, ax = plt.subplots(figsize=(5, 4))
    for code, name in enumerate(graphs.label_names):
        ax.scatter(*xy[labels == code].T, s=12, label=name)
    ax.legend(frameon=False)
    ax.set_title("TAVRNN population embeddings (t-SNE)")
    fig.savefig(os.path.join(out, "population_tsne.png"), dpi=120)
    print("figure:", os.path.join(out, "population_tsne.png"))
