"""The entry point itself: exit codes of ``python -m calfkit`` and quiet ends on closed pipes."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from calfkit import __version__


def calfkit(*args: str, **options: object) -> subprocess.CompletedProcess[str]:
    options.setdefault("stdout", subprocess.PIPE)
    options.setdefault("stderr", subprocess.PIPE)
    return subprocess.run(
        [sys.executable, "-m", "calfkit", *args],
        text=True,
        timeout=60,
        **options,  # type: ignore[call-overload]
    )


def test_version_is_the_package_version() -> None:
    done = calfkit("--version")
    assert (done.returncode, done.stdout, done.stderr) == (0, f"calfkit {__version__}\n", "")


def test_an_unknown_command_is_a_usage_error_with_status_2() -> None:
    done = calfkit("stretch")
    assert done.returncode == 2
    assert done.stderr.endswith("Error: No such command 'stretch'.\n")


def test_an_unknown_routine_is_an_error_with_status_1_and_no_traceback() -> None:
    done = calfkit("show", "no-such-routine")
    assert done.returncode == 1
    assert done.stderr.startswith("calfkit: error: no routine named 'no-such-routine'")
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("args", [("--help",), ("schema",), ("history",), ("show", "calf-care")])
def test_output_into_a_closed_pipe_ends_quietly_with_success(
    args: tuple[str, ...], tmp_path: object
) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)
    env = {**os.environ, "CALFKIT_HISTORY": os.path.join(str(tmp_path), "history.sqlite3")}
    try:
        done = calfkit(*args, stdout=write_end, stderr=subprocess.PIPE, env=env)
    finally:
        os.close(write_end)
    assert (done.returncode, done.stderr) == (0, "")


# Runs calfkit with `list` broken by a bug, then the arguments as calfkit's.
BROKEN_LIST = """
import sys
import calfkit.cli.list_cmd as list_cmd
def broken(*args, **kwargs):
    raise RuntimeError("the cache was\\nnot what it seemed")
list_cmd.command.callback = broken
from calfkit.cli import main
sys.argv = ["calfkit", *sys.argv[1:]]
main()
"""


def broken_list(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", BROKEN_LIST, *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=60,
        check=False,
    )


def test_an_unexpected_error_is_two_short_lines_and_exit_1_not_a_traceback() -> None:
    done = broken_list("list", CALFKIT_DEBUG="")
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        "calfkit: unexpected error: RuntimeError: the cache was not what it seemed\n"
        "calfkit: this is a bug; `calfkit --debug COMMAND ...` (or CALFKIT_DEBUG=1) shows where\n"
    )


@pytest.mark.parametrize(("args", "env"), [(["--debug", "list"], ""), (["list"], "1")])
def test_debug_or_calfkit_debug_shows_the_traceback(args: list[str], env: str) -> None:
    done = broken_list(*args, CALFKIT_DEBUG=env)
    assert done.returncode == 1
    assert done.stderr.startswith("Traceback (most recent call last):\n")
    assert done.stderr.endswith("RuntimeError: the cache was\nnot what it seemed\n")
