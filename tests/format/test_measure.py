"""measure: totals and event counts by arithmetic, following the timeline semantics."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from calfkit import library
from calfkit.format import measure
from calfkit.model import (
    Breathe,
    Count,
    Do,
    Hold,
    Include,
    Prepare,
    Repeat,
    Reps,
    Rest,
    Routine,
    Side,
    Sides,
    Step,
)


def routine(*steps: Step) -> Routine:
    return Routine(name="part", title="Part", steps=steps)


@pytest.mark.parametrize(
    ("step", "seconds", "events"),
    [
        (Prepare(text="p"), 10.0, 1),
        (Prepare(text="p", duration=10.0, until_ready=True), 10.0, 1),
        (Do(text="d", duration=4.5), 4.5, 1),
        (Rest(duration=30.0), 30.0, 1),
        # countdown ticks at duration - k for k = 3, 2, 1
        (Hold(text="h", duration=20.0), 20.0, 1 + 3),
        (Hold(text="h", duration=20.0, countdown=0), 20.0, 1),
        (Hold(text="h", duration=20.0, countdown=10), 20.0, 1 + 10),
        # a hold shorter than its countdown: only k <= duration gives a tick
        (Hold(text="h", duration=2.5, countdown=5), 2.5, 1 + 2),
        (Hold(text="h", duration=2.0, countdown=5), 2.0, 1 + 2),
        (Hold(text="h", duration=0.5, countdown=3), 0.5, 1),
        (Count(count=10), 10.0, 1 + 10),
        (Count(count=4, every=1.5), 6.0, 1 + 4),
        (Breathe(breaths=3), 30.0, 1 + 6),
        (Breathe(breaths=2, inhale=3.0, exhale=5.0), 16.0, 1 + 4),
        # each rep is counted at its start and says "down" once
        (Reps(reps=10), 40.0, 1 + 20),
        (Reps(reps=3, up=1.0, top=0.5, down=3.0, bottom=1.0), 16.5, 1 + 6),
    ],
)
def test_a_single_step_lasts_and_counts_as_the_timeline_plays_it(
    step: Step, seconds: float, events: int
) -> None:
    assert measure.seconds([step]) == seconds
    assert measure.event_count([step]) == events


def test_a_repeat_multiplies_its_steps_and_rests_between_rounds_only() -> None:
    inner = (Do(text="d", duration=4.0), Count(count=10))  # 14 s, 1 + 11 events
    assert measure.seconds([Repeat(rounds=3, steps=inner)]) == 42.0
    assert measure.event_count([Repeat(rounds=3, steps=inner)]) == 36
    with_rests = Repeat(rounds=3, steps=inner, rest_between=5.0)
    assert measure.seconds([with_rests]) == 42.0 + 2 * 5.0
    assert measure.event_count([with_rests]) == 36 + 2


def test_sides_play_their_steps_per_side_with_switches_between() -> None:
    inner = (Hold(text="{side}", duration=30.0),)  # 30 s, 4 events
    both = Sides(sides=(Side.RIGHT, Side.LEFT), steps=inner)
    assert measure.seconds([both]) == 60.0 + 5.0
    assert measure.event_count([both]) == 8 + 1
    no_switch = Sides(sides=(Side.RIGHT, Side.LEFT), steps=inner, switch=0.0)
    assert measure.seconds([no_switch]) == 60.0
    assert measure.event_count([no_switch]) == 8
    one = Sides(sides=(Side.LEFT,), steps=inner, switch=8.0)
    assert measure.seconds([one]) == 30.0
    assert measure.event_count([one]) == 4


def test_an_include_counts_the_included_routine_in_place() -> None:
    part = routine(Rest(duration=20.0), Count(count=5))
    steps = [
        Include(ref="part", routine=part),
        Repeat(rounds=2, steps=(Include(ref="part", routine=part),)),
    ]
    assert measure.seconds(steps) == 25.0 * 3
    assert measure.event_count(steps) == 7 * 3


def test_a_whole_routine_adds_up_its_top_level_steps() -> None:
    steps = [
        Prepare(text="p", duration=15.0),
        Repeat(
            rounds=3,
            rest_between=10.0,
            steps=(Do(text="d", duration=4.0), Count(count=10), Rest(duration=5.0)),
        ),
        Sides(sides=(Side.RIGHT, Side.LEFT), steps=(Hold(text="h", duration=90.0),)),
    ]
    # 15 + 3 * 19 + 2 * 10 + 2 * 90 + 5
    assert measure.seconds(steps) == 277.0
    # 1 + 3 * (1 + 11 + 1) + 2 + 2 * 4 + 1
    assert measure.event_count(steps) == 51


def test_nesting_counts_repeat_sides_and_routine_levels() -> None:
    assert measure.nesting([Rest(duration=1.0)]) == 0
    leaf = (Rest(duration=1.0),)
    two = Repeat(rounds=2, steps=(Sides(sides=(Side.LEFT,), steps=leaf),))
    assert measure.nesting([two, Rest(duration=1.0)]) == 2
    included = Include(ref="x", routine=routine(two))
    assert measure.nesting([Repeat(rounds=1, steps=(included,))]) == 4


def test_vast_expansions_are_measured_instantly() -> None:
    step: Step = Hold(text="h", duration=7200.0, countdown=1000)
    for _ in range(8):
        step = Repeat(rounds=100, steps=(step, step), rest_between=1.0)
    started = time.perf_counter()
    events = measure.event_count([step])
    total = measure.seconds([step])
    assert time.perf_counter() - started < 10.0  # a hang guard; speed is in bench/
    assert events > 10**20
    assert total > 10**20


GOOD = sorted((Path(__file__).parent.parent / "routines" / "good").glob("*.yaml"))


@pytest.mark.parametrize("path", GOOD, ids=lambda path: path.name)
def test_measure_agrees_with_the_compiled_timeline(path: Path) -> None:
    from calfkit.library import load
    from calfkit.timeline import compile_routine

    loaded = load(path)
    timeline = compile_routine(loaded)
    ticks = sum(len(segment.ticks) for segment in timeline.segments)
    assert measure.event_count(loaded.steps) == len(timeline.segments) + ticks
    assert measure.seconds(loaded.steps) == pytest.approx(timeline.total, abs=1e-6)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty calfkit config folder, no CALFKIT_PATH and a private cache."""
    monkeypatch.setenv("CALFKIT_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("CALFKIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("CALFKIT_PATH", raising=False)
    return tmp_path


GOOD_FILES = sorted((Path(__file__).parent.parent / "routines" / "good").glob("*.yaml"))


@pytest.mark.parametrize("path", GOOD_FILES, ids=lambda p: p.stem)
def test_step_count_is_the_number_of_timeline_segments(path: Path, home: Path) -> None:
    from calfkit.timeline import compile_routine

    routine = library.load(path)
    if measure.event_count(routine.steps) > 20_000:
        # Arithmetic only: compiling a routine at the event limit is the timeline's test.
        assert measure.step_count(routine.steps) <= measure.event_count(routine.steps)
        return
    assert measure.step_count(routine.steps) == len(compile_routine(routine).segments)
