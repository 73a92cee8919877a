#!/usr/bin/python3
"""Writes the malformed-input corpus that tests/cli/malformed_inputs_cli.py
feeds to `tavrnn info`. The committed files are the corpus; this script
documents how each was made and regenerates them byte for byte (members of
the .npz files get a fixed timestamp, which np.savez does not do).

Usage: /usr/bin/python3 tests/data/malformed/make_corpus.py"""
import io
import os
import zipfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def path(name):
    return os.path.join(HERE, name)


def npy_bytes(array, allow_pickle=False):
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, np.asanyarray(array), allow_pickle=allow_pickle)
    return buffer.getvalue()


def write_bytes(name, data):
    with open(path(name), "wb") as f:
        f.write(data)


def write_npz(name, arrays, allow_pickle=False):
    # Same layout as np.savez (stored members "<key>.npy"), fixed date.
    with zipfile.ZipFile(path(name), "w", zipfile.ZIP_STORED) as z:
        for key, array in arrays.items():
            info = zipfile.ZipInfo(key + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            z.writestr(info, npy_bytes(array, allow_pickle))


def counts(n_units=5, n_bins=100):
    rng = np.random.default_rng(0)
    return rng.poisson(0.5, size=(n_units, n_bins)).astype(np.float64)


def main():
    width = np.float64(0.05)

    # .npy: a valid header whose data stops 100 bytes short.
    write_bytes("truncated.npy", npy_bytes(counts())[:-100])
    # .npy: first bytes are not \x93NUMPY.
    write_bytes("bad_magic.npy", b"\x89NUMPX" + npy_bytes(counts())[6:])
    # .npy: correct magic and version, header is not a Python dict literal.
    garbage = b"{'descr': <f8, 'fortran_order': maybe, shape: (5 100"
    garbage += b" " * (117 - len(garbage)) + b"\n"  # 10 + 118 bytes: 64-byte aligned like numpy
    write_bytes("bad_header.npy", b"\x93NUMPY\x01\x00" + len(garbage).to_bytes(2, "little") + garbage)
    write_bytes("unsupported_dtype.npy", npy_bytes(np.ones((5, 100), dtype=np.complex128)))

    write_npz("object_dtype.npz",
              {"counts": np.array([[1, "a", None]], dtype=object), "bin_width_s": width},
              allow_pickle=True)
    write_npz("wrong_shape.npz", {"counts": np.arange(100, dtype=np.float64), "bin_width_s": width})
    nan = counts()
    nan[1, 3] = np.nan
    write_npz("nan_counts.npz", {"counts": nan, "bin_width_s": width})
    inf = counts()
    inf[2, 50] = np.inf
    write_npz("inf_counts.npz", {"counts": inf, "bin_width_s": width})
    negative = counts()
    negative[2, 7] = -1.0
    write_npz("negative_counts.npz", {"counts": negative, "bin_width_s": width})
    write_npz("missing_counts.npz", {"labels": np.zeros(100, dtype=np.int64)})
    write_npz("labels_wrong_length.npz",
              {"counts": counts(), "labels": np.zeros(99, dtype=np.int64), "bin_width_s": width})
    write_bytes("empty.npz", b"")
    write_bytes("not_a_zip.npz", b"this is a text file, not a zip archive\n")
    # A stored member whose headers claim 4 GB (found by fuzz/npz_fuzzer:
    # the reader once reserved the claimed size before reading anything).
    write_npz("forged_member_size.npz", {"counts": counts(), "bin_width_s": width})
    data = bytearray(open(path("forged_member_size.npz"), "rb").read())
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.find(signature)
        data[at + offset:at + offset + 4] = (0xF0000000).to_bytes(4, "little")
    write_bytes("forged_member_size.npz", bytes(data))

    write_bytes("empty.csv", b"")
    # Unit 0's third spike (line 5) comes before its second: the CLI reads
    # spike CSVs with require_sorted=true.
    write_bytes("unsorted_spikes.csv", b"unit,time_s\n0,0.10\n1,0.15\n0,0.30\n0,0.20\n1,0.40\n")
    write_bytes("negative_spike_time.csv", b"unit,time_s\n0,0.1\n1,-0.25\n0,0.3\n")
    write_bytes("wrong_columns.csv", b"unit,time_s\n0,0.1\n0,0.2,7\n1,0.3\n")
    write_bytes("nan_spike_time.csv", b"unit,time_s\n0,0.1\n0,0.2\n1,nan\n")
    write_bytes("counts_ragged.csv", b"0,1,2,3\n1,0,0,2\n4,1,0\n")

    os.makedirs(path("a_directory.npz"), exist_ok=True)
    write_bytes(os.path.join("a_directory.npz", ".gitkeep"), b"")


if __name__ == "__main__":
    main()
