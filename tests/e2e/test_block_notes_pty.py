"""The live view in a real pseudo-terminal shows a block's ``note:`` under the cue of a step
inside it that has no note of its own, and the step's own note where it has one."""

from __future__ import annotations

import pytest
from pty_session import Player

pytestmark = pytest.mark.pty

ROUTINE = """\
title: Block notes
steps:
  - repeat: 2
    note: Keep the back heel down.
    steps:
      - hold: Lean into the wall
        duration: 30
      - hold: Bend the back knee
        duration: 30
        note: Only as far as it is easy.
"""


def test_the_live_view_shows_the_blocks_note_under_a_step_without_one(player: Player) -> None:
    session = player.start(player.routine(ROUTINE), "--lead-in", "0")
    screen = session.wait_for("Lean into the wall")
    session.wait_for("Keep the back heel down.")
    session.press("n")
    screen = session.wait_for("Only as far as it is easy.")
    assert "Bend the back knee" in screen
    assert "Keep the back heel down." not in screen  # its own note, not the block's too
    session.press("q")
    assert session.finish() == 0
    session.assert_terminal_restored()
    notes = [(e["text"], e.get("note")) for e in player.events() if e["event"] == "step"]
    assert notes == [
        ("Lean into the wall", "Keep the back heel down."),
        ("Bend the back knee", "Only as far as it is easy."),
    ]
