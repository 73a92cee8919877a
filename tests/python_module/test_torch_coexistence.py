"""tavrnn and Debian's python3-torch share one LibTorch in one process:
importing both works in either order, and arrays pass between them."""
import os
import subprocess
import sys

import pytest

pytest.importorskip("torch", reason="python3-torch is not installed (scripts/install-deps.sh installs it)")

SCRIPT = """
import numpy as np
{first}
{second}
counts = torch.poisson(torch.full((12, 600), 2.0, dtype=torch.float64), generator=torch.Generator().manual_seed(0))
recording = tavrnn.Recording(counts.numpy(), 0.05)
graphs = tavrnn.build_graphs(recording, windows="sliding:100:50", theta=0.05, features="rows")
mu = tavrnn.TAVRNN(latent=3, epochs=2, threads=1).fit_transform(graphs)
as_torch = torch.from_numpy(np.array(mu))
assert as_torch.shape == (len(graphs), 12, 3) and torch.isfinite(as_torch).all()
print("ok", torch.__version__, tavrnn.build_info()["libtorch"])
"""


@pytest.mark.parametrize("first, second", [("import torch", "import tavrnn"), ("import tavrnn", "import torch")])
def test_both_import_orders_work_in_one_process(first, second):
    proc = subprocess.run([sys.executable, "-B", "-c", SCRIPT.format(first=first, second=second)],
                          capture_output=True, text=True, timeout=300, env=os.environ)
    assert proc.returncode == 0, f"{first}; {second}: exit {proc.returncode}\n{proc.stderr}"
    assert proc.stdout.splitlines()[-1].startswith("ok"), proc.stdout
