"""outline: show's JSON and the words of its tree, built in the library (the command prints)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from calfkit import library
from calfkit.cli import cli
from calfkit.format import outline

GOOD = Path(__file__).parent.parent / "routines" / "good"


def test_show_json_prints_exactly_the_librarys_json() -> None:
    path = GOOD / "every-kind.yaml"
    result = CliRunner().invoke(cli, ["show", str(path), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == json.loads(json.dumps(outline.to_json(library.load(path))))


def test_every_step_has_its_kind_key_time_and_settings_in_json() -> None:
    routine = library.load(GOOD / "every-kind.yaml")
    kinds = [step["kind"] for step in outline.to_json(routine)["steps"]]  # type: ignore[index]
    assert kinds == [
        "prepare", "do", "hold", "count", "breathe", "rest", "repeat", "sides", "routine"
    ]  # fmt: skip
    hold = outline.step_json(routine.steps[2])
    assert hold == {
        "kind": "hold",
        "seconds": 20.0,
        "text": "Stay on the tight spot.",
        "countdown": 5,
    }


def test_the_tree_says_each_kind_and_its_cue_in_words() -> None:
    routine = library.load(GOOD / "every-kind.yaml")
    labels = [outline.label(step) for step in routine.steps]
    assert labels[2] == ("Hold, beeps for the last 5s", "Stay on the tight spot.")
    assert labels[3] == ("Count 12, every 1.5s", "Flex and point the foot.")
    assert labels[6] == ("Repeat 2 rounds, 10s rest between", "")
    assert outline.time_text(routine.steps[0]) == "until ready (15s)"


def test_the_steps_inside_a_sides_block_are_played_on_its_sides() -> None:
    routine = library.load(GOOD / "every-kind.yaml")
    inside = outline.inner(routine.steps[7])
    assert [side.value for side in inside.sides] == ["right", "left"]
    assert outline.played_lines(inside.steps[0].text, inside.sides, None) == [  # type: ignore[union-attr]
        ("Right", "Keep the right leg straight, the left one bent."),
        ("Left", "Keep the left leg straight, the right one bent."),
    ]
    assert outline.inner(routine.steps[0]).steps == ()
