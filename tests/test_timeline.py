"""Compiling routines into timelines: every step kind, blocks, and agreement with measure."""

from __future__ import annotations

from pathlib import Path

import pytest

from calfkit import library
from calfkit.format import measure
from calfkit.library import load
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
from calfkit.timeline import Segment, SegmentKind, Tick, TickKind, compile_routine

BUILTINS = sorted((Path(__file__).parent.parent / "routines").glob("*.yaml"))


def routine(*steps: Step, title: str = "Test") -> Routine:
    return Routine(name="test", title=title, steps=steps)


def rows(segments: tuple[Segment, ...]) -> list[tuple[object, ...]]:
    return [(s.index, s.top, s.kind, s.text, s.start, s.duration, s.where) for s in segments]


def test_prepare_defaults_to_ten_seconds_and_do_takes_its_duration() -> None:
    timeline = compile_routine(routine(Prepare(text="Get set"), Do(text="Rise", duration=4)))
    assert rows(timeline.segments) == [
        (1, 1, SegmentKind.PREPARE, "Get set", 0.0, 10.0, ()),
        (2, 2, SegmentKind.DO, "Rise", 10.0, 4.0, ()),
    ]
    assert timeline.total == 14.0


def test_a_ready_step_is_marked_and_counts_ten_seconds() -> None:
    timeline = compile_routine(routine(Do(text="Set up", duration=10.0, until_ready=True)))
    (segment,) = timeline.segments
    assert segment.until_ready
    assert segment.duration == 10.0


def test_a_hold_counts_down_its_last_seconds() -> None:
    (segment,) = compile_routine(routine(Hold(text="Hold", duration=30))).segments
    assert segment.ticks == (
        Tick(27.0, TickKind.COUNTDOWN, 3, 3),
        Tick(28.0, TickKind.COUNTDOWN, 2, 3),
        Tick(29.0, TickKind.COUNTDOWN, 1, 3),
    )


def test_a_hold_shorter_than_its_countdown_gets_fewer_ticks() -> None:
    (segment,) = compile_routine(routine(Hold(text="Hold", duration=2, countdown=5))).segments
    assert [(t.offset, t.number) for t in segment.ticks] == [(0.0, 2), (1.0, 1)]
    (fraction,) = compile_routine(routine(Hold(text="Hold", duration=1.5))).segments
    assert [(t.offset, t.number) for t in fraction.ticks] == [(0.5, 1)]


def test_a_hold_with_countdown_zero_has_no_ticks() -> None:
    (segment,) = compile_routine(routine(Hold(text="Hold", duration=20, countdown=0))).segments
    assert segment.ticks == ()


def test_a_count_ticks_at_each_count_and_names_itself_without_a_cue() -> None:
    (segment,) = compile_routine(routine(Count(count=4, every=1.5))).segments
    assert (segment.kind, segment.text, segment.duration) == (SegmentKind.COUNT, "Count to 4", 6.0)
    assert segment.ticks == tuple(
        Tick(o, TickKind.COUNT, i, 4) for i, o in [(1, 0.0), (2, 1.5), (3, 3.0), (4, 4.5)]
    )
    (cued,) = compile_routine(routine(Count(count=2, cue="Lower slowly"))).segments
    assert cued.text == "Lower slowly"


def test_breaths_tick_inhale_then_exhale() -> None:
    (segment,) = compile_routine(routine(Breathe(breaths=2, inhale=3, exhale=5))).segments
    assert (segment.text, segment.duration) == ("Breathe", 16.0)
    assert segment.ticks == (
        Tick(0.0, TickKind.INHALE, 1, 2),
        Tick(3.0, TickKind.EXHALE, 1, 2),
        Tick(8.0, TickKind.INHALE, 2, 2),
        Tick(11.0, TickKind.EXHALE, 2, 2),
    )
    (cued,) = compile_routine(routine(Breathe(breaths=1, cue="Breathe into the calf"))).segments
    assert cued.text == "Breathe into the calf"


def test_reps_count_each_rep_and_tick_down_after_up_and_the_top_pause() -> None:
    step = Reps(reps=2, up=1.0, top=0.5, down=3.0, bottom=1.5)
    (segment,) = compile_routine(routine(step)).segments
    assert (segment.kind, segment.text, segment.duration) == (SegmentKind.REPS, "2 reps", 12.0)
    assert segment.ticks == (
        Tick(0.0, TickKind.COUNT, 1, 2),
        Tick(1.5, TickKind.DOWN, 1, 2),
        Tick(6.0, TickKind.COUNT, 2, 2),
        Tick(7.5, TickKind.DOWN, 2, 2),
    )
    (one,) = compile_routine(routine(Reps(reps=1))).segments
    assert (one.text, one.duration, one.ticks[1]) == ("1 rep", 4.0, Tick(2.0, TickKind.DOWN, 1, 1))
    sided = Sides(sides=(Side.LEFT,), steps=(Reps(reps=1, cue="Raise the {side} heel"),))
    (cued,) = compile_routine(routine(sided)).segments
    assert cued.text == "Raise the left heel"


