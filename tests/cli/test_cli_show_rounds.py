"""``calfkit show`` prints cues and notes with ``{round}``/``{rounds}`` as they are played, as
it does ``{side}``: through the real program, on a real file, in text and in ``--json``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROUNDS = """\
title: Rounds
steps:
  - repeat: 2
    steps:
      - sides: [right, left]
        switch: 0
        steps:
          - hold: Leaf {round} {side}
            duration: 2
            countdown: 0
            note: Round {round} of {rounds}.
  - repeat: 5
    steps:
      - do: Lift {round} of {rounds}
        duration: 1
"""


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    made = {k: v for k, v in os.environ.items() if k not in ("CALFKIT_PATH", "COLUMNS")}
    made.update(
        CALFKIT_CONFIG_DIR=str(tmp_path / "config"),
        CALFKIT_HISTORY=str(tmp_path / "history.sqlite"),
        COLUMNS="100",
    )
    return made


@pytest.fixture
def routine(tmp_path: Path) -> str:
    path = tmp_path / "rounds.yaml"
    path.write_text(ROUNDS, encoding="utf-8")
    return str(path)


def calfkit(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "calfkit", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, ""), done.stderr
    return done.stdout


def test_show_fills_round_and_rounds_in_cues_and_notes(routine: str, env: dict[str, str]) -> None:
    out = calfkit(env, "show", routine)
    assert "{round" not in out
    assert out.splitlines()[2:] == [
        "├── 1. 8s  Repeat 2 rounds",
        "│   └── 4s  Sides: right then left",
        "│       └── 2s  Hold:",
        "│           Round 1, right: Leaf 1 right",
        "│           Round 1, left: Leaf 1 left",
        "│           Round 2, right: Leaf 2 right",
        "│           Round 2, left: Leaf 2 left",
        "│           Round 1: Round 1 of 2.",
        "│           Round 2: Round 2 of 2.",
        "└── 2. 5s  Repeat 5 rounds",  # more than three rounds: the first two, …, the last
        "    └── 1s  Do:",
        "        Round 1: Lift 1 of 5",
        "        Round 2: Lift 2 of 5",
        "        …",
        "        Round 5: Lift 5 of 5",
        "Total: 13s, 9 timed steps",
    ]


def test_show_json_gives_every_round_as_played(
    routine: str, env: dict[str, str], tmp_path: Path
) -> None:
    data = json.loads(calfkit(env, "show", routine, "--json"))
    hold = data["steps"][0]["steps"][0]["steps"][0]
    assert "as_played" not in hold  # "Leaf {round} right" would not be what is played
    assert hold["as_played_by_round"] == [
        {"right": "Leaf 1 right", "left": "Leaf 1 left"},
        {"right": "Leaf 2 right", "left": "Leaf 2 left"},
    ]
    assert hold["note_as_played_by_round"] == ["Round 1 of 2.", "Round 2 of 2."]
    lift = data["steps"][1]["steps"][0]

    # What show says is what is played, cue for cue.
    log = tmp_path / "events.jsonl"
    calfkit(env, "play", routine, "--plain", "--speed", "100", "--lead-in", "0",
            "--sound", "off", "--no-history", "--log-events", str(log))  # fmt: skip
    events = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    played = [event["text"] for event in events if event["event"] == "step"]
    shown = [text for sides in hold["as_played_by_round"] for text in sides.values()]
    assert played == shown + lift["as_played_by_round"]
