"""Every malformed input of tests/data/malformed/ gives a one-line error that
names the file and the problem, and exit status 1; none crashes.

EXPECTED.tsv lists each file with a substring its message must contain."""
import os
import subprocess
import sys

CLI = os.environ["TAVRNN_CLI"]
CORPUS = os.path.join(os.environ["TAVRNN_TEST_DATA_DIR"], "malformed")


def main():
    failures = []
    cases = 0
    with open(os.path.join(CORPUS, "EXPECTED.tsv"), encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            name, expected = line.split("\t", 1)
            path = os.path.join(CORPUS, name.rstrip("/"))
            cmd = [CLI, "info", path, "--bin-width", "0.05"]
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
            cases += 1
            lines = [l for l in proc.stderr.splitlines() if l.strip()]
            problems = []
            if proc.returncode != 1:
                problems.append(f"exit status {proc.returncode}, expected 1")
            if len(lines) != 1:
                problems.append(f"expected one line on stderr, found {len(lines)}")
            msg = proc.stderr.strip()
            if os.path.basename(path) not in msg:
                problems.append("message does not name the file")
            if expected.lower() not in msg.lower():
                problems.append(f"message lacks {expected!r}")
            if problems:
                failures.append(f"{name}: {'; '.join(problems)}\n    stderr: {msg}")
            else:
                print(f"ok   {name}: {msg}")
    for f in failures:
        print("FAIL " + f)
    print(f"{cases - len(failures)} passed, {len(failures)} failed")
    return 1 if failures or cases == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
