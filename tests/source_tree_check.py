"""Proves that the test suite writes only into temporary folders and the
build tree: ctest runs `snapshot` before every other test and `compare`
after them all (CTest fixture `source_tree`, tests/CMakeLists.txt).

    source_tree_check.py snapshot SOURCE_DIR BUILD_DIR SNAPSHOT.json
    source_tree_check.py compare  SOURCE_DIR BUILD_DIR SNAPSHOT.json

`compare` exits 1 and lists every file that appeared in, vanished from or
changed in the source tree since the snapshot. Top-level build*/ folders,
BUILD_DIR wherever it is, and .git are not looked at.

In a git checkout the state is `git status`, ignored files included, plus
the size and mtime of every path it lists: local edits made before the run
do not fail the check, further writes to those same files do, and a file
whose git status changes only because the index or HEAD moved (a commit, a
`git add`) is not reported, as its contents on disk did not change.
Elsewhere (an unpacked tarball, no git) the state is every file's size and
mtime."""
import json
import os
import subprocess
import sys


def excluded_prefixes(source, build):
    """Source-relative folders left out besides top-level build*/: the build
    folder, when it lies inside the source tree."""
    rel = os.path.relpath(os.path.realpath(build), os.path.realpath(source))
    return [] if rel == os.pardir or rel.startswith(os.pardir + os.sep) else [rel.replace(os.sep, "/")]


def in_source_build(source, build):
    return os.path.realpath(build) == os.path.realpath(source)


def is_excluded(path, prefixes):
    top = path.split("/", 1)[0]
    if top.startswith("build") and "/" in path:
        return True
    return any(path == p or path.startswith(p + "/") for p in prefixes)


def disk_state(source, path):
    """[size, mtime_ns] of path (its link, for a symlink), or None if it is gone."""
    try:
        st = os.lstat(os.path.join(source, path))
    except FileNotFoundError:
        return None
    return [st.st_size, st.st_mtime_ns]


def git_paths(source, prefixes):
    """{path: XY status} of what `git status` lists (modified, deleted,
    untracked, ignored), or None when source is not the top of a git work
    tree."""
    def git(*args):
        return subprocess.run(["git", "--no-optional-locks", "-C", source, *args],
                              capture_output=True, timeout=300)
    try:
        top = git("rev-parse", "--show-toplevel")
    except (OSError, subprocess.TimeoutExpired):
        return None
    if top.returncode != 0:
        return None
    if os.path.realpath(top.stdout.decode().strip()) != os.path.realpath(source):
        return None  # a folder inside some other repository: walk it instead
    pathspec = [":(exclude,glob)build*/**"] + [f":(exclude,literal){p}" for p in prefixes]
    proc = git("status", "--porcelain=v1", "-z", "--untracked-files=all", "--ignored=traditional",
               "--", *pathspec)
    if proc.returncode != 0:
        raise SystemExit(f"git status in {source} failed: {proc.stderr.decode().strip()}")
    fields = proc.stdout.decode("utf-8", "surrogateescape").split("\0")
    statuses = {}
    i = 0
    while i < len(fields):
        entry = fields[i]
        i += 1
        if not entry:
            continue
        xy, path = entry[:2], entry[3:]
        if "R" in xy or "C" in xy:
            i += 1  # the rename's or copy's source path follows; it is not on disk
        if not is_excluded(path, prefixes):
            statuses[path] = xy
    return statuses


def walked_paths(source, prefixes):
    paths = []
    for root, dirs, files in os.walk(source):
        rel_root = os.path.relpath(root, source)
        rel_root = "" if rel_root == os.curdir else rel_root.replace(os.sep, "/") + "/"
        dirs[:] = [d for d in dirs if d != ".git" and not is_excluded(rel_root + d + "/", prefixes)]
        paths.extend(rel_root + f for f in files)
    return paths


def snapshot(source, build, snapshot_path):
    if in_source_build(source, build):
        print(f"{source} is also the build tree: which files the tests may write there is not known, "
              f"so it is not checked")
        return
    prefixes = excluded_prefixes(source, build)
    # The snapshot file's own mtime is "now" on the file system's clock: a
    # file that git first lists after the run and is at least this new was
    # written during the run.
    os.makedirs(os.path.dirname(os.path.abspath(snapshot_path)), exist_ok=True)
    with open(snapshot_path, "w") as f:
        f.write("{}")
    started_ns = os.stat(snapshot_path).st_mtime_ns
    paths = git_paths(source, prefixes)
    mode = "git"
    if paths is None:
        mode, paths = "walk", walked_paths(source, prefixes)
    state = {"mode": mode, "started_ns": started_ns,
             "files": {p: disk_state(source, p) for p in paths}}
    tmp = snapshot_path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(state, f)
    os.replace(tmp, snapshot_path)
    print(f"source tree {source}: {len(paths)} {'paths listed by git status' if mode == 'git' else 'files'} "
          f"recorded in {snapshot_path}")


def compare(source, build, snapshot_path):
    if in_source_build(source, build):
        print(f"{source} is also the build tree: not checked")
        return 0
    prefixes = excluded_prefixes(source, build)
    try:
        with open(snapshot_path) as f:
            before = json.load(f)
        files, mode, started_ns = before["files"], before["mode"], before["started_ns"]
    except (OSError, ValueError, KeyError) as e:
        raise SystemExit(f"reading the snapshot {snapshot_path}: {e}; run the setup test "
                         f"(source_tree_check.py snapshot) first")
    paths = git_paths(source, prefixes) if mode == "git" else walked_paths(source, prefixes)
    if paths is None:
        raise SystemExit(f"{source} was a git work tree at the snapshot and is not one now")
    problems = []
    for path in sorted(set(paths) | set(files)):
        now = disk_state(source, path)
        if path in files:
            was = files[path]
            if was == now:
                continue
            what = "removed" if now is None else "created" if was is None else "changed"
        elif mode == "walk":
            what = "created"
        elif now is None:
            what = "removed"  # clean before, gone now
        elif now[1] >= started_ns:
            # clean or absent before, written since
            what = "created" if paths[path] in ("??", "!!") else "changed"
        else:
            continue  # its git status moved with the index or HEAD, not its contents
        problems.append(f"  {what}: {path}")
    if problems:
        print(f"the tests left changes in the source tree {source} (they must write only into "
              f"temporary folders or the build tree):")
        print("\n".join(problems))
        return 1
    print(f"source tree {source} unchanged by the tests ({mode} mode)")
    return 0


def main(argv):
    if len(argv) != 5 or argv[1] not in ("snapshot", "compare"):
        print(__doc__, file=sys.stderr)
        return 2
    _, command, source, build, snapshot_path = argv
    source = os.path.abspath(source)
    if command == "snapshot":
        snapshot(source, build, snapshot_path)
        return 0
    return compare(source, build, snapshot_path)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
