"""The options common to every command (--threads, -q/--quiet, -v/--verbose)
work before or after the command name, and an option given to a command
that lacks it is a usage error (exit 2) naming the commands that have it."""
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from tavrnn_testing import Checks, run_tavrnn  # noqa: E402

checks = Checks()
check = checks.check

workdir = tempfile.TemporaryDirectory(prefix="tavrnn-global-options-")
tmp = workdir.name


def path(*p):
    return os.path.join(tmp, *p)


def read(p):
    with open(p, "rb") as f:
        return f.read()


def threads_after_and_before_the_command():
    run_tavrnn("simulate", "--preset", "small", "--seed", "1", "--out", path("after.npz"), "--threads", "1")
    run_tavrnn("--threads", "1", "simulate", "--preset", "small", "--seed", "1", "--out", path("before.npz"))
    assert read(path("after.npz")) == read(path("before.npz")), "--threads after the command changed the output"


def quiet_after_the_command():
    # theta 0.99 leaves windows without edges, which `graphs` warns about;
    # -q after the command name must silence that warning as before it does.
    args = [path("rec.npz"), "--windows", "sliding:400:400", "--select", "2,5", "--theta", "0.99"]
    run_tavrnn("simulate", "--preset", "small", "--seed", "2", "--out", path("rec.npz"))
    loud = run_tavrnn("graphs", *args, "--out", path("loud.npz"))
    assert "has no edge" in loud.stderr, f"no warning to silence: {loud.stderr}"
    quiet = run_tavrnn("graphs", *args, "--out", path("quiet.npz"), "-q")
    assert "has no edge" not in quiet.stderr, f"-q after the command left: {quiet.stderr}"
    assert os.path.isfile(path("quiet.npz"))
    before = run_tavrnn("-q", "graphs", *args, "--out", path("quiet_before.npz"))
    assert quiet.stderr == before.stderr, f"-q after: {quiet.stderr!r}, before: {before.stderr!r}"


def verbose_after_the_command():
    proc = run_tavrnn("simulate", "--preset", "small", "--out", path("verbose.npz"), "-v", "--threads", "1")
    assert os.path.isfile(path("verbose.npz")), proc.stderr


def owners_named(stderr, option, command, owners):
    line = next((l for l in stderr.splitlines() if l.startswith(f"{option} is not an option of `tavrnn {command}`")),
                None)
    assert line is not None, f"no line saying {option} is not an option of `tavrnn {command}`: {stderr}"
    assert "; it belongs to: " in line, line
    named = line.split("; it belongs to: ", 1)[1].split(", ")
    for owner in owners:
        assert owner in named, f"{owner} not among {named}: {line}"
    assert command not in named, line


def unknown_option_names_its_commands():
    # the brief's case: no --out either, yet the message is about --epochs
    proc = run_tavrnn("graphs", path("rec.npz"), "--epochs", "5", expect=2)
    owners_named(proc.stderr, "--epochs", "graphs", ["fit", "compare"])
    proc = run_tavrnn("graphs", path("rec.npz"), "--windows", "segments", "--out", path("never.npz"),
                      "--epochs=5", expect=2)
    owners_named(proc.stderr, "--epochs", "graphs", ["fit", "compare"])
    assert not os.path.exists(path("never.npz")), "graphs ran despite the usage error"


def command_option_before_the_command_name():
    proc = run_tavrnn("--epochs", "5", "fit", path("g.npz"), "--out", path("run"), expect=2)
    assert "--epochs is an option of `tavrnn fit`" in proc.stderr, proc.stderr
    assert not os.path.exists(path("run"))


def option_of_no_command():
    proc = run_tavrnn("simulate", "--preset", "small", "--out", path("typo.npz"), "--sed", "3", expect=2)
    assert "--sed is not an option of `tavrnn simulate`" in proc.stderr, proc.stderr
    assert not os.path.exists(path("typo.npz"))


check("--threads 1 after the command name, and before it", threads_after_and_before_the_command)
check("-q after the command name silences warnings", quiet_after_the_command)
check("-v and --threads after the command name", verbose_after_the_command)
check("an unknown option: exit 2 naming the commands that have it", unknown_option_names_its_commands)
check("a command's option before its name: exit 2 saying where it goes", command_option_before_the_command_name)
check("an option of no command: exit 2 naming the command given", option_of_no_command)
workdir.cleanup()
checks.finish()
