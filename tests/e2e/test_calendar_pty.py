"""``calfkit history --calendar`` in a real 80-column pseudo-terminal, read back with pyte:
a cell a day shaded by minutes practised, today in brackets, the plan's rest days marked and
kept in the streak; the same characters with NO_COLOR, and no colour codes then."""

from __future__ import annotations

import os
import re
import sys
from datetime import datetime, timezone
from pathlib import Path

import pexpect
import pytest
from pty_session import Screen

from calfkit.model import Do, Routine
from calfkit.player.events import Event, EventKind
from calfkit.sinks.history import HistorySink
from calfkit.timeline import compile_routine

pytestmark = pytest.mark.pty


def practise(path: Path, day: int, minutes: int) -> None:
    """A finished session of ``minutes`` one-minute steps on 2026-12-``day`` at 07:00 UTC."""
    at = datetime(2026, 12, day, 7, 0, tzinfo=timezone.utc)
    steps = tuple(Do(text=f"Move {i}", duration=60.0) for i in range(minutes))
    timeline = compile_routine(Routine(name="calf-release", title="Calf Release", steps=steps))
    sink = HistorySink("off", False, print, path=path, now=lambda: at)
    sink.handle(Event(EventKind.START, 0, 0, 0, timeline=timeline))
    played = minutes * 60.0
    sink.handle(Event(EventKind.FINISH, played, played, 0, step=minutes, played=played))
    sink.close()


def run(args: list[str], env: dict[str, str]) -> tuple[str, bytes]:
    screen = Screen(80, 40)
    stream = __import__("pyte").ByteStream(screen)
    child = pexpect.spawn(
        sys.executable, ["-m", "calfkit", *args], dimensions=(40, 80), env=env, timeout=20
    )
    raw = b""
    while True:
        try:
            chunk = child.read_nonblocking(65536, timeout=20)
        except pexpect.EOF:
            break
        raw += chunk
        stream.feed(chunk)
    child.close()
    assert child.exitstatus == 0, raw.decode(errors="replace")
    return screen.text, raw


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    history = tmp_path / "history.sqlite3"
    environment = {key: value for key, value in os.environ.items() if key != "NO_COLOR"}
    environment.update(
        CALFKIT_HISTORY=str(history),
        CALFKIT_CONFIG_DIR=str(tmp_path / "config"),
        CALFKIT_TODAY="2026-12-09",
        TZ="UTC",
        TERM="xterm-256color",
        LANG="C.UTF-8",
        PYTHONIOENCODING="utf-8",
    )
    environment.pop("COLUMNS", None)
    environment.pop("LINES", None)
    # A plan with Sunday for rest, followed from Monday 30 November.
    child = pexpect.spawn(
        sys.executable,
        ["-m", "calfkit", "plan", "start", "four-calm-weeks", "--on", "2026-11-30"],
        env=environment,
        timeout=20,
    )
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    practise(history, 1, 5)  # ░ under 10 minutes
    practise(history, 2, 12)  # ▒
    practise(history, 5, 25)  # ▓ (a Saturday)
    # Sunday the 6th: the plan's rest day
    practise(history, 7, 31)  # █
    practise(history, 8, 9)
    return environment


def december(text: str) -> list[str]:
    """The lines of the December block, from its title to its last week."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if "December 2026" in line)
    return lines[start : start + 7]


def test_the_calendar_reads_back_at_80_columns_with_shades_today_and_rest_days(
    env: dict[str, str],
) -> None:
    text, raw = run(["history", "--calendar"], env)
    assert all(len(line) <= 80 for line in text.splitlines())
    # three months: October and November side by side, then December
    assert re.search(r"October 2026\s+November 2026", text)
    block = december(text)
    assert block[1].split() == ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]
    assert block[2] == "       1░   2▒   3·   4·   5▓   6~"
    assert block[3].startswith("  7█   8░ [ 9·] 10   11   12   13~")
    assert block[4].rstrip().endswith("20~")
    # the November days before the plan began are not rest days; its last Sunday (29th) is not
    # in the plan either (the plan starts on the 30th)
    assert "29~" not in text
    assert "· none  ░ under 10 min  ▒ 10-19  ▓ 20-29  █ 30+  ~ rest day  [ ] today" in text
    # 8, 7, 6 (rest: kept), 5: four days; the 4th broke it
    assert "Current streak: 4 days (your plan's rest days count as kept)" in text
    assert b"\x1b[" in raw  # coloured on a colour terminal


def test_with_no_color_the_same_characters_show_and_no_colour_is_sent(
    env: dict[str, str],
) -> None:
    coloured, _ = run(["history", "--calendar"], env)
    plain, raw = run(["history", "--calendar"], {**env, "NO_COLOR": "1"})
    assert plain == coloured
    assert not re.search(rb"\x1b\[[0-9;]*3[0-9;]*m", raw)  # no foreground colour at all
