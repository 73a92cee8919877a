"""tavrnn report, checked in a browser: a small run (simulate, graphs, fit,
evaluate) and a hand-made figure manifest become report.html, which headless
Chromium opens offline. The page must run without script errors, build every
Chart.js chart, show every section (decoding first, settings last) and both
figures, draw colours (the screenshot is decoded with PIL), reference
nothing on the network, and keep hostile names inert. Bad inputs give
one-line errors naming the file."""
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib

from PIL import Image

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "python"))
from tavrnn_testing import Checks, expect_one_line_error, run_tavrnn  # noqa: E402

CHROMIUM = os.environ.get("TAVRNN_CHROMIUM", "/usr/bin/chromium")
HOSTILE = "</script><script>window.pwned=1</script> & \"q\" <b>"

checks = Checks()
tmp = tempfile.mkdtemp(prefix="tavrnn-report-")
rec, graphs, run, figs = (os.path.join(tmp, n) for n in ("rec.npz", "graphs.npz", "run", "figs"))
run_tavrnn("simulate", "--preset", "small", "--seed", "3", "--out", rec)
run_tavrnn("graphs", rec, "--windows", "sliding:200:200", "--theta", "0.3", "--history-node",
           "--features", "rows", "--out", graphs)
run_tavrnn("--threads", "1", "-q", "fit", graphs, "--out", run, "--epochs", "20", "--seed", "2")
run_tavrnn("--threads", "1", "evaluate", run, "--seeds", "2")


