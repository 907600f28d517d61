"""A reps step in a real pseudo-terminal: the rep in the block digits, "up" then "down" under
them as the tempo turns, and the event log's count and down events at their moments."""

from __future__ import annotations

import pytest
from pty_session import Player

pytestmark = pytest.mark.pty

ROUTINE = """\
title: Heel raises
steps:
  - reps: 3
    up: 1s
    down: 2s
    cue: Rise, then lower slowly
"""


def test_the_live_view_counts_reps_and_shows_up_then_down(player: Player) -> None:
    session = player.start(player.routine(ROUTINE), "--lead-in", "0")
    session.wait_for("Rise, then lower slowly")
    session.wait_for_digits("1 of 3")
    session.wait_for("Reps · down")
    session.wait_for_digits("2 of 3")
    session.wait_for("Reps · up")
    session.press("q")
    assert session.finish() == 0
    session.assert_terminal_restored()
    reps = [
        (e["event"], e["number"], e["of"])
        for e in player.events()
        if e["event"] in ("count", "down")
    ]
    assert reps[:3] == [("count", 1, 3), ("down", 1, 3), ("count", 2, 3)]
