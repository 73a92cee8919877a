"""No memory growth over repeated fit/transform cycles (resident set size)."""
import os

import tavrnn


def resident_mb():
    with open(f"/proc/{os.getpid()}/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def test_fifty_fit_transform_cycles_do_not_grow_memory(graphs):
    def cycle():
        model = tavrnn.TAVRNN(latent=4, hidden=8, epochs=2, threads=1).fit(graphs)
        model.transform(graphs)

    for _ in range(10):  # allocator pools and LibTorch's caches settle first
        cycle()
    before = resident_mb()
    for _ in range(50):
        cycle()
    grown = resident_mb() - before
    print(f"resident set: {before:.1f} MB, then +{grown:.1f} MB after 50 fit/transform cycles")
    assert grown < 20, f"memory grew by {grown:.1f} MB over 50 cycles"
