#!/usr/bin/python3
"""numpy judges tavrnn's .npz reader and writer.

(a) numpy writes arrays of every dtype tavrnn reads (bool, int8..int64,
    uint8..uint64, float32, float64, '<U' and '|S' strings) in both byte
    orders, C and Fortran order, 0-d and empty, with np.savez and
    np.savez_compressed; `tavrnn_io_probe dump` must report every value
    exactly (floats bit for bit, NaN positions included).
(b) `tavrnn_io_probe write` / `write-stored` write fixed arrays; np.load must
    read them back with the expected dtypes and exact values.
(c) arrays tavrnn refuses (object, float16) and a non-zip file must make the
    probe exit 1 with a message naming the file and the array.

Run with TAVRNN_IO_PROBE set to the probe binary (ctest does this).
"""
import json
import math
import os
import struct
import subprocess
import sys
import tempfile
import zipfile

import numpy as np

PROBE = os.environ.get("TAVRNN_IO_PROBE")
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


def run_probe(*args):
    return subprocess.run([PROBE, *args], capture_output=True, text=True, timeout=120)


def same_float(expected, got):
    """Bit-exact comparison of a float64 (float32 widened) with the probe's JSON."""
    if math.isnan(expected):
        return got == "nan"
    if math.isinf(expected):
        return got == ("inf" if expected > 0 else "-inf")
    return isinstance(got, float) and struct.pack("<d", expected) == struct.pack("<d", got)


def expected_dtype_name(dtype):
    return "str" if dtype.kind in "US" else dtype.name


def compare(name, array, reported):
    """Checks the probe's view of one numpy array; returns the values compared."""
    check(reported["dtype"] == expected_dtype_name(array.dtype),
          f"{name}: dtype: expected {expected_dtype_name(array.dtype)}, found {reported['dtype']}")
    check(reported["shape"] == list(array.shape),
          f"{name}: shape: expected {list(array.shape)}, found {reported['shape']}")
    flat = array.ravel(order="C")
    got = reported["values"]
    if len(got) != flat.size:
        check(False, f"{name}: expected {flat.size} values, found {len(got)}")
        return 0
    for i, (value, found) in enumerate(zip(flat.tolist(), got)):
        if array.dtype.kind == "f":
            ok = same_float(float(value), found)
        elif array.dtype.kind in "biu":
            ok = isinstance(found, int) and not isinstance(found, bool) and int(value) == found
        elif array.dtype.kind == "S":
            ok = value.decode("utf-8") == found
        else:
            ok = value == found
        if not ok:
            check(False, f"{name}: element {i}: expected {value!r}, found {found!r}")
            break
    return flat.size


