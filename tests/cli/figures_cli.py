"""tavrnn figures, checked from the outside on a tiny run (simulate -> graphs
-> fit -> evaluate, and a small compare grid): the manifest lists every
figure; each PNG decodes (Pillow) to an image of sensible size that is not
blank; each SVG is XML holding its title and axis labels; a second run gives
the same PNG bytes; a missing run directory is a one-line error."""
import json
import os
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

from PIL import Image

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "python"))
from tavrnn_testing import Checks, expect_one_line_error, run_tavrnn  # noqa: E402

EXPECTED = {
    # name: strings the SVG must carry (title is checked separately)
    "training_loss": ["epoch", "nats (summed over windows)", "loss", "KL", "NLL"],
    "attention": ["attended state (window index)", "step t (window index)", "attention weight"],
    "connectivity": ["|r|"],
    "unit_embeddings": ["t-SNE 1 (a.u.)", "t-SNE 2 (a.u.)", "unit group"],
    "population_embeddings": ["t-SNE 1 (a.u.)", "t-SNE 2 (a.u.)", "window label"],
    "decoding_accuracy": ["embedding dimension Z", "accuracy (fraction of test windows)", "corr-pca", "vgae"],
    "confusion_matrix": ["predicted label", "true label"],
}


def decode_png(path):
    """(width, height, RGB pixels) of a PNG, decoded by Pillow (Debian's
    python3-pil, a test-only oracle) after checking the signature."""
    assert open(path, "rb").read(8) == b"\x89PNG\r\n\x1a\n", f"{path}: not a PNG signature"
    with Image.open(path) as im:
        assert im.format == "PNG", im.format
        rgb = im.convert("RGB")
        return rgb.width, rgb.height, list(rgb.getdata())


checks = Checks()
tmp = tempfile.mkdtemp(prefix="tavrnn-figures-")
rec, graphs, run, grid = (os.path.join(tmp, n) for n in ("rec.npz", "graphs.npz", "run", "grid"))
run_tavrnn("simulate", "--preset", "small", "--seed", "3", "--out", rec)
run_tavrnn("graphs", rec, "--windows", "sliding:200:200", "--theta", "0.3", "--history-node",
           "--features", "rows", "--out", graphs)
run_tavrnn("--threads", "1", "-q", "fit", graphs, "--out", run, "--epochs", "15", "--seed", "2")
run_tavrnn("--threads", "1", "-q", "evaluate", run, "--seeds", "2")
run_tavrnn("--threads", "1", "-q", "compare", graphs, "--models", "vgae,corr-pca", "--latent", "2,4",
           "--seeds", "2", "--epochs", "3", "--out", grid)

first, second = os.path.join(tmp, "figs1"), os.path.join(tmp, "figs2")
start = time.monotonic()
out = run_tavrnn("--threads", "1", "figures", run, "--compare", grid, "--out", first).stdout
seconds = time.monotonic() - start
print(f"tavrnn figures took {seconds:.1f} s")
manifest = json.load(open(os.path.join(first, "figures.json")))
by_name = {f["name"]: f for f in manifest}


def manifest_lists_every_figure():
    assert set(by_name) == set(EXPECTED), sorted(by_name)
    for f in manifest:
        assert set(f) == {"name", "title", "caption", "png", "svg"}, f
        assert f["png"] == f["name"] + ".png" and f["svg"] == f["name"] + ".svg", f
        assert f["title"] and f["caption"], f
        assert os.path.join(first, f["png"]) in out, f"{f['png']} not printed"


def pngs_are_images_not_blank():
    for f in manifest:
        w, h, pixels = decode_png(os.path.join(first, f["png"]))
        assert 600 <= w <= 2000 and 400 <= h <= 1500, f"{f['name']}: {w}x{h}"
        colours = set(pixels)
        inked = sum(1 for p in pixels if p != (255, 255, 255)) / len(pixels)
        assert len(colours) >= 20, f"{f['name']}: {len(colours)} colours"
        assert 0.01 <= inked <= 0.95, f"{f['name']}: {inked:.3f} of the pixels not white"
        assert pixels[0] == (255, 255, 255), f"{f['name']}: background {pixels[0]}"


def svgs_carry_title_and_labels():
    for f in manifest:
        root = ET.parse(os.path.join(first, f["svg"])).getroot()
        ns = "{http://www.w3.org/2000/svg}"
        assert root.tag == ns + "svg", root.tag
        assert root.find(ns + "title").text == f["title"], f["name"]
        desc = root.find(ns + "desc").text
        for s in EXPECTED[f["name"]]:
            assert s in desc, f"{f['name']}: {s!r} not in the SVG"


def titles_say_what_they_show():
    assert "coloured by unit group" in by_name["unit_embeddings"]["title"]
    assert " vs " in by_name["unit_embeddings"]["title"]
    assert "units ordered by group" in by_name["connectivity"]["title"]


def same_inputs_same_bytes():
    run_tavrnn("--threads", "1", "figures", run, "--compare", grid, "--out", second)
    for f in manifest:
        a = open(os.path.join(first, f["png"]), "rb").read()
        b = open(os.path.join(second, f["png"]), "rb").read()
        assert a == b, f"{f['png']} differs between two runs"
    assert open(os.path.join(first, "figures.json")).read() == open(os.path.join(second, "figures.json")).read()


def absent_inputs_are_skipped():
    # Without --compare (and none in RUN) the accuracy figure is left out.
    third = os.path.join(tmp, "figs3")
    run_tavrnn("figures", run, "--out", third, "--windows", "0,1", "--matrix", "A", "--population", "pca")
    names = {f["name"] for f in json.load(open(os.path.join(third, "figures.json")))}
    assert names == set(EXPECTED) - {"decoding_accuracy"}, sorted(names)


def missing_run_is_one_line_error():
    missing = os.path.join(tmp, "no-such-run")
    expect_one_line_error(["figures", missing], [missing])


for name, fn in [("the manifest lists every figure, paths relative", manifest_lists_every_figure),
                 ("each PNG decodes, has a sensible size and is not blank", pngs_are_images_not_blank),
                 ("each SVG is XML with its title and axis labels", svgs_carry_title_and_labels),
                 ("titles say what the figures show", titles_say_what_they_show),
                 ("same inputs and seed give the same PNG bytes", same_inputs_same_bytes),
                 ("absent inputs skip their figure; --windows/--matrix/--population work", absent_inputs_are_skipped),
                 ("a missing run directory: one-line error naming it, exit 1", missing_run_is_one_line_error)]:
    checks.check(name, fn)
checks.finish()
