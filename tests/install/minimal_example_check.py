"""tavrnn as a dependency: install the build into a temporary prefix, build
examples/cpp/minimal.cpp against it with find_package(tavrnn) (nothing from
the source or build tree on its include or link path), run it, and check the
decoding accuracy it prints. Usage: minimal_example_check.py SOURCE_DIR BUILD_DIR"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from tavrnn_testing import Checks  # noqa: E402

source, build = sys.argv[1], sys.argv[2]
checks = Checks()
workdir = tempfile.TemporaryDirectory(prefix="tavrnn-install-")
prefix = os.path.join(workdir.name, "prefix")
example_build = os.path.join(workdir.name, "build-example")


def run(*args, **kw):
    proc = subprocess.run(list(args), capture_output=True, text=True, timeout=1200, **kw)
    if proc.returncode != 0:
        raise AssertionError(f"{' '.join(args)}: exit {proc.returncode}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return proc


def installs():
    run("cmake", "--install", build, "--prefix", prefix)
    for f in ("include/tavrnn/tavrnn.h", "include/tavrnn/pipeline/stages.h", "bin/tavrnn"):
        assert os.path.exists(os.path.join(prefix, f)), f"{f} not installed"
    configs = [os.path.join(d, f) for d, _, fs in os.walk(prefix) for f in fs if f == "tavrnnConfig.cmake"]
    assert len(configs) == 1, configs


def example_builds_against_the_installed_package():
    args = ["cmake", "-S", os.path.join(source, "examples", "cpp"), "-B", example_build,
            "-DCMAKE_BUILD_TYPE=Release", f"-DCMAKE_PREFIX_PATH={prefix}"]
    if shutil.which("ccache"):
        args.append("-DCMAKE_CXX_COMPILER_LAUNCHER=ccache")
    run(*args)
    cache = open(os.path.join(example_build, "CMakeCache.txt")).read()
    found = re.search(r"^tavrnn_DIR:PATH=(.*)$", cache, re.M)
    assert found and found.group(1).startswith(prefix), f"tavrnn found elsewhere: {found and found.group(1)}"
    run("cmake", "--build", example_build, "-j2")
    flags = open(os.path.join(example_build, "CMakeFiles", "minimal.dir", "flags.make")).read()
    assert os.path.join(source, "include") not in flags, "the example compiled against the source tree"


def minimal_decodes_the_track_end():
    proc = run(os.path.join(example_build, "minimal"), cwd=workdir.name)
    found = re.search(r"decoding accuracy ([0-9.]+) \+- ([0-9.]+)", proc.stdout)
    assert found, proc.stdout
    accuracy = float(found.group(1))
    # The demo's recording and settings: 0.99 (docs/evaluation.md); chance is 0.5.
    assert accuracy >= 0.9, proc.stdout


checks.check("cmake --install puts the headers, the program and tavrnnConfig.cmake in the prefix", installs)
checks.check("examples/cpp builds with find_package(tavrnn) from that prefix",
             example_builds_against_the_installed_package)
checks.check("the minimal example decodes the track end from embeddings", minimal_decodes_the_track_end)
checks.finish()
