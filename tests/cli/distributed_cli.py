"""Data-parallel training as a user runs it (docs/distributed.md): `tavrnn
launch -n 2` and `-n 3` against one process on the same three simulated
animals in float64; a rank killed with SIGKILL mid-run makes the others stop
with a clear error, and the run resumes from its checkpoint on another
number of ranks; a rank that cannot reach the store fails within its
timeout."""
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


def check(name, ok, detail=""):
    def verdict():
        if not ok:
            raise AssertionError(str(detail)[:2000])
    checks.check(name, verdict)


tmp = tempfile.mkdtemp(prefix="tavrnn-distributed-cli-")
ANIMALS = ("animal1", "animal2", "animal3")
EPOCHS = "24"


def path(*p):
    return os.path.join(tmp, *p)


def run(*args, expect=0):
    return run_tavrnn(*args, expect=expect, timeout=600)


def fit_arguments(out, epochs=EPOCHS):
    return ["fit", *(path("graphs", f"{n}.npz") for n in ANIMALS), "--out", out, "--dtype", "float64",
            "--epochs", epochs, "--seed", "3", "--early-stopping", "0", "--checkpoint-every", "2", "--latent", "4",
            "--hidden", "16"]


def setup():
    run("simulate", "--preset", "hippocampus-like", "--animals", "3", "--units", "30", "--duration", "200",
        "--seed", "2", "--out", path("animals"))
    for name in ANIMALS:
        run("graphs", path("animals", f"{name}.npz"), "--windows", "sliding:2s:2s", "--features", "descriptors",
            "--history-node", "--theta", "0.3", "--out", path("graphs", f"{name}.npz"))
    run("--threads", "1", *fit_arguments(path("single")))


def largest_relative_difference(run_a, run_b):
    worst = 0.0
    for name in ANIMALS:
        a = np.load(os.path.join(run_a, "embeddings", f"{name}.npz"))
        b = np.load(os.path.join(run_b, "embeddings", f"{name}.npz"))
        for key in ("mu", "sigma", "population_history"):
            worst = max(worst, float(np.abs(a[key] - b[key]).max() / np.abs(b[key]).max()))
    return worst


def log_losses(run_dir):
    rows = np.genfromtxt(os.path.join(run_dir, "training_log.csv"), delimiter=",", names=True)
    return rows["loss"]


def launched_ranks_equal_one_process():
    for ranks in ("2", "3"):
        out = path(f"ranks{ranks}")
        proc = run("launch", "-n", ranks, "--", *fit_arguments(out))
        check(f"launch -n {ranks}: rank 0 reports the run", "trained one tavrnn on 3 sequences" in proc.stdout,
              proc.stdout)
        check(f"launch -n {ranks}: the other ranks report their share", "rank 1 of " + ranks in proc.stdout, proc.stdout)
        difference = largest_relative_difference(out, path("single"))
        print(f"launch -n {ranks}: embeddings' largest relative difference from one process {difference:.3g}")
        check(f"launch -n {ranks}: embeddings equal one process's to 1e-9", difference < 1e-9, difference)
        losses, alone = log_losses(out), log_losses(path("single"))
        check(f"launch -n {ranks}: the same losses", losses.shape == alone.shape and
              np.allclose(losses, alone, rtol=1e-10, atol=0), (losses[:3], alone[:3]))
        check(f"launch -n {ranks}: rank 0 alone wrote the run folder",
              sorted(os.listdir(out)) == ["embeddings", "model.pt", "run.json", "training_log.csv"],
              os.listdir(out))


