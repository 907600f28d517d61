"""Every command on a full disk, a closed pipe and a closed stdout: one way of ending for all
of them, never a traceback (real subprocesses writing to /dev/full and to real pipes)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")

ROUTINES = Path(__file__).resolve().parents[2] / "routines"
COMMANDS = [
    ["list"],
    ["show", "calf-release"],
    ["validate", str(ROUTINES / "calf-release.yaml")],
    ["schema"],
    ["history"],
    ["doctor"],
    ["--help"],
    ["play", "calf-release", "--speed", "100", "--lead-in", "0", "--sound", "off"],
]
FULL = "calfkit: cannot write output: No space left on device\n"


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A practice log with one session in it, for `history` to print (played once)."""
    folder = tmp_path_factory.mktemp("recorded")
    made = {k: v for k, v in os.environ.items() if k not in ("CALFKIT_PATH", "COLUMNS")}
    made.update(
        CALFKIT_CONFIG_DIR=str(folder / "config"),
        CALFKIT_HISTORY=str(folder / "history.sqlite"),
    )
    subprocess.run(
        [sys.executable, "-m", "calfkit", "play", "calf-release", "--speed", "200"],
        env=made,
        stdout=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        check=True,
        timeout=60,
    )
    return folder / "history.sqlite"


@pytest.fixture
def env(tmp_path: Path, recorded: Path) -> dict[str, str]:
    made = {k: v for k, v in os.environ.items() if k not in ("CALFKIT_PATH", "COLUMNS")}
    made.update(
        CALFKIT_CONFIG_DIR=str(tmp_path / "config"),
        CALFKIT_HISTORY=str(tmp_path / "history.sqlite"),
        PYTHONDONTWRITEBYTECODE="1",
    )
    # Each test its own copy of the log (some play, and so write to it).
    shutil.copyfile(recorded, tmp_path / "history.sqlite")
    return made


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: a[0])
def test_a_full_disk_says_so_and_exits_1(args: list[str], env: dict[str, str]) -> None:
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "calfkit", *args],
            env=env,
            stdout=full,
            stdin=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    assert done.stderr == FULL
    assert done.returncode == 1


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: a[0])
def test_a_closed_pipe_ends_quietly_with_success(args: list[str], env: dict[str, str]) -> None:
    read, write = os.pipe()
    os.close(read)  # the reader has gone before the first line
    try:
        done = subprocess.run(
            [sys.executable, "-m", "calfkit", *args],
            env=env,
            stdout=write,
            stdin=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    finally:
        os.close(write)
    assert done.stderr == ""
    assert done.returncode == 0


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: a[0])
def test_head_one_ends_quietly_with_success(args: list[str], env: dict[str, str]) -> None:
    command = " ".join(f"'{a}'" for a in [sys.executable, "-m", "calfkit", *args])
    done = subprocess.run(
        ["bash", "-c", f"{command} | head -1 >/dev/null; echo ${{PIPESTATUS[0]}}"],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stderr == ""
    assert done.stdout == "0\n"


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: a[0])
def test_a_closed_stdout_ends_as_a_closed_pipe_does(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(
        ["sh", "-c", 'exec "$@" >&-', "sh", sys.executable, "-m", "calfkit", *args],
        env=env,
        stdin=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        timeout=60,
    )
    assert done.stderr == ""
    assert done.returncode == 0


def test_a_pipe_closed_while_playing_leaves_no_history_row_open(env: dict[str, str]) -> None:
    command = " ".join(f"'{a}'" for a in [sys.executable, "-m", "calfkit", *COMMANDS[-1]])
    for _ in range(3):
        subprocess.run(["bash", "-c", f"{command} | head -1"], env=env, timeout=60, check=True)
    shown = subprocess.run(
        [sys.executable, "-m", "calfkit", "history", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    sessions = json.loads(shown.stdout)
    # The fixture's, and each that got as far as its first step before the pipe closed
    # (how far it got depends on when head exits): every one of them closed.
    assert sessions
    for session in sessions:
        assert session["ended_at"] is not None
        assert session["ended"] in ("finished", "interrupted", "error")
