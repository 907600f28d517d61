"""Every built-in routine loads, shows, validates against the JSON Schema, compiles to a
timeline that agrees with ``show``, plays on the fake clock, keeps the facts of its source,
and ships inside the wheel."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from calfkit import library, model, words
from calfkit.cli import cli
from calfkit.format import measure
from calfkit.format.schema import json_schema
from calfkit.player.events import Status
from calfkit.testing import play_fast
from calfkit.timeline import SegmentKind, compile_routine

REPOSITORY = Path(__file__).resolve().parent.parent
# The routines as written in the checkout, and as the calfkit under test finds them (package
# data in an installed wheel): the same files, checked below.
SOURCE_DIR = REPOSITORY / "routines"
BUILTIN_DIR = library.builtin_routines_dir()
BUILTINS = sorted(path.stem for path in BUILTIN_DIR.glob("*.yaml"))
EXPECTED = [
    "calf-care",
    "calf-release",
    "calf-release-walk",
    "calf-self-massage",
    "foam-roll-calf",
    "hip-to-heel-press",
    "rolled-mat-stretch",
]


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No user routines or CALFKIT_PATH, so every name finds the built-in."""
    monkeypatch.setenv("CALFKIT_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("CALFKIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("CALFKIT_PATH", raising=False)
    return tmp_path


def flat(steps: tuple[model.Step, ...]) -> list[model.Step]:
    """Every step, blocks and includes opened, each once (not per round or side)."""
    out: list[model.Step] = []
    for step in steps:
        out.append(step)
        if isinstance(step, (model.Repeat, model.Sides)):
            out.extend(flat(step.steps))
        elif isinstance(step, model.Include):
            out.extend(flat(step.routine.steps))
    return out


def test_the_seven_builtin_routines_are_there() -> None:
    assert BUILTINS == EXPECTED


@pytest.mark.parametrize("name", EXPECTED)
def test_builtin_loads_with_no_problems(name: str) -> None:
    path = BUILTIN_DIR / f"{name}.yaml"
    assert library.check(path) == []
    routine = library.load(path)
    assert routine.name == name
    assert routine.title and routine.description and routine.tags and routine.equipment


@pytest.mark.parametrize("name", EXPECTED)
def test_builtin_matches_the_json_schema(name: str) -> None:
    schema = json_schema()
    jsonschema.Draft7Validator.check_schema(schema)
    data = yaml.safe_load((BUILTIN_DIR / f"{name}.yaml").read_text(encoding="utf-8"))
    errors = list(jsonschema.Draft7Validator(schema).iter_errors(data))
    assert [error.message for error in errors] == []


@pytest.mark.parametrize("name", EXPECTED)
def test_builtin_shows_with_the_total_the_timeline_plays(name: str) -> None:
    routine = library.load_ref(name)
    timeline = compile_routine(routine)
    total = words.length(timeline.total)
    result = CliRunner().invoke(cli, ["show", name], env={"COLUMNS": "100"})
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.startswith(f"{routine.title} ({name})\n")
    last = result.stdout.splitlines()[-1]
    assert last.startswith(f"Total: {total}, {len(timeline.segments)} timed steps")
    shown = json.loads(CliRunner().invoke(cli, ["show", name, "--json"]).stdout)
    assert shown["total_seconds"] == pytest.approx(timeline.total)
    assert shown["step_count"] == len(timeline.segments) == measure.step_count(routine.steps)


@pytest.mark.parametrize("name", EXPECTED)
def test_builtin_plays_to_the_end_on_the_fake_clock(name: str) -> None:
    timeline = compile_routine(library.load_ref(name))
    played = play_fast(timeline)
    assert played.outcome.status is Status.FINISHED
    assert played.outcome.steps_done == len(timeline.segments)
    assert played.clock.now() == pytest.approx(timeline.total)


@pytest.mark.parametrize(
    ("name", "low", "high"),
    [
        ("calf-release", 3 * 60, 8 * 60),
        ("calf-release-walk", 2 * 60, 5 * 60),
        ("rolled-mat-stretch", 90, 5 * 60),
        ("hip-to-heel-press", 2 * 60, 6 * 60),
        ("calf-self-massage", 3 * 60, 10 * 60),
        ("foam-roll-calf", 5 * 60, 15 * 60),
        ("calf-care", 15 * 60, 35 * 60),
    ],
)
def test_builtin_lasts_a_sensible_time(name: str, low: float, high: float) -> None:
    assert low <= measure.seconds(library.load_ref(name).steps) <= high


@pytest.mark.parametrize(
    "name", ["calf-release", "hip-to-heel-press", "calf-self-massage", "foam-roll-calf"]
)
def test_builtin_whose_source_warns_carries_a_caution(name: str) -> None:
    assert library.load_ref(name).caution


def test_calf_release_lowers_over_ten_counts_in_three_foot_positions() -> None:
    routine = library.load_ref("calf-release")
    blocks = [step for step in routine.steps if isinstance(step, model.Repeat)]
    assert [block.name for block in blocks] == [
        "Feet parallel",
        "Legs turned out",
        "Legs turned in",
    ]
    for block in blocks:
        assert 2 <= block.rounds <= 3
        counts = [step for step in block.steps if isinstance(step, model.Count)]
        assert [(count.count, count.every) for count in counts] == [(10, 1.0)]
    assert "not a stretch" in (routine.caution or "")


def test_calf_release_walk_gives_each_heel_and_sitting_bone_about_thirty_seconds() -> None:
    routine = library.load_ref("calf-release-walk")
    timeline = compile_routine(routine)
    attention = [s for s in timeline.segments if s.kind is SegmentKind.DO and s.duration == 30]
    assert len(attention) == 4
    assert ["right" in s.text.lower() for s in attention] == [True, False, True, False]
    assert ["sitting bone" in s.text for s in attention] == [False, False, True, True]


def test_rolled_mat_stretch_waits_for_the_mat_and_holds_a_minute_or_more() -> None:
    routine = library.load_ref("rolled-mat-stretch")
    first = routine.steps[0]
    assert isinstance(first, model.Prepare) and first.until_ready
    holds = [step for step in routine.steps if isinstance(step, model.Hold)]
    assert sum(hold.duration for hold in holds) >= 60


def test_hip_to_heel_press_works_both_sides_with_three_focused_breaths() -> None:
    routine = library.load_ref("hip-to-heel-press")
    (sides,) = [step for step in routine.steps if isinstance(step, model.Sides)]
    assert sides.sides == (model.Side.RIGHT, model.Side.LEFT)
    counts = [step for step in sides.steps if isinstance(step, model.Count)]
    assert [count.count for count in counts] == [3]  # flex and point two or three times
    breaths = [step.breaths for step in sides.steps if isinstance(step, model.Breathe)]
    assert breaths == [1, 2]
    assert "90 degrees" in (routine.caution or "")


def test_calf_self_massage_works_three_spots_at_most() -> None:
    routine = library.load_ref("calf-self-massage")
    (spots,) = [step for step in routine.steps if isinstance(step, model.Repeat)]
    assert 2 <= spots.rounds <= 3
    assert "stop before" in (routine.caution or "")


def test_foam_roll_calf_makes_three_passes_right_then_left() -> None:
    routine = library.load_ref("foam-roll-calf")
    (sides,) = [step for step in routine.steps if isinstance(step, model.Sides)]
    assert sides.sides == (model.Side.RIGHT, model.Side.LEFT)
    passes = [step.name for step in sides.steps if step.name]
    assert passes == ["Pass 1, straight", "Pass 2, turned in", "Pass 3, turned out"]
    holds = [step for step in sides.steps if isinstance(step, model.Hold)]
    assert len(holds) == 3 and all(30 <= hold.duration <= 90 for hold in holds)
    assert "wrists" in (routine.caution or "")


def test_calf_care_includes_several_builtins() -> None:
    routine = library.load_ref("calf-care")
    included = [step.ref for step in routine.steps if isinstance(step, model.Include)]
    assert len(included) >= 3 and set(included) <= set(EXPECTED) - {"calf-care"}
    assert all(
        step.routine.path == str(BUILTIN_DIR / f"{step.ref}.yaml")
        for step in routine.steps
        if isinstance(step, model.Include)
    )


@pytest.mark.parametrize("name", EXPECTED)
def test_side_words_appear_only_inside_sides_blocks(name: str) -> None:
    routine = library.load_ref(name)
    for segment in compile_routine(routine).segments:
        assert "{side}" not in segment.text and "{other_side}" not in segment.text


def test_the_wheel_ships_every_builtin_routine_and_a_wheel_install_lists_them(
    tmp_path: Path,
) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "-q", "-w", str(wheels)],
        cwd=REPOSITORY,
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = wheels.glob("calfkit-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        shipped = sorted(n for n in archive.namelist() if n.startswith("calfkit/routines/"))
        assert shipped == sorted(f"calfkit/routines/{name}.yaml" for name in EXPECTED)
        for name in EXPECTED:
            packaged = archive.read(f"calfkit/routines/{name}.yaml")
            assert packaged == (SOURCE_DIR / f"{name}.yaml").read_bytes()
        # A pure-Python wheel is a zip of the installed files: unpacked, it is an install.
        installed = tmp_path / "site"
        archive.extractall(installed)
    env = {**os.environ, "PYTHONPATH": str(installed)}
    done = subprocess.run(
        [sys.executable, "-m", "calfkit", "list", "--json"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (done.returncode, done.stderr) == (0, "")
    listed = json.loads(done.stdout)
    assert [(entry["name"], entry["source"]) for entry in listed] == [
        (name, "built-in") for name in EXPECTED
    ]
    assert {Path(entry["path"]).parent for entry in listed} == {installed / "calfkit" / "routines"}