def two_machines_on_loopback():
    """--nnodes 2: two launch commands of one rank each, one per "machine", meeting at one port."""
    out = path("machines")
    port = str(free_port())
    common = ["--nnodes", "2", "--master-addr", "127.0.0.1", "--master-port", port]
    machine1 = subprocess.Popen([os.environ["TAVRNN_CLI"], "launch", "-n", "1", *common, "--node-rank", "1", "--",
                                 *fit_arguments(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    proc = run("launch", "-n", "1", *common, "--node-rank", "0", "--", *fit_arguments(out))
    stdout, stderr = machine1.communicate(timeout=300)
    check("two machines: machine 1's rank took part", machine1.returncode == 0 and "rank 1 of 2" in stdout,
          stdout + stderr)
    difference = largest_relative_difference(out, path("single"))
    print(f"--nnodes 2 (1 + 1 ranks): embeddings' largest relative difference from one process {difference:.3g}")
    check("two machines: embeddings equal one process's to 1e-9", difference < 1e-9, (difference, proc.stderr))


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children_of(pid):
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                parent = int(f.read().rsplit(")", 1)[1].split()[1])
            if parent != pid:
                continue
            with open(f"/proc/{entry}/environ", "rb") as f:
                env = dict(item.split(b"=", 1) for item in f.read().split(b"\0") if b"=" in item)
            found[int(env[b"RANK"])] = int(entry)
        except (OSError, ValueError, KeyError, IndexError):
            continue
    return found


def killed_rank_stops_the_others_and_the_run_resumes_on_three():
    out = path("killed")
    launch = subprocess.Popen([os.environ["TAVRNN_CLI"], "launch", "-n", "2", "--grace", "60", "--",
                               *fit_arguments(out), "--dist-timeout", "20"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    checkpoint = os.path.join(out, "model.pt")
    deadline = time.time() + 300
    while not os.path.exists(checkpoint) and time.time() < deadline and launch.poll() is None:
        time.sleep(0.05)
    ranks = children_of(launch.pid)
    check("killed: both ranks running when the first checkpoint appears", sorted(ranks) == [0, 1] and
          launch.poll() is None, ranks)
    if sorted(ranks) != [0, 1]:
        launch.kill()
        return
    os.kill(ranks[1], signal.SIGKILL)
    killed_at = time.time()
    stdout, stderr = launch.communicate(timeout=120)
    waited = time.time() - killed_at
    print(f"killed rank 1: launch ended {waited:.1f} s later, exit {launch.returncode}")
    check("killed: launch fails", launch.returncode != 0, launch.returncode)
    check("killed: within the rank's timeout (20 s), not the launch's grace (60 s)", waited < 20, waited)
    check("killed: launch names the killed rank and its signal", "rank 1 (pid" in stderr and "signal 9" in stderr,
          stderr)
    check("killed: rank 0 stops with a clear error of its own", "rank 0 of 2:" in stderr and "failed" in stderr and
          "tavrnn: error:" in stderr, stderr)
    check("killed: no outputs that look finished", not os.path.exists(os.path.join(out, "run.json")),
          os.listdir(out))
    proc = run("launch", "-n", "3", "--", *fit_arguments(out), "--resume")
    check("killed: resumed on three ranks", "trained one tavrnn on 3 sequences" in proc.stdout, proc.stdout)
    difference = largest_relative_difference(out, path("single"))
    print(f"killed on 2 ranks, resumed on 3: embeddings' largest relative difference {difference:.3g}")
    check("killed: resumed on three ranks ends as one process uninterrupted", difference < 1e-9, difference)


def unreachable_store_is_a_clear_error():
    proc = run("fit", path("graphs", "animal1.npz"), path("graphs", "animal2.npz"), "--out", path("lonely"),
               "--world-size", "2", "--rank", "1", "--master-port", "1", "--dist-timeout", "2", expect=1)
    check("unreachable: says which store it could not reach",
          "cannot reach the rendezvous store at 127.0.0.1:1" in proc.stderr, proc.stderr)
    check("unreachable: wrote nothing", not os.path.exists(path("lonely")), os.listdir(tmp))
    proc = run("launch", "-n", "4", "--", *fit_arguments(path("too-many")), expect=1)
    check("four ranks for three sequences: a clear error", "at least as many sequences" in proc.stderr, proc.stderr)


setup()
launched_ranks_equal_one_process()
two_machines_on_loopback()
killed_rank_stops_the_others_and_the_run_resumes_on_three()
unreachable_store_is_a_clear_error()
checks.finish()
