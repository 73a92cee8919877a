"""`tavrnn fit` and `tavrnn embed` as a user runs them: outputs numpy can read,
determinism, resume after SIGKILL bitwise equal to an uninterrupted run."""
import csv
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from tavrnn_testing import Checks, run_tavrnn  # noqa: E402

checks = Checks()
check = checks.check

CLI = os.environ["TAVRNN_CLI"]
tmp = tempfile.mkdtemp(prefix="tavrnn-fit-cli-")


def path(*p):
    return os.path.join(tmp, *p)


def run(*args, expect=0):
    # One thread: the resume test compares runs bitwise, which holds per thread count.
    return run_tavrnn("--threads", "1", *args, expect=expect, timeout=600)


def setup():
    run("simulate", "--preset", "small", "--seed", "3", "--out", path("rec.npz"))
    run("graphs", path("rec.npz"), "--windows", "sliding:200:100", "--theta", "0.3", "--history-node",
        "--features", "rows", "--out", path("graphs.npz"))


def outputs_open_in_numpy():
    run("fit", path("graphs.npz"), "--out", path("run"), "--epochs", "12", "--seed", "5",
        "--hidden", "16", "--latent", "4", "--sample-z")
    e = np.load(path("run", "embeddings.npz"))
    t = e["mu"].shape[0]
    n_nodes = e["mu"].shape[1]
    assert e["mu"].shape == (t, n_nodes, 4) and e["sigma"].shape == e["mu"].shape
    assert e["z"].shape == e["mu"].shape
    assert e["population_mean"].shape == (t, 4) and e["population_history"].shape == (t, 4)
    assert np.allclose(e["population_mean"], e["mu"][:, :n_nodes - 1].mean(1), atol=1e-6)
    assert np.allclose(e["population_history"], e["mu"][:, -1])
    att = e["attention"]
    assert att.shape == (t, t) and np.allclose(np.triu(att, 1), 0)
    assert np.allclose(att.sum(1), 1, atol=1e-5), att.sum(1)
    assert int(e["history_node"]) == 1
    assert len(e["window_start"]) == t and (e["window_stop"] > e["window_start"]).all()
    assert e["unit_ids"].shape == (n_nodes - 1,)
    with open(path("run", "training_log.csv")) as f:
        rows = list(csv.DictReader(f))
    assert [int(r["epoch"]) for r in rows] == list(range(1, 13))
    assert all(np.isfinite(float(r["loss"])) for r in rows)
    info = json.load(open(path("run", "run.json")))
    assert info["epochs_done"] == 12 and info["model"]["latent"] == 4
    assert len(info["graphs_sha256"]) == 64 and info["versions"]["blas"] == "OpenBLAS", info["versions"]
    assert os.path.getsize(path("run", "model.pt")) > 0


def same_seed_same_numbers():
    run("fit", path("graphs.npz"), "--out", path("run_b"), "--epochs", "12", "--seed", "5",
        "--hidden", "16", "--latent", "4", "--sample-z")
    a = np.load(path("run", "embeddings.npz"))
    b = np.load(path("run_b", "embeddings.npz"))
    for key in ("mu", "sigma", "z", "attention"):
        assert np.array_equal(a[key], b[key]), key


def refuses_to_clobber_a_run():
    proc = run("fit", path("graphs.npz"), "--out", path("run"), "--epochs", "3", expect=1)
    assert "--resume" in proc.stderr and "--overwrite" in proc.stderr, proc.stderr


