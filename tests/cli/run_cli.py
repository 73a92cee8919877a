"""`tavrnn run CONFIG.toml` as a user runs it: every stage's outputs, stages
skipped when up to date and rerun when a setting or an input changes, a run
killed inside fit resumed to the numbers of an uninterrupted one, inputs
found relative to the config, and one-line errors for bad configs."""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from tavrnn_testing import Checks, expect_one_line_error, run_tavrnn  # noqa: E402

checks = Checks()
check = checks.check

CLI = os.environ["TAVRNN_CLI"]
# Every file this test writes goes under here (a config's relative `out` is
# taken from the working directory, which under ctest is the build tree).
workdir = tempfile.TemporaryDirectory(prefix="tavrnn-run-cli-")
tmp = workdir.name


def path(*p):
    return os.path.join(tmp, *p)


def write(name, text):
    os.makedirs(os.path.dirname(path(name)), exist_ok=True)
    with open(path(name), "w") as f:
        f.write(text)
    return path(name)


def run(*args, expect=0):
    # One thread: runs are compared bitwise, which holds per thread count.
    return run_tavrnn("--threads", "1", "run", *args, expect=expect, timeout=600)


SIMULATED = """
out = "unused"   # --out wins
seed = 4

[simulate]
preset = "small"

[graphs]
windows = "sliding:200:100"
theta = 0.3
history-node = true
features = "rows"

[fit]
epochs = 8
checkpoint-every = 1

[evaluate]
folds = 3
"""
CONFIG = write("configs/small.toml", SIMULATED)


def stage_lines(proc):
    return [l for l in proc.stdout.splitlines() if l.startswith("== [")]


def record(out):
    return json.load(open(os.path.join(out, "run.json")))


def hashes(out):
    return {k: v["outputs"] for k, v in record(out)["stages"].items()}


def whole_pipeline():
    proc = run(CONFIG, "--out", path("a"))
    for f in ("recording.npz", "ground_truth.json", "graphs.npz", "fit/model.pt", "fit/embeddings.npz",
              "fit/training_log.csv", "fit/run.json", "fit/metrics.json", "figures/figures.json", "report.html", "run.json"):
        assert os.path.isfile(path("a", f)), f"missing {f}"
    r = record(path("a"))
    assert set(r["stages"]) == {"simulate", "graphs", "fit", "evaluate", "figures", "report"}, r["stages"].keys()
    assert all(s["status"] == "finished" for s in r["stages"].values())
    assert r["config"]["sha256"] and r["versions"]
    e = np.load(path("a", "fit", "embeddings.npz"))
    log = open(path("a", "fit", "training_log.csv")).read().splitlines()
    assert len(log) == 1 + 8, f"{len(log) - 1} epochs logged, expected 8"
    assert e["mu"].shape[0] == json.load(open(path("a", "fit", "metrics.json")))["windows"]
    # the seed reached every stage: simulate --seed 4 gives the same recording by hand
    run_tavrnn("simulate", "--preset", "small", "--seed", "4", "--out", path("by_hand.npz"))
    assert open(path("by_hand.npz"), "rb").read() == open(path("a", "recording.npz"), "rb").read()
    assert "decoding accuracy" in proc.stdout and "run.json" in proc.stdout
    assert "report: " + path("a", "report.html") in proc.stdout
    assert b"<html" in open(path("a", "report.html"), "rb").read(2000)


def rerun_skips_everything():
    before = hashes(path("a"))
    mtime = os.path.getmtime(path("a", "fit", "model.pt"))
    proc = run(CONFIG, "--out", path("a"))
    lines = stage_lines(proc)
    assert len(lines) == 6 and all("up to date, skipped" in l for l in lines), lines
    assert hashes(path("a")) == before
    assert os.path.getmtime(path("a", "fit", "model.pt")) == mtime


def changed_setting_reruns_downstream_only():
    proc = run(CONFIG, "--out", path("a"), "--set", "fit.epochs=9")
    lines = stage_lines(proc)
    assert [("skipped" in l) for l in lines] == [True, True, False, False, False, False], lines
    log = open(path("a", "fit", "training_log.csv")).read().splitlines()
    assert len(log) == 1 + 9


def deleted_figure_redraws_figures_only():
    manifest = json.load(open(path("a", "figures", "figures.json")))
    assert len(manifest) >= 5, manifest
    os.remove(path("a", "figures", manifest[0]["png"]))
    lines = stage_lines(run(CONFIG, "--out", path("a"), "--set", "fit.epochs=9"))
    # the same bytes come back, so the report stays up to date
    assert [("skipped" in l) for l in lines] == [True, True, True, True, False, True], lines
    assert os.path.isfile(path("a", "figures", manifest[0]["png"]))


