"""The live view's state, folded from a real routine's events as the player plays them on a
fake clock: what the digits say, the detail and "Next" lines, warnings and progress, all
without rich."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from calfkit.library import load
from calfkit.player.events import Command, Event, EventKind
from calfkit.sinks.live.state import ViewState, kind_label
from calfkit.testing import play_fast
from calfkit.timeline import SegmentKind, Timeline, compile_routine, counted
from calfkit.words import countdown

ROUTINE = """\
title: Wall Work
caution: Ease off at any sharp pull.
equipment: [wall]
steps:
  - hold: Lean into the wall
    duration: 20
    note: Heel stays down.
  - count: 4
    every: 2
    cue: Lower your heels
  - breathe: 2
    inhale: 3
    exhale: 3
"""


@dataclass(frozen=True)
class Seen:
    """What the state said right after folding one event."""

    event: Event
    digits: str | None
    detail: str
    next_line: str
    warnings: tuple[str, ...]
    progress: tuple[float, float, float]


class Folding:
    """A sink that folds every event into a ViewState and notes what it then says."""

    def __init__(self, state: ViewState | None = None) -> None:
        self.state = ViewState() if state is None else state
        self.seen: list[Seen] = []

    def handle(self, event: Event) -> None:
        self.state.fold(event)
        state = self.state
        self.seen.append(
            Seen(
                event,
                state.counter_text(),
                state.detail(),
                state.next_line(),
                tuple(state.warnings),
                state.progress(),
            )
        )

    def close(self) -> None:
        pass

    def after(self, kind: EventKind, step: int) -> list[Seen]:
        return [seen for seen in self.seen if seen.event.kind is kind and seen.event.step == step]


@pytest.fixture
def timeline(tmp_path: Path) -> Timeline:
    path = tmp_path / "wall-work.yaml"
    path.write_text(ROUTINE, encoding="utf-8")
    return compile_routine(load(path))


def test_start_takes_the_title_caution_and_equipment_and_the_whole_routine_is_left(
    timeline: Timeline,
) -> None:
    state = ViewState()
    played = play_fast(timeline)
    state.fold(played.events[0])
    assert played.events[0].kind is EventKind.START
    assert (state.title, state.caution, state.equipment) == (
        "Wall Work",
        "Ease off at any sharp pull.",
        ("wall",),
    )
    assert state.routine_left == timeline.total
    assert state.counter_text() is None
    assert state.next_line() == ""


def test_on_a_hold_the_digits_count_down_what_is_left_of_the_step(timeline: Timeline) -> None:
    folding = Folding()
    play_fast(timeline, sinks=[folding])
    ticks = folding.after(EventKind.TICK, 1)
    assert ticks
    for seen in ticks:
        assert seen.event.step_left is not None
        assert seen.digits == countdown(seen.event.step_left)
        assert seen.detail == "Hold"
        assert seen.next_line == "Next: Lower your heels"
    assert ticks[0].digits == "00:19"


def test_a_count_shows_n_of_total_and_plus_raises_the_total(timeline: Timeline) -> None:
    folding = Folding()
    play_fast(timeline, keys=[(23.0, Command.EXTEND)], sinks=[folding])
    counts = [seen.digits for seen in folding.after(EventKind.COUNT, 2)]
    assert counts[:2] == ["1 of 4", "2 of 4"]
    (extended,) = folding.after(EventKind.EXTEND, 2)
    # One ``+`` adds as many counts as make at least 10 s: five of 2 s.
    assert extended.digits == "2 of 9"
    assert counts[-1] == "9 of 9"
    assert extended.detail == "Count"


def test_a_breath_shows_in_or_out_in_the_digits_and_in_words_under_them(
    timeline: Timeline,
) -> None:
    folding = Folding()
    play_fast(timeline, sinks=[folding])
    breaths = folding.after(EventKind.BREATH, 3)
    assert [seen.digits for seen in breaths] == ["in 1", "out 1", "in 2", "out 2"]
    assert breaths[1].detail == "Breathe · breath 1 of 2 · exhale"
    assert breaths[0].next_line == "Next: finish"


def test_a_warning_before_the_first_step_lasts_through_it_and_a_later_one_till_the_next(
    timeline: Timeline,
) -> None:
    state = ViewState()
    state.warn("sound: no device")
    folding = Folding(state)

    class WarnAtTheCount:
        def handle(self, event: Event) -> None:
            if event.kind is EventKind.COUNT and event.number == 1:
                state.warn("speech: off")

        def close(self) -> None:
            pass

    play_fast(timeline, sinks=[folding, WarnAtTheCount()])
    assert folding.after(EventKind.STEP, 1)[0].warnings == ("sound: no device",)
    assert folding.after(EventKind.STEP, 2)[0].warnings == ()
    assert folding.after(EventKind.COUNT, 2)[-1].warnings == ("speech: off",)
    assert folding.after(EventKind.STEP, 3)[0].warnings == ()
    assert state.warned == 2


def test_time_added_to_a_hold_is_not_progress(timeline: Timeline) -> None:
    folding = Folding()
    play_fast(timeline, keys=[(15.0, Command.EXTEND)], sinks=[folding])
    hold_end = timeline.segments[0].end
    for seen in folding.after(EventKind.TICK, 1):
        total, done, _ = seen.progress
        assert total == timeline.total
        assert done <= hold_end
    (extended,) = folding.after(EventKind.EXTEND, 1)
    assert extended.digits == "00:15"  # 5 s were left, and 10 s more
    assert extended.progress[1] == pytest.approx(15.0)


def test_warning_and_speak_events_change_nothing_but_the_warnings(timeline: Timeline) -> None:
    played = play_fast(timeline)
    state = ViewState()
    for event in played.events[:3]:
        state.fold(event)
    looks = state.looks()
    step = played.events[2]
    state.fold(Event(EventKind.SPEAK, 1.0, 1.0, 0.0, step=step.step, routine_left=1.0))
    assert state.looks() == looks
    state.fold(Event(EventKind.WARNING, 1.0, 1.0, 0.0, text="sound: gone", routine_left=1.0))
    assert state.warnings == ["sound: gone"]
    assert state.routine_left == looks[2]


@pytest.mark.parametrize("kind", list(SegmentKind))
def test_every_kind_of_step_has_its_own_label(kind: SegmentKind) -> None:
    labels = {kind_label(other) for other in SegmentKind if other is not kind}
    assert kind_label(kind) and kind_label(kind) not in labels


def test_only_count_reps_and_breathe_steps_count_in_the_digits() -> None:
    assert {kind: counted(kind) for kind in SegmentKind if counted(kind)} == {
        SegmentKind.COUNT: "count",
        SegmentKind.REPS: "rep",
        SegmentKind.BREATHE: "breath",
    }


def test_reps_show_the_rep_in_the_digits_and_up_or_down_under_them(tmp_path: Path) -> None:
    path = tmp_path / "raises.yaml"
    path.write_text("title: Raises\nsteps:\n  - reps: 3\n    up: 1\n    down: 2\n")
    folding = Folding()
    play_fast(compile_routine(load(path)), sinks=[folding])
    counts = folding.after(EventKind.COUNT, 1)
    downs = folding.after(EventKind.DOWN, 1)
    assert [seen.digits for seen in counts] == ["1 of 3", "2 of 3", "3 of 3"]
    assert [seen.detail for seen in counts] == ["Reps · up"] * 3
    assert [(seen.digits, seen.detail) for seen in downs] == [
        ("1 of 3", "Reps · down"),
        ("2 of 3", "Reps · down"),
        ("3 of 3", "Reps · down"),
    ]


def test_the_state_folds_a_whole_session_without_importing_rich(tmp_path: Path) -> None:
    path = tmp_path / "wall-work.yaml"
    path.write_text(ROUTINE, encoding="utf-8")
    code = (
        "import sys\n"
        "from calfkit.library import load\n"
        "from calfkit.sinks.live.state import ViewState\n"
        "from calfkit.testing import play_fast\n"
        "from calfkit.timeline import compile_routine\n"
        "state = ViewState()\n"
        f"for event in play_fast(compile_routine(load({str(path)!r}))).events:\n"
        "    state.fold(event)\n"
        "print(state.summary().finished, sorted(m for m in sys.modules if m.startswith('rich')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "True []"
