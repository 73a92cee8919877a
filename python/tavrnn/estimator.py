"""tavrnn.TAVRNN: the model as a scikit-learn estimator (fit / transform /
get_params / set_params), without importing scikit-learn."""
import inspect

from . import _tavrnn


class TAVRNN:
    """Temporal attention-enhanced variational graph RNN (docs/model.md).

    fit(graphs) trains on a GraphSequence; transform(graphs) returns the
    posterior means mu, [windows, nodes, latent], of any graphs over the
    same node set. Parameters are those of `tavrnn fit` (docs/usage.md):

    latent, hidden      embedding width Z and hidden width H
    epochs, lr          Adam steps (one per epoch) and learning rate
    model               "tavrnn", "vgrnn" (no attention) or "vgae" (static)
    seed                initialisation and noise
    threads             LibTorch and OpenBLAS threads (None: leave as is)
    device, dtype       "cpu" or "cuda"; "float32" or "float64"
    attention_width     attend over the last W states (0: all)
    attention_summary   "auto", "last-node" or "mean"
    freeze_gru_gates    keep the GRU gate GCNs at their initial values
    clip_grad           gradient norm clip (0: off)
    validation          fraction of each window's edges (and as many non-edges) held out of
                        training to score it (0: off, every edge trained on, as the reference)
    monitor             what early stopping follows: "auto" (held-out ROC AUC with validation,
                        else the training loss), "val-auc", "val-ap", "val-loss" or "loss"
    early_stopping      stop after this many epochs without improvement (0: off; `epochs` is
                        then the number of epochs, else a ceiling)
    min_delta           relative improvement that counts for early stopping
    last_epoch          keep the last epoch's parameters, not the best epoch's
    feature_weight      weight of a second decoder head reconstructing each node's features
                        from its embedding (0: off, the paper's model)
    select              "latent=4,8,16 lr=0.01,0.003": fit every combination and keep the one
                        whose held-out edges score best (model_.selection says which)
    checkpoint          write model.pt here during training (None: memory only)
    checkpoint_every    epochs between checkpoints
    callback            callback(epoch, loss, kl, nll) after each epoch; False stops

    Fitted attributes: model_ (the C++ model), loss_history_ (loss per epoch),
    training_log_ (epoch, loss, kl, nll, seconds, feat, val_loss, val_auc, val_ap;
    NaN without validation), attention_ ([T, T] of the training graphs), n_epochs_
    (epochs run), selected_epoch_ (the epoch whose parameters the model holds).
    """

    def __init__(self, latent=8, hidden=32, epochs=200, lr=1e-2, model="tavrnn", seed=0, threads=None,
                 device="cpu", dtype="float32", attention_width=0, attention_summary="auto",
                 freeze_gru_gates=False, clip_grad=0.0, validation=0.1, monitor="auto", early_stopping=20,
                 min_delta=1e-4, last_epoch=False, feature_weight=0.0, select="", checkpoint=None,
                 checkpoint_every=10, callback=None):
        self.latent = latent
        self.hidden = hidden
        self.epochs = epochs
        self.lr = lr
        self.model = model
        self.seed = seed
        self.threads = threads
        self.device = device
        self.dtype = dtype
        self.attention_width = attention_width
        self.attention_summary = attention_summary
        self.freeze_gru_gates = freeze_gru_gates
        self.clip_grad = clip_grad
        self.validation = validation
        self.monitor = monitor
        self.early_stopping = early_stopping
        self.min_delta = min_delta
        self.last_epoch = last_epoch
        self.feature_weight = feature_weight
        self.select = select
        self.checkpoint = checkpoint
        self.checkpoint_every = checkpoint_every
        self.callback = callback

    # ---- scikit-learn's estimator protocol -------------------------------
    @classmethod
    def _param_names(cls):
        return [p for p in inspect.signature(cls.__init__).parameters if p != "self"]

    def get_params(self, deep=True):
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params):
        names = self._param_names()
        for name, value in params.items():
            if name not in names:
                raise ValueError(f"TAVRNN.set_params: no parameter {name!r} (parameters: {', '.join(names)})")
            setattr(self, name, value)
        return self

    def __repr__(self):
        defaults = TAVRNN().get_params() if type(self) is TAVRNN else {}
        changed = {k: v for k, v in self.get_params().items() if k not in defaults or defaults[k] != v}
        return "TAVRNN(" + ", ".join(f"{k}={v!r}" for k, v in changed.items()) + ")"

    # ---- training and embedding ------------------------------------------
    def fit(self, graphs, y=None):
        """Trains on `graphs` (a GraphSequence, or a list of them: one model over all, their node
        features of one width, e.g. features="descriptors"); y is ignored. Returns self."""
        if self.threads is not None:
            _tavrnn.set_threads(int(self.threads))
        options = {k: v for k, v in self.get_params().items() if k not in ("threads", "checkpoint", "callback")}
        options["freeze_gru_gates"] = bool(options["freeze_gru_gates"])
        options["last_epoch"] = bool(options["last_epoch"])
        checkpoint = "" if self.checkpoint is None else str(self.checkpoint)
        if isinstance(graphs, (list, tuple)):
            self.model_ = _tavrnn.fit_shared(list(graphs), callback=self.callback, checkpoint=checkpoint, **options)
        else:
            self.model_ = _tavrnn.fit(graphs, callback=self.callback, checkpoint=checkpoint, **options)
        self._set_fitted_attributes()
        return self

    def _set_fitted_attributes(self):
        self.training_log_ = self.model_.training_log
        self.loss_history_ = self.training_log_["loss"]
        self.n_epochs_ = int(self.model_.epochs_done)
        self.selected_epoch_ = int(self.model_.selected_epoch)
        self.attention_ = self.model_.training_embeddings.get("attention")

    def _check_fitted(self):
        if not hasattr(self, "model_"):
            raise AttributeError("This TAVRNN instance is not fitted yet: call fit(graphs) first")

    def transform(self, graphs):
        """Posterior means mu, [windows, nodes, latent], of `graphs`."""
        self._check_fitted()
        return self.model_.transform(graphs)

    def fit_transform(self, graphs, y=None):
        """fit(graphs), then the embeddings of those graphs (no second pass): mu, or for a list of
        sequences a list of each one's mu."""
        self.fit(graphs)
        if isinstance(graphs, (list, tuple)):
            return [e["mu"] for e in self.model_.sequence_embeddings]
        return self.model_.training_embeddings["mu"]

    def embeddings(self, graphs):
        """mu, sigma, population_mean, population_history and attention of `graphs`."""
        self._check_fitted()
        return self.model_.embeddings(graphs)

    def save(self, path):
        """Writes a model.pt that `tavrnn embed` and tavrnn.load read."""
        self._check_fitted()
        self.model_.save(str(path))


