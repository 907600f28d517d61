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
