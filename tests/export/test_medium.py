"""A track has no Enter (export/medium.py): a ready step is a timed wait whose time is said
after its cue, heard through real espeak-ng in a WAV export's log."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from calfkit.cli import cli
from calfkit.export.medium import announced


def test_the_time_is_said_after_the_cue_as_a_sentence() -> None:
    assert announced("Roll the mat into a log.", 20.0) == (
        "Roll the mat into a log. You have 20 seconds."
    )
    assert announced("Lie down", 1.0) == "Lie down. You have 1 second."


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="no espeak-ng")
def test_a_track_says_how_long_a_ready_step_lasts_and_never_says_enter(tmp_path: Path) -> None:
    routine = tmp_path / "ready.yaml"
    routine.write_text(
        "title: Ready\nsteps:\n  - prepare: Roll the mat into a log.\n"
        "    duration: ready 20s\n  - hold: Stand on it.\n    duration: 5s\n"
    )
    log = tmp_path / "events.jsonl"
    result = CliRunner().invoke(
        cli,
        ["export", str(routine), str(tmp_path / "t.wav"), "--voice", "--log-events", str(log)],
    )
    assert result.exit_code == 0, result.output
    spoken = [
        event["text"]
        for event in map(json.loads, log.read_text().splitlines())
        if event["event"] == "speak"
    ]
    assert "Roll the mat into a log. You have 20 seconds." in spoken
    assert not any("Enter" in text or "Stand on it. You have" in text for text in spoken)
