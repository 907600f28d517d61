"""A track has no Enter (export/medium.py): a ready step is a timed wait whose time is said
after its cue, heard through real espeak-ng in a WAV export's log."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from calfkit.cli import cli
from calfkit.words import ready_announcement as announced


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


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="no espeak-ng")
@pytest.mark.parametrize(
    "cue",
    [
        "Lie down.",
        "Roll a mat or a blanket into a firm log and put it down in front of you.",
        "Lift your hips, lay the roller across your body under the pelvis, from one side to the"
        " other, then lower onto it slowly and find a position where your back feels at ease.",
    ],
)
def test_a_plain_ready_step_leaves_ten_seconds_after_its_cue_is_heard_in_a_track(
    tmp_path: Path, cue: str
) -> None:
    """`duration: ready` with no time: in a track it lasts its spoken cue (as espeak-ng says
    it, with the time it gives) and 10 s more to do what it asks, and says how long that is."""
    routine = tmp_path / "ready.yaml"
    routine.write_text(
        f"title: Ready\nsteps:\n  - prepare: {cue}\n    duration: ready\n"
        "  - hold: Stand on it.\n    duration: 5s\n"
    )
    log = tmp_path / "events.jsonl"
    result = CliRunner().invoke(
        cli,
        ["export", str(routine), str(tmp_path / "t.wav"), "--voice", "--log-events", str(log)],
    )
    assert result.exit_code == 0, result.output
    events = [json.loads(line) for line in log.read_text().splitlines()]
    steps = [event for event in events if event["event"] == "step"]
    lasts = steps[1]["scheduled"] - steps[0]["scheduled"]
    (said,) = [e for e in events if e["event"] == "speak" and e["text"].startswith(cue)]
    assert said["text"] == announced(cue, lasts)
    heard_until = said["scheduled"] + said["seconds"]
    assert steps[1]["scheduled"] - heard_until >= 10.0
    assert lasts >= 10.0 and lasts % 5 == 0


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="no espeak-ng")
def test_the_preview_of_a_ready_step_says_its_cue_alone(tmp_path: Path) -> None:
    routine = tmp_path / "ready.yaml"
    routine.write_text(
        "title: Ready\nsteps:\n  - hold: Stand tall.\n    duration: 8s\n"
        "  - prepare: Lie down.\n    duration: ready\n"
    )
    log = tmp_path / "events.jsonl"
    result = CliRunner().invoke(
        cli,
        ["export", str(routine), str(tmp_path / "t.wav"), "--voice", "--log-events", str(log)],
    )
    assert result.exit_code == 0, result.output
    events = [json.loads(line) for line in log.read_text().splitlines()]
    spoken = [event["text"] for event in events if event["event"] == "speak"]
    assert "Next: Lie down." in spoken
    assert "Lie down. You have 15 seconds." in spoken
    # The step's own text is the routine's; the medium's sentence is the voice's alone.
    assert [e["text"] for e in events if e["event"] == "step"] == ["Stand tall.", "Lie down."]


def test_played_faster_the_time_a_ready_step_gives_is_said_in_real_seconds() -> None:
    from calfkit import library
    from calfkit.export.medium import for_track
    from calfkit.timeline import compile_routine

    timeline = compile_routine(library.load_ref("rolled-mat-stretch"))
    (ready,) = [s for s in for_track(timeline, 2.0).segments if s.until_ready]
    assert (ready.duration, ready.said_after) == (30.0, "You have 15 seconds")
    (ready,) = [s for s in for_track(timeline).segments if s.until_ready]
    assert ready.said_after == "You have 30 seconds"
