"""examples/scorecard.sh on the smallest data set, into temporary folders:
the table it writes between the markers of a copy of docs/real-data.md is
recomputed from the grid's results.csv and the readouts' metrics files;
the rest of the document is left as it was; a rerun reuses every cell."""
import csv
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from tavrnn_testing import Checks  # noqa: E402

checks = Checks()
check = checks.check

root = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
script = os.path.join(root, "examples", "scorecard.sh")
tmp = tempfile.mkdtemp(prefix="tavrnn-scorecard-")
out = os.path.join(tmp, "sc")
doc = os.path.join(tmp, "real-data.md")
shutil.copy(os.path.join(root, "docs", "real-data.md"), doc)
env = dict(os.environ, TAVRNN=os.environ["TAVRNN_CLI"])


def run_scorecard():
    return subprocess.run(["bash", script, "--only", "small-states", "--seeds", "2", "--out", out, "--doc", doc],
                          env=env, capture_output=True, text=True, timeout=900)


def table_matches_the_grid():
    before = open(doc).read()
    proc = run_scorecard()
    assert proc.returncode == 0, proc.stderr[-2000:]
    after = open(doc).read()
    begin, end = "<!-- scorecard:begin -->", "<!-- scorecard:end -->"
    assert before.split(begin)[0] == after.split(begin)[0] and before.split(end)[1] == after.split(end)[1]
    table = after.split(begin)[1].split(end)[0]
    assert table == "\n" + open(os.path.join(out, "scorecard.md")).read()
    values = {}
    for row in csv.DictReader(open(os.path.join(out, "small-states", "compare", "results.csv"))):
        values.setdefault((row["model"], row["metric"]), []).append(float(row["value"]))
    for model in ("tavrnn", "vgrnn", "vgae", "pca-activity", "corr-pca", "rates"):
        acc = values[(model, "decoding.logistic_regression.accuracy_score")]
        assert len(acc) == 2, (model, acc)
        expected = f"| {model} | {statistics.mean(acc):.3f} +- {statistics.stdev(acc):.3f} |"
        assert expected in table, (expected, table)
    aligned = [json.load(open(os.path.join(out, "small-states", "compare", "cells", "tavrnn", "z8", f"seed{s}",
                                           "readout-aligned.json")))
               ["decoding"]["logistic_regression"]["scores"]["accuracy_score"]["mean"] for s in (1, 2)]
    assert f"`--population aligned` (same fits) | {statistics.mean(aligned):.3f}" in table
    t = statistics.mean(values[("tavrnn", "decoding.logistic_regression.accuracy_score")])
    c = statistics.mean(values[("corr-pca", "decoding.logistic_regression.accuracy_score")])
    verdict = re.search(r"\| small-states \| ([0-9.]+) \| ([0-9.]+) \| (yes|no) ", table)
    assert verdict and verdict.group(1) == f"{t:.3f}" and verdict.group(2) == f"{c:.3f}"
    assert verdict.group(3) == ("yes" if t >= c else "no")
    assert "OpenBLAS" in table, "the BLAS kernel is recorded with the table"


def rerun_reuses_the_cells():
    cell = os.path.join(out, "small-states", "compare", "cells", "tavrnn", "z8", "seed1")
    stamps = {f: os.stat(os.path.join(cell, f)).st_mtime_ns for f in ("metrics.json", "model.pt")}
    proc = run_scorecard()
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert {f: os.stat(os.path.join(cell, f)).st_mtime_ns for f in stamps} == stamps, "a finished cell was rerun"


def a_doc_without_markers_is_an_error():
    plain = os.path.join(tmp, "plain.md")
    open(plain, "w").write("# no markers\n")
    proc = subprocess.run(["bash", script, "--only", "small-states", "--seeds", "2", "--out", out, "--doc", plain],
                          env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode != 0 and "markers" in proc.stderr, proc.stderr[-500:]
    assert open(plain).read() == "# no markers\n"


for fn in (table_matches_the_grid, rerun_reuses_the_cells, a_doc_without_markers_is_an_error):
    check(fn.__name__, fn)
shutil.rmtree(tmp, ignore_errors=True)
checks.finish()
