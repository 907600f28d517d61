"""A ``repeat``/``sides``/``routine`` step's own ``note:`` reaches what is played: the plain
lines, ``play --log-events`` and ``export --log-events`` (the live view: tests/e2e)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BLOCK_NOTES = """\
title: Block notes
steps:
  - repeat: 2
    note: Keep breathing.
    rest_between: 1
    steps:
      - do: Rise.
        duration: 2
      - do: Sink.
        duration: 2
        note: Own note.
      - sides: [right, left]
        switch: 1
        note: Knees soft on the round.
        steps:
          - hold: Lean {side}
            duration: 2
  - do: After the blocks.
    duration: 1
"""

# What each step shows under its cue, in playing order: its own note, else the nearest
# enclosing block's (the switch and the rest between rounds are their block's too).
NOTES = [
    ("Rise.", "Keep breathing."),
    ("Sink.", "Own note."),
    ("Lean right", "Knees soft on the round."),
    ("Switch to your left side", "Knees soft on the round."),
    ("Lean left", "Knees soft on the round."),
    ("Rest", "Keep breathing."),
    ("Rise.", "Keep breathing."),
    ("Sink.", "Own note."),
    ("Lean right", "Knees soft on the round."),
    ("Switch to your left side", "Knees soft on the round."),
    ("Lean left", "Knees soft on the round."),
    ("After the blocks.", None),
]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    made = {k: v for k, v in os.environ.items() if k != "CALFKIT_PATH"}
    made.update(
        CALFKIT_CONFIG_DIR=str(tmp_path / "config"),
        CALFKIT_HISTORY=str(tmp_path / "history.sqlite"),
    )
    return made


def calfkit(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "calfkit", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_plain_lines_show_the_enclosing_blocks_note(tmp_path: Path, env: dict[str, str]) -> None:
    routine = tmp_path / "block-notes.yaml"
    routine.write_text(BLOCK_NOTES, encoding="utf-8")
    done = calfkit(env, "play", str(routine), "--plain", "--speed", "100", "--lead-in", "0",
                   "--sound", "off", "--no-history")  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = [line.split("] ", 1)[1] for line in done.stdout.splitlines() if line.startswith("[")]
    played: list[tuple[str, str | None]] = []
    for line in lines:
        if line.startswith("step "):
            played.append((line.split("  ", 1)[1].split(" — ")[-1].rsplit(" (", 1)[0], None))
        elif line.startswith("Note: "):
            played[-1] = (played[-1][0], line.removeprefix("Note: "))
    assert played == NOTES


@pytest.mark.parametrize("command", ["play", "export"])
def test_the_event_log_carries_each_steps_note(
    tmp_path: Path, env: dict[str, str], command: str
) -> None:
    routine = tmp_path / "block-notes.yaml"
    routine.write_text(BLOCK_NOTES, encoding="utf-8")
    log = tmp_path / "events.jsonl"
    if command == "play":
        args = ["play", str(routine), "--plain", "--speed", "100", "--no-history"]
    else:
        args = ["export", str(routine), str(tmp_path / "out.wav")]
    done = calfkit(env, *args, "--lead-in", "0", "--log-events", str(log))
    assert done.returncode == 0, done.stderr
    events = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    steps = [e for e in events if e["event"] in ("step", "switch")]
    assert [(e["text"], e.get("note")) for e in steps] == NOTES
