#!/usr/bin/env bash
# `make python`: a virtual environment over Debian's /usr/bin/python3 (its
# system packages visible: numpy, scikit-learn, ...) in which `import tavrnn`
# finds the module built in BUILD_DIR/python. Nothing is fetched from a
# package index. Safe to run again.
set -euo pipefail
build_dir=$(realpath "${1:-build}")
venv="$build_dir/venv"
if [[ ! -x "$venv/bin/python" ]]; then
  /usr/bin/python3 -m venv --system-site-packages --without-pip "$venv"
fi
site=$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
echo "$build_dir/python" > "$site/tavrnn.pth"
"$venv/bin/python" -c 'import tavrnn; print("tavrnn", tavrnn.__version__, "importable with", end=" ")'
echo "$venv/bin/python (or: source $venv/bin/activate; or: PYTHONPATH=$build_dir/python /usr/bin/python3)"