def damaged_output_reruns_its_stage():
    with open(path("a", "graphs.npz"), "ab") as f:
        f.write(b"x")
    lines = stage_lines(run(CONFIG, "--out", path("a"), "--set", "fit.epochs=9"))
    # graphs rebuilt with the same bytes: fit, evaluate and report stay valid
    assert [("skipped" in l) for l in lines] == [True, False, True, True, True, True], lines


def compare_stage_runs_the_grid_on_the_runs_recording():
    grid = ["--set", "fit.epochs=9", "--set", "compare.models=rates,corr-pca,vgae", "--set", "compare.latent=2",
            "--set", "compare.seeds=1", "--set", "compare.epochs=2"]
    lines = stage_lines(run(CONFIG, "--out", path("a"), *grid))
    assert [("skipped" in l) for l in lines] == [True, True, True, True, False, False, False], lines
    rows = open(path("a", "compare", "results.csv")).read()
    for model in ("rates", "corr-pca", "vgae"):
        assert f"\n{model},2,4," in rows, f"no {model} z=2 seed 4 rows"
    lines = stage_lines(run(CONFIG, "--out", path("a"), *grid))
    assert all("skipped" in l for l in lines), lines


def killed_fit_resumes():
    common = ["--set", "fit.epochs=300"]
    run(CONFIG, "--out", path("whole"), *common)
    proc = subprocess.Popen([CLI, "--threads", "1", "run", CONFIG, "--out", path("killed"), *common],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ckpt = path("killed", "fit", "model.pt")
    deadline = time.time() + 300
    while not os.path.exists(ckpt) and time.time() < deadline and proc.poll() is None:
        time.sleep(0.005)
    time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, f"the run ended before it was killed ({proc.returncode})"
    r = record(path("killed"))
    assert r["stages"]["fit"]["status"] == "started", r["stages"]["fit"]
    assert "evaluate" not in r["stages"]
    assert not os.path.exists(path("killed", "fit", "embeddings.npz"))
    lines = stage_lines(run(CONFIG, "--out", path("killed"), *common))
    assert [("skipped" in l) for l in lines] == [True, True, False, False, False, False], lines
    a = np.load(path("whole", "fit", "embeddings.npz"))
    b = np.load(path("killed", "fit", "embeddings.npz"))
    for key in ("mu", "sigma", "attention"):
        assert np.array_equal(a[key], b[key]), f"{key} differs after the resumed run"
    assert json.load(open(path("killed", "fit", "run.json")))["resumed"] is True


def recording_relative_to_config():
    run_tavrnn("simulate", "--preset", "small", "--seed", "2", "--out", path("data", "rec.npz"))
    cfg = write("configs/nested/real.toml", """
out = "%s"
[recording]
path = "../../data/rec.npz"
[graphs]
windows = "sliding:200:100"
features = "rows"
[fit]
epochs = 3
""" % path("b"))
    # a working directory from which ../../data/rec.npz names nothing
    elsewhere = path("cwd", "a", "b")
    os.makedirs(elsewhere)
    proc = subprocess.run([CLI, "--threads", "1", "run", cfg], capture_output=True, text=True,
                          cwd=elsewhere, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert os.path.isfile(path("b", "fit", "metrics.json"))
    assert not os.path.exists(path("b", "recording.npz")), "a read recording is not copied"
    assert record(path("b"))["stages"]["graphs"]["arguments"][0] == path("data", "rec.npz")


def bad_configs_say_what_and_where():
    # Some configs fail only after a stage has written into `out`.
    out = path("bad-out")
    cases = [
        ("[graphs\n", ["bad1.toml", "line 1"]),
        ("out='{out}'\n[simulate]\npreset='small'\n[grpahs]\n", ["bad2.toml", "[grpahs]", "sections:"]),
        ("out='{out}'\n[simulate]\npreset='small'\n[graphs]\nwindows='sliding:200:100'\nthetta = 0.3\n", ["bad3.toml", "[graphs] thetta", "unknown key"]),
        ("out='{out}'\n[graphs]\ntheta = 0.3\n", ["bad4.toml", "[simulate]", "[recording]", "neither"]),
        ("[simulate]\npreset='small'\n", ["bad5.toml", "no output folder"]),
        ("out='{out}'\n[recording]\npath='nope.npz'\n", ["bad6.toml", "nope.npz", "does not exist"]),
        ("out='{out}'\n[simulate]\npreset='small'\n[fit]\nout='elsewhere'\n", ["bad7.toml", "[fit] out"]),
        ("out='{out}'\n[simulate]\npreset='small'\n[fit]\nepochs={a=1}\n", ["bad8.toml", "[fit] epochs", "table"]),
    ]
    for i, (text, needles) in enumerate(cases, 1):
        cfg = write(f"bad/bad{i}.toml", text.replace("{out}", out))
        expect_one_line_error(["run", cfg], needles)
    expect_one_line_error(["run", path("bad", "missing.toml")], ["missing.toml", "no such file"])
    expect_one_line_error(["run", CONFIG, "--out", path("c"), "--set", "noequals"], ["--set noequals"])
    # an output folder that holds something else's run.json is not reused
    write("other/run.json", '{"command": "fit"}')
    expect_one_line_error(["run", CONFIG, "--out", path("other")], ["run.json", "not a `tavrnn run` record"])


SEVERAL = """
seed = 3

[simulate]
preset = "dishbrain-like"
animals = 3
units = 30

[graphs]
windows = "sliding:2min:1min"
theta = 0.6
history-node = true
features = "descriptors"

[fit]
epochs = 4
separate = true

[evaluate]
folds = 3
"""


def several_recordings_one_model():
    config = write("configs/several.toml", SEVERAL)
    proc = run(config, "--out", path("study"))
    names = ("animal1", "animal2", "animal3")
    r = record(path("study"))
    assert set(r["stages"]) == {"simulate", "graphs", "fit", "evaluate"}, r["stages"].keys()
    for n in names:
        for f in (f"recordings/{n}.npz", f"graphs/{n}.npz", f"fit/embeddings/{n}.npz", f"fit/separate/{n}/model.pt"):
            assert os.path.isfile(path("study", f)), f"missing {f}"
    metrics = json.load(open(path("study", "fit", "metrics.json")))
    assert set(metrics["sequences"]) == set(names), metrics.keys()
    assert "leave-one-recording-out decoding, shared model" in proc.stdout, proc.stdout
    assert "report:" not in proc.stdout, proc.stdout
    # The stages are the commands: by hand, the same bytes.
    run_tavrnn("simulate", "--preset", "dishbrain-like", "--animals", "3", "--units", "30", "--seed", "3", "--out",
               path("study_by_hand", "recordings"))
    for n in names:
        run_tavrnn("graphs", path("study_by_hand", "recordings", f"{n}.npz"), "--windows", "sliding:2min:1min",
                   "--theta", "0.6", "--history-node", "--features", "descriptors", "--seed", "3",
                   "--out", path("study_by_hand", "graphs", f"{n}.npz"))
    run_tavrnn("--threads", "1", "fit", *(path("study_by_hand", "graphs", f"{n}.npz") for n in names), "--epochs", "4",
               "--seed", "3", "--out", path("study_by_hand", "fit"))
    for n in names:
        a = np.load(path("study", "fit", "embeddings", f"{n}.npz"))
        b = np.load(path("study_by_hand", "fit", "embeddings", f"{n}.npz"))
        assert np.array_equal(a["mu"], b["mu"]), n
    proc = run(config, "--out", path("study"))
    assert all("up to date" in l for l in stage_lines(proc)), stage_lines(proc)
    # Your own files: paths relative to the config, names given.
    listed = write("study_files/files.toml", f"""
out = "{path('study_files', 'out')}"
[recording]
paths = ["../study/recordings/animal1.npz", "../study/recordings/animal2.npz"]
names = ["first", "second"]
[graphs]
windows = "sliding:2min:1min"
features = "descriptors"
[fit]
epochs = 2
""")
    run(listed)
    for n in ("first", "second"):
        assert os.path.isfile(path("study_files", "out", "fit", "embeddings", f"{n}.npz")), n
    bad = write("study_files/bad.toml", SEVERAL + "[report]\n")
    expect_one_line_error(["run", bad, "--out", path("study_bad")], ["[report]", "several recordings"])
    bad = write("study_files/bad2.toml", SEVERAL.replace("animals = 3", "animals = 1"))
    expect_one_line_error(["run", bad, "--out", path("study_bad2")], ["[fit] separate", "unknown key"])


check("the whole pipeline writes every stage's outputs and run.json", whole_pipeline)
check("a rerun skips every stage and touches nothing", rerun_skips_everything)
check("a changed fit setting reruns fit and evaluate only", changed_setting_reruns_downstream_only)
check("a deleted figure redraws the figures, identical bytes keep the report", deleted_figure_redraws_figures_only)
check("a damaged output reruns its stage; identical bytes keep later stages", damaged_output_reruns_its_stage)
check("[compare] runs the grid with the run's graphs and recording", compare_stage_runs_the_grid_on_the_runs_recording)
check("a run killed inside fit resumes to the uninterrupted numbers", killed_fit_resumes)
check("[recording] path is relative to the config, from any folder", recording_relative_to_config)
check("bad configs: one line naming the file and the key", bad_configs_say_what_and_where)
check("several recordings: simulated animals or listed files, one model, the commands' bytes",
      several_recordings_one_model)
workdir.cleanup()
checks.finish()