def numeric_samples():
    """12 values per dtype, extremes first, shaped 3x4."""
    samples = {np.dtype(bool): [True, False, True, True, False, False, True, False, True, True, True, False]}
    for code in ["i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8"]:
        info = np.iinfo(code)
        middle = [0, 1, 2, 3, 7, 100, info.max // 3, info.max - 1, info.min + 1, info.max // 2]
        samples[np.dtype(code)] = [info.min, info.max] + [min(max(v, info.min), info.max) for v in middle]
    for code in ["f4", "f8"]:
        info = np.finfo(code)
        samples[np.dtype(code)] = [np.inf, -np.inf, np.nan, -0.0, float(info.tiny),
                                   float(info.smallest_subnormal), float(info.max), -float(info.max),
                                   1.0 / 3.0, 0.1, 1e-300 if code == "f8" else 1e-30, 2.5]
    return samples


def build_numpy_arrays():
    arrays = {}
    for dtype, values in numeric_samples().items():
        base = np.array(values, dtype=dtype).reshape(3, 4)
        cube = np.resize(np.array(values, dtype=dtype), 24).reshape(2, 3, 4)
        big = dtype.newbyteorder(">")
        variants = {
            "c": base,
            "be": base.astype(big),
            "f": np.asfortranarray(base),
            "f_be": np.asfortranarray(base.astype(big)),
            "cube_f": np.asfortranarray(cube),
            "cube_f_be": np.asfortranarray(cube.astype(big)),
            "scalar": np.array(base[0, 1], dtype=dtype),
            "scalar_be": np.array(base[0, 1], dtype=big),
            "empty": np.zeros((0, 3), dtype=dtype),
            "vector": base.ravel(),
        }
        for variant, array in variants.items():
            arrays[f"{dtype.name}_{variant}"] = array
    labels = np.array([["alpha", "β-band"], ["", "x"], ["ünïcødé ✓", "🎉"]])
    arrays["unicode_c"] = labels
    arrays["unicode_be"] = labels.astype(labels.dtype.newbyteorder(">"))
    arrays["unicode_f"] = np.asfortranarray(labels)
    arrays["unicode_scalar"] = np.array("solo")
    arrays["unicode_empty"] = np.zeros((0,), dtype="<U3")
    raw = np.array([[b"ab", b""], [b"xyz", b"a\x00b"]])
    arrays["bytes_c"] = raw
    arrays["bytes_f"] = np.asfortranarray(raw)
    return arrays


def check_reading(tmp):
    arrays = build_numpy_arrays()
    compared = 0
    for label, save in [("savez", np.savez), ("savez_compressed", np.savez_compressed)]:
        path = os.path.join(tmp, f"{label}.npz")
        save(path, **arrays)
        result = run_probe("dump", path)
        if result.returncode != 0:
            check(False, f"probe dump {label}: exit {result.returncode}: {result.stderr.strip()}")
            continue
        reported = json.loads(result.stdout)
        check(sorted(reported) == sorted(arrays),
              f"{label}: expected arrays {sorted(arrays)}, found {sorted(reported)}")
        for name, array in arrays.items():
            if name in reported:
                compared += compare(f"{label} {name}", array, reported[name])
    return len(arrays), compared


def check_writing(tmp):
    inf, nan = float("inf"), float("nan")
    expected = {
        "float32": (np.float32, (2, 3), [0.5, -1.25, float(np.float32(1 / 3)),
                                        float(np.float32(3.4028235e38)), float(np.float32(1e-45)), -0.0]),
        "float64": (np.float64, (3, 2), [1e-300, -0.0, 1 / 3, 1.7976931348623157e308, -inf, nan]),
        "int64": (np.int64, (4,), [-2**63, -1, 0, 2**63 - 1]),
        "scalar": (np.float64, (), [0.1]),
        "strings": (np.dtype("<U6"), (3,), ["alpha", "β-band", "x"]),
        "empty": (np.float64, (0, 3), []),
    }
    for mode, method in [("write", zipfile.ZIP_DEFLATED), ("write-stored", zipfile.ZIP_STORED)]:
        path = os.path.join(tmp, f"{mode}.npz")
        result = run_probe(mode, path)
        if result.returncode != 0:
            check(False, f"probe {mode}: exit {result.returncode}: {result.stderr.strip()}")
            continue
        with zipfile.ZipFile(path) as archive:
            check(archive.testzip() is None, f"{mode}: a member fails its CRC")
            for info in archive.infolist():
                check(info.compress_type == method,
                      f"{mode}: {info.filename}: expected compression {method}, found {info.compress_type}")
        with np.load(path, allow_pickle=False) as loaded:
            check(sorted(loaded.files) == sorted(expected),
                  f"{mode}: expected arrays {sorted(expected)}, found {sorted(loaded.files)}")
            for name, (dtype, shape, values) in expected.items():
                if name not in loaded.files:
                    continue
                array = loaded[name]
                check(array.dtype == np.dtype(dtype), f"{mode} {name}: expected dtype {np.dtype(dtype)}, found {array.dtype}")
                check(array.shape == shape, f"{mode} {name}: expected shape {shape}, found {array.shape}")
                got = array.ravel().tolist()
                if array.dtype.kind == "f":
                    same = len(got) == len(values) and all(
                        (math.isnan(e) and math.isnan(g)) or struct.pack("<d", e) == struct.pack("<d", g)
                        for e, g in zip(values, got))
                else:
                    same = got == values
                check(same, f"{mode} {name}: expected {values}, found {got}")
    return len(expected)


def check_refusals(tmp):
    cases = [
        ("objects", lambda p: np.savez(p, ok=np.zeros(2), objects=np.array([{"a": 1}, None], dtype=object)),
         ["array 'objects'", "'|O'"]),
        ("half", lambda p: np.savez_compressed(p, half=np.ones(3, dtype=np.float16)), ["array 'half'", "float16"]),
        ("notzip", lambda p: np.save(open(p, "wb"), np.zeros(2)), ["not a zip archive"]),
    ]
    for name, make, needles in cases:
        path = os.path.join(tmp, f"{name}.npz")
        make(path)
        result = run_probe("dump", path)
        check(result.returncode == 1, f"refusal {name}: expected exit 1, found {result.returncode}")
        message = result.stderr.strip()
        check("\n" not in message and path in message, f"refusal {name}: expected one line naming {path}, found {message!r}")
        for needle in needles:
            check(needle in message, f"refusal {name}: expected {needle!r} in {message!r}")
    return len(cases)


def main():
    if not PROBE or not os.path.exists(PROBE):
        print("npz_oracle: set TAVRNN_IO_PROBE to the tavrnn_io_probe binary", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="tavrnn_npz_oracle_") as tmp:
        arrays, values = check_reading(tmp)
        written = check_writing(tmp)
        refusals = check_refusals(tmp)
    for failure in failures:
        print(f"MISMATCH {failure}", file=sys.stderr)
    print(f"npz_oracle: {arrays} numpy arrays x 2 archive kinds ({values} values), "
          f"{written} arrays written for numpy, {refusals} refusals; "
          f"{'FAILED with ' + str(len(failures)) + ' mismatches' if failures else 'all exact'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
