#!/usr/bin/env bash
# Installs, with apt-get, every Debian package that tavrnn's build, tests and
# demo need, and only those that are missing (one `apt-get update` when
# something must be installed). Safe to run again: it then does nothing.
set -euo pipefail

PACKAGES=(
  # toolchain
  g++ make cmake pkg-config ccache
  clang libclang-rt-14-dev # libFuzzer and the sanitizers (fuzz/, `make fuzz`, the fuzz smoke test)
  # libraries (found with CMake find_package)
  libtorch-dev            # LibTorch: tensors, autograd, torch::nn, torch::optim
  libgloo-dev             # Gloo's headers, for LibTorch's c10d::ProcessGroupGloo (training over several processes)
  libopenblas0-pthread    # fast BLAS behind LibTorch (else the netlib reference BLAS, ~50x slower)
  libhdf5-dev             # NWB / HDF5 I/O
  libmatio-dev            # MATLAB .mat (v5 and v7.3) input, found with pkg-config
  libzip-dev              # .npz
  zipcmp zipmerge ziptool # libzip-dev's CMake config requires these programs to exist
  libcli11-dev            # command line
  libssl-dev              # SHA-256 of inputs recorded in run.json; base64 of report images
  zlib1g-dev              # deflate of the PNGs the report draws itself
  nlohmann-json3-dev      # JSON manifests and metrics
  libtomlplusplus-dev     # run configs
  libspdlog-dev libfmt-dev
  libplplot-dev           # figures (found with pkg-config: plplot-c++)
  plplot-driver-cairo     # PLplot's pngcairo and svgcairo devices
  fonts-dejavu-core       # the font cairo/pango draws figure text with
  libgtest-dev libbenchmark-dev
  # the Python module (python/): pybind11, Debian's interpreter and numpy;
  # venv for `make python`; pytest runs its tests
  pybind11-dev python3-dev python3-venv python3-pytest
  python3-torch           # tests that the module and Debian's torch share one process
  # Python oracles used by the tests (never by the tool)
  python3 python3-numpy python3-scipy python3-sklearn python3-h5py
  python3-pil             # decodes the report's screenshot and the figures' PNGs in tests
  # the HTML report: Chart.js is inlined from the Debian file at run time;
  # Chromium opens the report in its test; DejaVu is the page's font
  libjs-chart.js chromium fonts-dejavu-core
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  if [[ "$status" != "install ok installed" ]]; then
    missing+=("$pkg")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "install-deps: missing packages (${missing[*]}) and not root, no sudo" >&2
    exit 1
  fi
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
