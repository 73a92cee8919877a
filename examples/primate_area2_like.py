"""Writes examples/data/primate-area2-like.nwb: a simulated recording of the
shape of the paper's primate experiment (somatosensory area 2 during
centre-out reaches, DANDI 000127): 64 units on 4 electrode groups, 128
trials of 1 s, 8 reach directions x active (the monkey reaches) / passive
(the arm is bumped), 8 trials per condition in shuffled order. Each unit is
cosine-tuned to the direction, more strongly in active trials, and units of
one electrode group share a slow common drive (their correlations are what
the graphs see). The trials table has `direction` (degrees), `task`
(active/passive) and `condition` (e.g. `active_90`), as the real file's
trials table has its own columns; examples/primate-area2-like.toml reads it.

Needs numpy and h5py (the test oracles' Python, not tavrnn's):
    /usr/bin/python3 examples/primate_area2_like.py
"""
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "python"))
import nwb_files  # noqa: E402  (the NWB writer the tests use)


def main(path=os.path.join(HERE, "data", "primate-area2-like.nwb"), seed=0):
    rng = np.random.default_rng(seed)
    n_units, groups, trial_s, gap_s = 64, ["elec0", "elec1", "elec2", "elec3"], 1.0, 0.5
    directions = np.repeat(np.arange(8) * 45, 16)
    tasks = np.tile(np.repeat(["active", "passive"], 8), 8)
    order = rng.permutation(len(directions))
    directions, tasks = directions[order], tasks[order]
    preferred = rng.uniform(0, 2 * np.pi, n_units)
    group_of = np.repeat(np.arange(4), n_units // 4)
    dt = 0.001
    starts = np.arange(len(directions)) * (trial_s + gap_s) + gap_s
    total = starts[-1] + trial_s + gap_s
    t = np.arange(0, total, dt)
    drive = np.zeros((4, len(t)))
    for g in range(4):  # slow shared drive per electrode group (50 ms smoothing)
        noise = rng.normal(0, 1, len(t))
        kernel = np.exp(-np.arange(0, 0.25, dt) / 0.05)
        drive[g] = np.convolve(noise, kernel / np.sqrt((kernel ** 2).sum()), mode="same")
    rate = np.full((n_units, len(t)), 8.0)
    for start, d, task in zip(starts, directions, tasks):
        inside = (t >= start) & (t < start + trial_s)
        gain = 12.0 if task == "active" else 6.0
        rate[:, inside] += (gain * (1 + np.cos(np.deg2rad(d) - preferred)))[:, None]
    rate *= np.exp(1.0 * drive[group_of] - 0.5)
    spikes = rng.random(rate.shape) < rate * dt
    trains = [t[spikes[u]] + rng.uniform(0, dt, spikes[u].sum()) for u in range(n_units)]
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with nwb_files.new_file(path) as f:
        nwb_files.add_units(f, "units", list(range(n_units)), trains,
                            electrode_groups=[groups[g] for g in group_of])
        nwb_files.add_time_intervals(f, "intervals/trials", list(starts), list(starts + trial_s),
                                     {"direction": [int(d) for d in directions],
                                      "task": [str(s) for s in tasks],
                                      "condition": [f"{s}_{d}" for s, d in zip(tasks, directions)]})
    print(f"wrote {path}: {n_units} units, {len(starts)} trials, {sum(len(x) for x in trains)} spikes")


if __name__ == "__main__":
    main()