def load(path, device="cpu", dtype="float32"):
    """A fitted TAVRNN from a model.pt written by `tavrnn fit` or TAVRNN.save."""
    model = _tavrnn.load(str(path), device, dtype)
    config = model.config
    m, t = config.get("model", {}), config.get("trainer", {})
    estimator = TAVRNN(latent=m.get("latent", 8), hidden=m.get("hidden", 32), epochs=t.get("epochs", 200),
                       lr=t.get("learning_rate", 1e-2), model=m.get("model", "tavrnn"), seed=t.get("seed", 0),
                       device=device, dtype=dtype, attention_width=m.get("attention_width", 0),
                       attention_summary=m.get("attention_summary", "auto"),
                       freeze_gru_gates=not m.get("train_gru_gates", True),
                       clip_grad=t.get("clip_grad_norm", 0.0), validation=t.get("validation_fraction", 0.0),
                       monitor=t.get("monitor", "loss"), early_stopping=t.get("early_stopping_patience", 0),
                       min_delta=t.get("early_stopping_min_delta", 1e-4), last_epoch=not t.get("keep_best", True),
                       feature_weight=m.get("feature_weight", 0.0),
                       checkpoint_every=t.get("checkpoint_every", 10))
    estimator.model_ = model
    estimator._set_fitted_attributes()
    return estimator
