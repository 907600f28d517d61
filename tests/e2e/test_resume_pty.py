"""``calfkit play ROUTINE --resume`` in a real pseudo-terminal: stop part-way with q, see the
hint, resume at the very step (its round and side said), finish, and find one finished
session in the history, in two parts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pty_session import Player, Session

from calfkit.history import Ending, History

pytestmark = pytest.mark.pty

DRILL = """\
title: Drill
steps:
  - prepare: Get ready.
    duration: 1
  - repeat: 2
    steps:
      - sides: [right, left]
        switch: 0
        steps:
          - hold: Press the {side} calf, round {round}.
            duration: 2
  - do: Shake out.
    duration: 1
"""


def unwrapped(text: str) -> str:
    """The screen's lines joined where the terminal wrapped them (at 80 columns)."""
    return text.replace("\n", "")


def start(player: Player, *args: str) -> Session:
    """A session recorded in the history (the fixture's own starts leave it out)."""
    session = Session(
        [*args, "--sound", "off", "--lead-in", "1"], columns=80, lines=24, env=player.env
    )
    player.sessions.append(session)
    return session


def test_a_session_stopped_part_way_resumes_at_its_step_and_finishes_as_one(
    player: Player, tmp_path: Path
) -> None:
    routine = player.routine(DRILL, "drill.yaml")
    history = Path(player.env["CALFKIT_HISTORY"])

    first = start(player, routine)
    first.wait_for("Round 2 of 2", timeout=20)
    first.press("q")
    assert first.finish() == 0
    hint = f"Resume where you stopped: calfkit play {routine} --resume"
    assert hint in unwrapped(first.screen.text)
    with History(history) as log:
        (stopped,) = log.sessions()
    assert stopped.ended is Ending.STOPPED
    assert stopped.end_top == 2
    assert stopped.end_step in (4, 5)  # round 2, right (or left if q came late)
    side = "Right side" if stopped.end_step == 4 else "Left side"

    events = tmp_path / "resumed.jsonl"
    second = start(player, routine, "--resume", "--log-events", str(events))
    second.wait_for("Round 2 of 2", timeout=20)
    assert second.finish(timeout=20) == 0
    assert f"Resuming Drill at step 2 of 3 (Round 2 of 2 · {side})" in unwrapped(second.screen.text)
    logged = [json.loads(line) for line in events.read_text().splitlines()]
    kinds = [event["event"] for event in logged]
    assert "lead_in" in kinds[: kinds.index("step")]  # the lead-in comes first
    steps = [event for event in logged if event["event"] == "step"]
    assert steps[0]["step"] == stopped.end_step
    assert steps[0]["where"] == f"Round 2 of 2 · {side}"
    assert steps[-1]["text"] == "Shake out."

    with History(history) as log:
        (done,) = log.sessions()
        assert log.resumable("drill") is None
    assert done.id == stopped.id
    assert done.ended is Ending.FINISHED
    assert done.parts == 2
    assert done.outcome() == "finished (in 2 parts)"
    assert done.played_seconds > stopped.played_seconds


def test_resume_refuses_when_the_step_it_stopped_at_has_changed(
    player: Player,
) -> None:
    routine = player.routine(DRILL, "drill.yaml")
    first = start(player, routine)
    first.wait_for("Round 2 of 2", timeout=20)
    first.press("q")
    assert first.finish() == 0

    # The step it stopped at is edited (tests/cli/test_practice.py: an edit elsewhere is not).
    Path(routine).write_text(DRILL.replace("Press the", "Squeeze the"), encoding="utf-8")
    refused = start(player, routine, "--resume")
    assert refused.finish() == 1
    assert "cannot resume drill: it has changed since" in unwrapped(refused.screen.text)