def test_rest_uses_its_cue_or_rest() -> None:
    timeline = compile_routine(routine(Rest(duration=5), Rest(duration=3, cue="Legs soft")))
    assert [(s.kind, s.text) for s in timeline.segments] == [
        (SegmentKind.REST, "Rest"),
        (SegmentKind.REST, "Legs soft"),
    ]


def test_rounds_rest_between_but_not_after_the_last() -> None:
    timeline = compile_routine(
        routine(
            Repeat(rounds=3, rest_between=5, steps=(Do(text="Rise", duration=4),)),
            Do(text="Done", duration=1),
        )
    )
    assert rows(timeline.segments) == [
        (1, 1, SegmentKind.DO, "Rise", 0.0, 4.0, ("Round 1 of 3",)),
        (2, 1, SegmentKind.REST, "Rest", 4.0, 5.0, ("Round 1 of 3",)),
        (3, 1, SegmentKind.DO, "Rise", 9.0, 4.0, ("Round 2 of 3",)),
        (4, 1, SegmentKind.REST, "Rest", 13.0, 5.0, ("Round 2 of 3",)),
        (5, 1, SegmentKind.DO, "Rise", 18.0, 4.0, ("Round 3 of 3",)),
        (6, 2, SegmentKind.DO, "Done", 22.0, 1.0, ()),
    ]


def test_sides_fill_side_names_and_announce_the_switch() -> None:
    timeline = compile_routine(
        routine(
            Sides(
                sides=(Side.RIGHT, Side.LEFT),
                switch=5,
                steps=(
                    Hold(
                        text="Lean into your {side} calf, {other_side} knee soft",
                        duration=20,
                        note="Keep the {side} heel down",
                    ),
                ),
            )
        )
    )
    assert rows(timeline.segments) == [
        (
            1,
            1,
            SegmentKind.HOLD,
            "Lean into your right calf, left knee soft",
            0.0,
            20.0,
            ("Right side",),
        ),
        (2, 1, SegmentKind.SWITCH, "Switch to your left side", 20.0, 5.0, ()),
        (
            3,
            1,
            SegmentKind.HOLD,
            "Lean into your left calf, right knee soft",
            25.0,
            20.0,
            ("Left side",),
        ),
    ]
    assert [s.side for s in timeline.segments] == [Side.RIGHT, Side.LEFT, Side.LEFT]
    assert [s.note for s in timeline.segments] == [
        "Keep the right heel down",
        None,
        "Keep the left heel down",
    ]
    # Same steps, same times on both sides.
    assert timeline.segments[0].ticks == timeline.segments[2].ticks


def test_switch_zero_means_no_switch_segment() -> None:
    timeline = compile_routine(
        routine(
            Sides(sides=(Side.LEFT, Side.RIGHT), switch=0, steps=(Do(text="{side}", duration=1),))
        )
    )
    assert [s.text for s in timeline.segments] == ["left", "right"]


def test_the_other_side_of_a_single_side_is_the_opposite_one() -> None:
    timeline = compile_routine(
        routine(Sides(sides=(Side.LEFT,), steps=(Do(text="{side}/{other_side}", duration=1),)))
    )
    assert [s.text for s in timeline.segments] == ["left/right"]


def test_braces_other_than_side_are_left_alone() -> None:
    timeline = compile_routine(
        routine(Sides(sides=(Side.RIGHT,), steps=(Do(text="{x} {side} {}", duration=1),)))
    )
    assert timeline.segments[0].text == "{x} right {}"


def test_nested_blocks_stack_where_outermost_first() -> None:
    timeline = compile_routine(
        routine(
            Repeat(
                rounds=2,
                steps=(
                    Sides(
                        sides=(Side.RIGHT, Side.LEFT),
                        switch=0,
                        steps=(Do(text="Press {side}", duration=2),),
                    ),
                ),
            ),
        )
    )
    assert [(s.text, s.where) for s in timeline.segments] == [
        ("Press right", ("Round 1 of 2", "Right side")),
        ("Press left", ("Round 1 of 2", "Left side")),
        ("Press right", ("Round 2 of 2", "Right side")),
        ("Press left", ("Round 2 of 2", "Left side")),
    ]


def test_an_included_routine_plays_in_place_under_its_title() -> None:
    warmup = routine(Do(text="Ankle circles", duration=20), title="Warm-up")
    timeline = compile_routine(
        routine(
            Prepare(text="Sit down", duration=5),
            Include(ref="warmup", routine=warmup),
            Rest(duration=5),
        )
    )
    assert rows(timeline.segments) == [
        (1, 1, SegmentKind.PREPARE, "Sit down", 0.0, 5.0, ()),
        (2, 2, SegmentKind.DO, "Ankle circles", 5.0, 20.0, ("Warm-up",)),
        (3, 3, SegmentKind.REST, "Rest", 25.0, 5.0, ()),
    ]


