"""Ctrl-\\ (SIGQUIT) and the terminal closing (SIGHUP) end a session the way SIGTERM does:
the terminal put back, the sound back end's temporary folder removed, the history row closed,
and the exit status a shell expects (131, 129). Real signals, a real pty, real aplay on ALSA's
file plugin."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
from pty_session import Player, Session

from calfkit.testing.card import FakeCard

pytestmark = pytest.mark.pty

HOLD = "title: Long hold\nsteps:\n  - hold: Lean into the wall\n    duration: 60\n"


def start(player: Player, *, sound: bool) -> Session:
    """A session that records history and, with ``sound``, plays through aplay (the back end
    with a temporary folder) on a fake card."""
    tmp = player.tmp_path / "tmp"
    tmp.mkdir(exist_ok=True)
    env = {**player.env, "TMPDIR": str(tmp)}
    args = [player.routine(HOLD), "--lead-in", "0"]
    if sound:
        env = FakeCard(player.tmp_path / "card").env(env)
        args += ["--sound", "system"]
    else:
        args += ["--sound", "off"]
    session = Session(args, columns=80, lines=24, env=env)
    player.sessions.append(session)
    return session


def history(player: Player) -> list[dict[str, object]]:
    shown = subprocess.run(
        [sys.executable, "-m", "calfkit", "history", "--json"],
        env=player.env,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    sessions: list[dict[str, object]] = json.loads(shown.stdout)
    return sessions


def wait_for_row(player: Player, session: Session) -> None:
    """Until the session's history row is there (the history sink is the last to hear of the
    first step, after the screen has shown it)."""
    deadline = time.monotonic() + 10
    while not history(player):
        assert time.monotonic() < deadline, "the session never got a history row"
        session.pump(0.1)


def leftovers(player: Player) -> list[str]:
    return sorted(p.name for p in (player.tmp_path / "tmp").glob("calfkit-sound-*"))


needs_aplay = pytest.mark.skipif(shutil.which("aplay") is None, reason="needs aplay")


@needs_aplay
def test_ctrl_backslash_puts_the_terminal_back_cleans_up_and_exits_131(player: Player) -> None:
    session = start(player, sound=True)
    session.wait_for("q quit")
    wait_for_row(player, session)
    assert leftovers(player)  # the back end's folder exists while playing
    session.press("\x1c")  # Ctrl-\: the terminal sends SIGQUIT
    assert session.finish() == 128 + signal.SIGQUIT
    session.assert_terminal_restored()
    assert "Stopped Long hold (terminated)." in session.screen.text
    assert leftovers(player) == []
    (row,) = history(player)
    assert row["ended_at"] is not None
    assert row["ended"] == "interrupted"  # as history records SIGTERM


@needs_aplay
def test_sighup_cleans_up_closes_the_row_and_exits_129(player: Player) -> None:
    session = start(player, sound=True)
    session.wait_for("q quit")
    wait_for_row(player, session)
    assert leftovers(player)
    session.child.kill(signal.SIGHUP)
    assert session.finish() == 128 + signal.SIGHUP
    session.assert_terminal_restored()
    assert leftovers(player) == []
    (row,) = history(player)
    assert row["ended"] == "interrupted"  # as history records SIGTERM


def test_closing_the_terminal_ends_the_session_cleanly(player: Player) -> None:
    session = start(player, sound=shutil.which("aplay") is not None)
    session.wait_for("q quit")
    wait_for_row(player, session)
    pid = session.child.pid
    # The terminal window goes away: the kernel sends SIGHUP to the session's processes.
    os.close(session.child.child_fd)
    deadline = time.monotonic() + 10
    while session.child.isalive():
        assert time.monotonic() < deadline, "calfkit did not end when its terminal closed"
        time.sleep(0.05)
    assert session.child.exitstatus == 128 + signal.SIGHUP
    assert pid > 0
    assert leftovers(player) == []
    (row,) = history(player)
    assert row["ended"] == "interrupted"  # as history records SIGTERM