def png_bytes(width, height):
    """A valid RGB PNG of a colour gradient, written with zlib and struct."""
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    rows = b"".join(b"\x00" + bytes(v for x in range(width) for v in (x * 255 // width, y * 255 // height, 128))
                    for y in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


os.makedirs(figs)
with open(os.path.join(figs, "gradient.png"), "wb") as f:
    f.write(png_bytes(64, 32))
with open(os.path.join(figs, "circle.svg"), "w") as f:
    f.write('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
            '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100" viewBox="0 0 200 100">'
            '<defs><clipPath id="clip"><rect width="150" height="100"/></clipPath></defs>'
            '<g clip-path="url(#clip)"><circle id="dot" cx="100" cy="50" r="40" fill="#0072B2"/></g>'
            '<text x="10" y="95">svg figure</text></svg>\n')
with open(os.path.join(figs, "figures.json"), "w") as f:
    json.dump([{"name": "circle", "title": "An SVG figure", "caption": "a circle", "svg": "circle.svg"},
               {"name": "gradient", "title": HOSTILE, "caption": "caption " + HOSTILE, "png": "gradient.png"}], f)

started = time.monotonic()
out = run_tavrnn("--threads", "1", "report", run, "--figures", figs).stdout
seconds = time.monotonic() - started
page = os.path.join(run, "report.html")
html = open(page, encoding="utf-8").read()
print(f"report: {len(html) / 1e3:.1f} kB in {seconds:.1f} s ({out.strip()})")


def chromium(*args, timeout=90):
    profile = tempfile.mkdtemp(prefix="profile-", dir=tmp)
    return subprocess.run([CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                           "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                           f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
                           "--virtual-time-budget=5000", *args, "file://" + page],
                          capture_output=True, text=True, timeout=timeout)


dom_run = chromium("--dump-dom")
dom = dom_run.stdout
shot = os.path.join(tmp, "shot.png")
shot_run = chromium("--window-size=1280,6000", f"--screenshot={shot}")


def console_messages(stderr):
    # Chromium's own dbus/GPU warnings are not the page's; only console lines
    # count. Chromium logs console.error at INFO level like console.log, and
    # the page logs nothing when all is well, so every console line fails.
    return [line for line in stderr.splitlines() if "CONSOLE" in line]


def written_and_printed():
    assert out.startswith(page) and "kB" in out, out
    assert len(html) < 5e6, f"{len(html)} bytes"


def no_network_references():
    refs = re.findall(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", html, re.I)
    assert not refs, refs
    assert "<link" not in html.lower(), "a <link> element"
    assert not re.search(r"<script[^>]+src\s*=", html, re.I), "an external script"


def data_block_matches_run():
    block = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', html, re.S).group(1)
    data = json.loads(block)
    assert len(data["windows"]) == 30 and len(data["population"]["x"]) == 30
    assert 1 <= len(data["unit_maps"]) <= 12 and all(len(m["x"]) == 32 for m in data["unit_maps"])
    assert len(data["training"]["epoch"]) == 20
    assert data["groups"]["colours"][0].lower() == "#e69f00", data["groups"]["colours"]  # as the figures


def hostile_names_inert():
    assert "&lt;/script&gt;&lt;script&gt;window.pwned=1&lt;/script&gt;" in html
    assert "<script>window.pwned" not in html and "<script>window.pwned" not in dom


def page_ran_without_errors():
    assert dom_run.returncode == 0, dom_run.stderr[-2000:]
    errors = console_messages(dom_run.stderr) + console_messages(shot_run.stderr)
    assert not errors, errors
    body = re.search(r"<body[^>]*>", dom).group(0)
    assert "data-errors" not in body, body
    assert 'data-report="ready"' in body, body


def sections_present():
    for section in ("decoding", "embeddings", "attention", "metrics", "training", "windows", "figures", "settings"):
        assert f'<section id="{section}">' in dom, section
    for text in ("Graph settings", "Trainer", "Versions", "accuracy_score", "± ", "Clustering",
                 "Unit groups", "Graph reconstruction", 'id="attention-heatmap"'):
        assert text in dom, text


def sections_in_reading_order():
    # What a reader looks for first: decoding beside its shuffled-label
    # control, the population map, the attention map; the settings last.
    def at(pattern):
        match = re.search(pattern, dom)
        assert match, pattern
        return match.start()
    order = [("decoding section", r'<section id="decoding">'),
             ("shuffled-label control", r", shuffled labels</th>"),
             ("population map", r'<canvas[^>]*id="population-chart"'),
             ("attention map", r'id="attention-heatmap"'),
             ("metrics section", r'<section id="metrics">'),
             ("settings section", r'<section id="settings">'),
             ("graph settings table", r"<h3>Graph settings</h3>")]
    positions = [(name, at(pattern)) for name, pattern in order]
    for (first, i), (then, j) in zip(positions, positions[1:]):
        assert i < j, f"{first} (at {i}) is not before {then} (at {j})"
    sections = re.findall(r'<section id="([^"]+)">', dom)
    assert sections[0] == "decoding", sections
    assert sections[-1] == "settings" or sections[-2:] == ["settings", "notes"], sections
    nav = re.findall(r'<a href="#([^"]+)">', re.search(r"<nav>.*?</nav>", dom, re.S).group(0))
    assert nav == [s for s in sections if s != "notes"], (nav, sections)


def charts_built():
    for canvas in ("training-chart", "population-chart", "units-chart"):
        tag = re.search(rf'<canvas[^>]*id="{canvas}"[^>]*>', dom)
        assert tag and 'data-chart="ready"' in tag.group(0), (canvas, tag and tag.group(0))
    assert 'data-charts="3"' in dom
    options = re.findall(r"<option value=", dom)
    assert len(options) == 12, len(options)


def figures_embedded():
    svg = re.search(r'<figure id="figure-0".*?</figure>', dom, re.S).group(0)
    assert "<svg" in svg and "<?xml" not in svg and "DOCTYPE" not in svg and 'id="fig0-dot"' in svg, svg[:300]
    png = re.search(r'<figure id="figure-1".*?</figure>', dom, re.S).group(0)
    assert 'src="data:image/png;base64,' in png, png[:300]
    assert "caption &lt;/script&gt;" in png


def screenshot_not_blank():
    assert shot_run.returncode == 0 and os.path.exists(shot), shot_run.stderr[-2000:]
    img = Image.open(shot).convert("RGB")
    counts = img.getcolors(maxcolors=1 << 24)  # [(pixels, (r, g, b))], one entry per colour
    total = img.width * img.height
    non_white = sum(n for n, c in counts if c != (255, 255, 255)) / total
    assert len(counts) > 200 and non_white > 0.03, f"{len(counts)} colours, {non_white:.3f} non-white"

    # The charts' points (Okabe-Ito orange and sky blue) and the heatmap must be drawn.
    def near(target):
        return sum(n for n, c in counts if sum(abs(a - b) for a, b in zip(c, target)) < 40)
    for name, rgb in (("orange", (0xE6, 0x9F, 0x00)), ("sky blue", (0x56, 0xB4, 0xE9)),
                      ("viridis purple", (68, 1, 84))):
        assert near(rgb) > 100, f"{name}: {near(rgb)} pixels"


for name, fn in [("report written, path and size printed, under 5 MB", written_and_printed),
                 ("no network references", no_network_references),
                 ("the JSON data block holds the run's windows, maps and curve", data_block_matches_run),
                 ("hostile figure names are escaped", hostile_names_inert),
                 ("Chromium runs the page without console or recorded errors", page_ran_without_errors),
                 ("every section is in the DOM", sections_present),
                 ("decoding, population map and attention open the page, settings close it",
                  sections_in_reading_order),
                 ("every Chart.js chart is built", charts_built),
                 ("SVG figure inlined without prologue, PNG as data URI", figures_embedded),
                 ("the screenshot shows the charts' colours", screenshot_not_blank)]:
    checks.check(name, fn)

# Bad inputs: one line on stderr naming the file, exit 1.
bad = os.path.join(tmp, "bad")
shutil.copytree(run, bad)
with open(os.path.join(bad, "metrics.json"), "w") as f:
    f.write('{"model": ')
empty = os.path.join(tmp, "empty")
os.makedirs(empty)
badfigs = os.path.join(tmp, "badfigs")
os.makedirs(badfigs)
with open(os.path.join(badfigs, "figures.json"), "w") as f:
    f.write('[{"name": "x", "png": "missing.png"}]')
for name, args, words in [
        ("missing run directory", [os.path.join(tmp, "nope")], ["nope", "not found"]),
        ("run without embeddings.npz", [empty], ["embeddings.npz"]),
        ("corrupt metrics.json", [bad], ["metrics.json", "expected JSON"]),
        ("manifest naming a missing image", [run, "--figures", badfigs, "--out", os.path.join(tmp, "x.html")],
         ["figures.json", "missing.png"]),
        ("missing Chart.js", [run, "--chartjs", os.path.join(tmp, "chart.js")], ["chart.js", "libjs-chart.js"])]:
    checks.check(f"{name}: one-line error naming the file",
                 lambda args=args, words=words: expect_one_line_error(["report", *args], words))


def failed_report_writes_nothing():
    assert not os.path.exists(os.path.join(tmp, "x.html"))
    assert not [n for n in os.listdir(tmp) if n.startswith("x.html")], os.listdir(tmp)


checks.check("a failed report leaves no file behind", failed_report_writes_nothing)
checks.finish()