def test_names_come_from_the_step_or_the_nearest_named_block() -> None:
    timeline = compile_routine(
        routine(
            Repeat(
                rounds=1,
                name="Feet parallel",
                steps=(
                    Do(text="Rise", duration=1),
                    Do(text="Lower", duration=1, name="Down"),
                ),
            ),
            Do(text="Stand", duration=1),
        )
    )
    assert [s.name for s in timeline.segments] == ["Feet parallel", "Down", None]


def test_compiling_is_pure() -> None:
    r = routine(Repeat(rounds=2, steps=(Breathe(breaths=2),)), Hold(text="Hold", duration=9))
    assert compile_routine(r) == compile_routine(r)


@pytest.mark.parametrize("path", BUILTINS, ids=lambda p: p.stem)
def test_builtin_totals_and_event_counts_agree_with_measure(path: Path) -> None:
    loaded = load(path)
    timeline = compile_routine(loaded)
    assert timeline.total == pytest.approx(measure.seconds(loaded.steps), abs=1e-9)
    events = len(timeline.segments) + sum(len(s.ticks) for s in timeline.segments)
    assert events == measure.event_count(loaded.steps)
    assert [s.index for s in timeline.segments] == list(range(1, len(timeline.segments) + 1))
    for before, after in zip(timeline.segments, timeline.segments[1:], strict=False):
        assert after.start == before.end
    assert all("{side}" not in s.text and "{other_side}" not in s.text for s in timeline.segments)


def test_there_are_builtin_routines_to_check() -> None:
    assert len(BUILTINS) >= 3


def test_an_included_file_compiles_in_place_with_its_sides_filled(tmp_path: Path) -> None:
    (tmp_path / "parts").mkdir()
    (tmp_path / "parts" / "press.yaml").write_text(
        "title: Heel press\n"
        "steps:\n"
        "  - sides: [left, right]\n"
        "    switch: 3s\n"
        "    steps:\n"
        "      - hold: Press the {side} heel into the roller\n"
        "        duration: 20s\n",
        encoding="utf-8",
    )
    main = tmp_path / "main.yaml"
    main.write_text(
        "title: Session\n"
        "steps:\n"
        "  - prepare: Lie on your back\n"
        "  - repeat: 2\n"
        "    steps:\n"
        "      - routine: parts/press.yaml\n",
        encoding="utf-8",
    )
    timeline = compile_routine(load(main))
    assert [(s.top, s.kind, s.text, s.start, s.where) for s in timeline.segments] == [
        (1, SegmentKind.PREPARE, "Lie on your back", 0.0, ()),
        (
            2,
            SegmentKind.HOLD,
            "Press the left heel into the roller",
            10.0,
            ("Round 1 of 2", "Heel press", "Left side"),
        ),
        (2, SegmentKind.SWITCH, "Switch to your right side", 30.0, ("Round 1 of 2", "Heel press")),
        (
            2,
            SegmentKind.HOLD,
            "Press the right heel into the roller",
            33.0,
            ("Round 1 of 2", "Heel press", "Right side"),
        ),
        (
            2,
            SegmentKind.HOLD,
            "Press the left heel into the roller",
            53.0,
            ("Round 2 of 2", "Heel press", "Left side"),
        ),
        (2, SegmentKind.SWITCH, "Switch to your right side", 73.0, ("Round 2 of 2", "Heel press")),
        (
            2,
            SegmentKind.HOLD,
            "Press the right heel into the roller",
            76.0,
            ("Round 2 of 2", "Heel press", "Right side"),
        ),
    ]
    assert timeline.total == 96.0 == measure.seconds(load(main).steps)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_huge_countdown_compiles_to_the_beeps_that_fit(tmp_path: Path) -> None:
    path = write(
        tmp_path / "c.yaml",
        f"title: T\nsteps:\n  - hold: x\n    duration: 5\n    countdown: {10**40}\n",
    )
    (segment,) = compile_routine(library.load(path)).segments
    assert [tick.number for tick in segment.ticks] == [5, 4, 3, 2, 1]


def test_round_and_rounds_are_filled_in_inside_repeat(tmp_path: Path) -> None:
    path = write(
        tmp_path / "r.yaml",
        "title: T\nsteps:\n  - repeat: 2\n    steps:\n"
        "      - do: Round {round} of {rounds}, {round}.\n        duration: 1\n"
        "        note: '{rounds} in all'\n",
    )
    assert library.check(path) == []
    texts = [(s.text, s.note) for s in compile_routine(library.load(path)).segments]
    assert texts == [("Round 1 of 2, 1.", "2 in all"), ("Round 2 of 2, 2.", "2 in all")]