def killed_run_resumes_bitwise():
    # Held-out edges on and the best epoch kept (the defaults), never stopping
    # early: the split, the best score and its parameters must survive the kill.
    common = ["--epochs", "400", "--seed", "9", "--hidden", "16", "--latent", "4",
              "--checkpoint-every", "7", "--early-stopping", "1000"]
    run("fit", path("graphs.npz"), "--out", path("whole"), *common)
    proc = subprocess.Popen([CLI, "--threads", "1", "fit", path("graphs.npz"), "--out", path("killed"),
                             *common], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ckpt = path("killed", "model.pt")
    deadline = time.time() + 120
    while not os.path.exists(ckpt) and time.time() < deadline and proc.poll() is None:
        time.sleep(0.005)
    time.sleep(0.05)  # past the first checkpoint, before the end (400 epochs take far longer)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, f"the run ended before it was killed ({proc.returncode})"
    assert not os.path.exists(path("killed", "embeddings.npz")), "a killed run left embeddings behind"
    leftovers = [f for f in os.listdir(path("killed")) if ".tmp-" in f]
    run("fit", path("graphs.npz"), "--out", path("killed"), *common, "--resume")
    a = np.load(path("whole", "embeddings.npz"))
    b = np.load(path("killed", "embeddings.npz"))
    for key in ("mu", "sigma", "attention"):
        assert np.array_equal(a[key], b[key]), f"{key} differs after resume"
    def log_without_times(run_dir):
        with open(path(run_dir, "training_log.csv")) as f:
            return [{k: v for k, v in row.items() if k != "seconds"} for row in csv.DictReader(f)]
    la, lb = log_without_times("whole"), log_without_times("killed")
    assert "val_auc" in la[0], "the held-out scores are logged"
    assert la == lb, "loss logs differ after resume"
    ia, ib = json.load(open(path("whole", "run.json"))), json.load(open(path("killed", "run.json")))
    assert ia["selected_epoch"] == ib["selected_epoch"] < 400, (ia["selected_epoch"], ib["selected_epoch"])
    print(f"     killed after the checkpoint, {len(leftovers)} temporary file(s) left by the kill")


def held_out_edges_choose_the_epoch():
    run("fit", path("graphs.npz"), "--out", path("val"), "--epochs", "300", "--seed", "2",
        "--hidden", "16", "--latent", "4")
    info = json.load(open(path("val", "run.json")))
    with open(path("val", "training_log.csv")) as f:
        rows = list(csv.DictReader(f))
    assert info["monitor"] == "val-auc" and info["trainer"]["validation_fraction"] == 0.1, info["trainer"]
    assert info["stopped_early"] and info["epochs_done"] < 300, "early stopping is on by default"
    aucs = [float(r["val_auc"]) for r in rows]
    assert all(0 <= a <= 1 for a in aucs)
    best = 1 + max(range(len(aucs)), key=lambda i: (aucs[i], -i))  # the first best epoch
    assert info["selected_epoch"] == best, (info["selected_epoch"], best)
    assert info["epochs_done"] == best + 20, (info["epochs_done"], best)  # patience 20
    assert abs(info["validation"]["roc_auc"] - aucs[best - 1]) < 1e-12
    # The reference's training: every edge, every epoch, the last parameters.
    run("fit", path("graphs.npz"), "--out", path("fixed"), "--epochs", "7", "--validation", "0",
        "--early-stopping", "0")
    info = json.load(open(path("fixed", "run.json")))
    header = open(path("fixed", "training_log.csv")).readline().strip()
    assert header == "epoch,loss,kl,nll,seconds", header
    assert info["epochs_done"] == 7 and info["selected_epoch"] == 7 and info["monitor"] == "loss"
    assert info["validation"] is None


def select_keeps_the_best_held_out_score():
    run("fit", path("graphs.npz"), "--out", path("sel"), "--epochs", "40", "--seed", "2",
        "--hidden", "16", "--select", "latent=2,4 lr=0.01,0.003")
    info = json.load(open(path("sel", "run.json")))
    candidates = info["selection"]["candidates"]
    assert [c["settings"] for c in candidates] == ["latent=2 lr=0.01", "latent=2 lr=0.003",
                                                   "latent=4 lr=0.01", "latent=4 lr=0.003"]
    best = max(candidates, key=lambda c: c["score"])
    assert info["selection"]["selected"] == best["settings"]
    chosen = dict(kv.split("=") for kv in best["settings"].split())
    assert info["model"]["latent"] == int(chosen["latent"])
    assert info["trainer"]["learning_rate"] == float(chosen["lr"])
    assert np.load(path("sel", "embeddings.npz"))["mu"].shape[2] == int(chosen["latent"])
    assert sorted(os.listdir(path("sel"))) == ["embeddings.npz", "model.pt", "run.json", "training_log.csv"]
    # The same candidate fitted alone gives the same model.
    run("fit", path("graphs.npz"), "--out", path("sel_alone"), "--epochs", "40", "--seed", "2",
        "--hidden", "16", "--latent", chosen["latent"], "--lr", chosen["lr"])
    a, b = np.load(path("sel", "embeddings.npz")), np.load(path("sel_alone", "embeddings.npz"))
    assert np.array_equal(a["mu"], b["mu"])
    proc = run("fit", path("graphs.npz"), "--out", path("sel_bad"), "--select", "latent=2,4",
               "--validation", "0", expect=1)
    assert "held-out" in proc.stderr, proc.stderr
    proc = run("fit", path("graphs.npz"), "--out", path("sel_bad"), "--select", "width=2,4", expect=1)
    assert "no fit option 'width'" in proc.stderr, proc.stderr


def embed_reproduces_fit():
    run("embed", path("run"), path("graphs.npz"), "--out", path("again.npz"))
    a = np.load(path("run", "embeddings.npz"))
    b = np.load(path("again.npz"))
    assert np.array_equal(a["mu"], b["mu"])


def streamed_fit_is_the_in_memory_fit():
    # Truncated back-propagation in pieces of 3 windows, from memory and from
    # the file read 3 windows at a time: the same numbers.
    common = ["--seed", "4", "--hidden", "16", "--latent", "4", "--bptt", "3"]
    run("fit", path("graphs.npz"), "--out", path("bptt"), "--epochs", "8", *common)
    run("fit", path("graphs.npz"), "--out", path("stream"), "--epochs", "8", *common, "--stream")
    a, b = np.load(path("bptt", "embeddings.npz")), np.load(path("stream", "embeddings.npz"))
    for key in ("mu", "sigma", "attention", "window_start"):
        assert np.array_equal(a[key], b[key]), key
    info = json.load(open(path("stream", "run.json")))
    assert info["trainer"]["bptt_windows"] == 3, info["trainer"]
    whole = json.load(open(path("run", "run.json")))
    assert "bptt_windows" not in whole["trainer"], "absent when off, as in earlier runs"
    # Resuming a streamed run continues it.
    run("fit", path("graphs.npz"), "--out", path("stream"), *common, "--stream", "--epochs", "10", "--resume")
    assert json.load(open(path("stream", "run.json")))["epochs_done"] == 10
    proc = run("fit", path("graphs.npz"), "--out", path("stream_bad"), "--stream", "--select", "latent=2,4",
               expect=1)
    assert "stream" in proc.stderr, proc.stderr


def vgae_and_vgrnn_run():
    for model in ("vgrnn", "vgae"):
        run("fit", path("graphs.npz"), "--out", path(model), "--model", model, "--epochs", "3")
        e = np.load(path(model, "embeddings.npz"))
        assert str(e["model"]) == model
        assert np.allclose(e["attention"], np.eye(e["attention"].shape[0]))


def several_sequences_share_one_model():
    # Two recordings of other sizes: descriptors give both 8 feature columns.
    run("simulate", "--preset", "small", "--seed", "4", "--units", "40", "--duration", "480",
        "--out", path("other", "rec.npz"))
    for name, rec in (("day1", path("rec.npz")), ("day2", path("other", "rec.npz"))):
        run("graphs", rec, "--windows", "sliding:400:400", "--theta", "0.3", "--history-node",
            "--features", "descriptors", "--out", path(f"{name}.npz"))
    common = ["--epochs", "6", "--seed", "2", "--hidden", "16", "--latent", "4"]
    proc = run("fit", path("day1.npz"), path("day2.npz"), "--out", path("shared"), *common)
    assert "on 2 sequences" in proc.stdout, proc.stdout
    info = json.load(open(path("shared", "run.json")))
    assert [s["name"] for s in info["sequences"]] == ["day1", "day2"], info["sequences"]
    for s in info["sequences"]:
        e = np.load(path("shared", s["embeddings"]))
        assert e["mu"].shape == (s["windows"], s["nodes"], 4), (e["mu"].shape, s)
        assert s["nodes"] == s["units"] + 1
    assert info["sequences"][0]["units"] != info["sequences"][1]["units"]
    # The shared model embeds any recording with descriptors: the same numbers
    # as fit wrote for it.
    run("embed", path("shared"), path("day2.npz"), "--out", path("day2_again.npz"))
    assert np.array_equal(np.load(path("day2_again.npz"))["mu"],
                          np.load(path("shared", "embeddings", "day2.npz"))["mu"])
    # Streamed from the files: the same numbers; --names renames.
    run("fit", path("day1.npz"), path("day2.npz"), "--out", path("shared_stream"), *common, "--stream",
        "--names", "first,second")
    assert np.array_equal(np.load(path("shared", "embeddings", "day2.npz"))["mu"],
                          np.load(path("shared_stream", "embeddings", "second.npz"))["mu"])
    # Rows of W are as wide as the recording: refused, with the way out.
    proc = run("fit", path("graphs.npz"), path("day2.npz"), "--out", path("mixed"), expect=1)
    assert "--features descriptors" in proc.stderr and proc.stderr.count("\n") == 1, proc.stderr


def bad_inputs_are_one_line_errors():
    proc = run("fit", path("rec.npz"), "--out", path("bad"), expect=1)
    assert proc.stderr.startswith("tavrnn: error: ") and proc.stderr.count("\n") == 1, proc.stderr
    proc = run("fit", path("graphs.npz"), "--out", path("nothing"), "--resume", expect=1)
    assert "no checkpoint" in proc.stderr, proc.stderr
    proc = run("fit", path("graphs.npz"), "--out", path("cuda"), "--device", "cuda", expect=1)
    assert "CUDA" in proc.stderr, proc.stderr


check("setup: simulate and graphs", setup)
for fn in (outputs_open_in_numpy, same_seed_same_numbers, refuses_to_clobber_a_run,
           killed_run_resumes_bitwise, held_out_edges_choose_the_epoch,
           select_keeps_the_best_held_out_score, embed_reproduces_fit, streamed_fit_is_the_in_memory_fit,
           vgae_and_vgrnn_run, several_sequences_share_one_model,
           bad_inputs_are_one_line_errors):
    check(fn.__name__, fn)
checks.finish()
