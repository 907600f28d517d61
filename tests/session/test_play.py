"""A session played from settings alone: the session layer without the command line."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest

from calfkit.errors import SettingError
from calfkit.model import Do, Routine
from calfkit.player.events import Status
from calfkit.session.play import play
from calfkit.session.settings import Settings
from calfkit.timeline import compile_routine

QUICK = compile_routine(
    Routine(name="q", title="Q", steps=(Do(text="Go", duration=1), Do(text="On", duration=1)))
)
FAST = Settings(sound="off", speed=1000, lead_in=0, plain=True, history=False)


def test_a_session_plays_from_settings_and_says_how_it_ended_in_plain_lines() -> None:
    out = io.StringIO()
    warned: list[str] = []
    played = play(QUICK, FAST, out=out, warn=warned.append)
    assert played.outcome.status is Status.FINISHED
    assert played.outcome.steps_done == 2
    assert played.lines == []  # plain lines said it all
    assert "[00:00] Finished" in out.getvalue().splitlines()
    assert warned == []


def test_a_session_from_a_later_step_starts_there(tmp_path: Path) -> None:
    log = tmp_path / "events.jsonl"
    settings = replace(FAST, start=2, log_events=str(log))
    played = play(QUICK, settings, out=io.StringIO(), warn=print)
    assert played.outcome.steps_total == 2 and played.outcome.steps_done == 1
    assert '"event": "step", "step": 2' in log.read_text(encoding="utf-8")


def test_an_event_log_that_cannot_be_opened_is_a_setting_error_before_anything_plays(
    tmp_path: Path,
) -> None:
    settings = replace(FAST, log_events=str(tmp_path / "no" / "log"))
    out = io.StringIO()
    with pytest.raises(SettingError) as raised:
        play(QUICK, settings, out=out, warn=print)
    assert raised.value.option == "--log-events"
    assert raised.value.message.startswith(f"cannot write {tmp_path / 'no' / 'log'}: ")
    assert out.getvalue() == ""
