"""How long a routine lasts and how many timed events it has, by arithmetic, never by expanding.

These follow the timeline semantics exactly (one segment per timed step, plus ticks, plus
rests between rounds and switches between sides), so the limits the loader checks, the totals
``show`` and ``list`` print and the timeline the player compiles all agree. A routine of 100
rounds nested eight deep is measured in a handful of operations.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from calfkit.model import (
    READY_FALLBACK_SECONDS,
    BlockVisitor,
    Breathe,
    Count,
    Do,
    Hold,
    Include,
    Prepare,
    Repeat,
    Reps,
    Rest,
    Sides,
    Step,
    StepVisitor,
    TimedStep,
    every_step,
    inner_steps,
)


def seconds(steps: Sequence[Step]) -> float:
    """Total playing time of the steps, in seconds (a ready step counts its fallback time)."""
    total = 0.0
    for step in steps:
        total += step.accept(_SECONDS)
    return total


def step_seconds(step: Step) -> float:
    """Playing time of one step, with everything inside it."""
    return step.accept(_SECONDS)


def step_count(steps: Sequence[Step]) -> int:
    """How many timed steps a person goes through: the timeline's segments, without expanding."""
    return sum(step.accept(_SEGMENTS) for step in steps)


def event_count(steps: Sequence[Step]) -> int:
    """Timeline segments plus ticks that the steps compile to."""
    return sum(step.accept(_EVENTS) for step in steps)


def step_events(step: Step) -> int:
    """Segments plus ticks of one step, with everything inside it."""
    return step.accept(_EVENTS)


def nesting(steps: Sequence[Step]) -> int:
    """How many levels of repeat, sides and routine are nested in the steps (0 for none)."""
    deepest = 0
    for step in steps:
        inner = inner_steps(step)
        if inner:
            deepest = max(deepest, 1 + nesting(inner))
    return deepest


def waits_for_enter(steps: tuple[Step, ...]) -> bool:
    """Whether any of the steps, or any step inside them, waits until Enter is pressed."""
    return any(step.accept(_WAITS) for step in every_step(steps))


def step_waits(step: Step) -> bool:
    """Whether the step itself (not a step inside it) waits until Enter is pressed."""
    return step.accept(_WAITS)


def own_ready_times(steps: tuple[Step, ...]) -> bool:
    """Whether any step that waits for Enter gives its own time for where nobody presses it
    (``duration: ready 20s``), rather than the fallback."""
    return any(step.accept(_OWN_READY) for step in every_step(steps))


def _rests_between(step: Repeat) -> int:
    return step.rounds - 1 if step.rest_between else 0


def _switches(step: Sides) -> int:
    return len(step.sides) - 1 if step.switch > 0 else 0


class _Seconds(StepVisitor[float]):
    def prepare(self, step: Prepare) -> float:
        return step.duration

    def do(self, step: Do) -> float:
        return step.duration

    def hold(self, step: Hold) -> float:
        return step.duration

    def count(self, step: Count) -> float:
        return step.count * step.every

    def reps(self, step: Reps) -> float:
        return step.reps * step.rep_seconds

    def breathe(self, step: Breathe) -> float:
        return step.breaths * (step.inhale + step.exhale)

    def rest(self, step: Rest) -> float:
        return step.duration

    def repeat(self, step: Repeat) -> float:
        rests = (step.rounds - 1) * step.rest_between if step.rest_between else 0.0
        return step.rounds * seconds(step.steps) + rests

    def sides(self, step: Sides) -> float:
        switches = (len(step.sides) - 1) * step.switch if step.switch > 0 else 0.0
        return len(step.sides) * seconds(step.steps) + switches

    def routine(self, step: Include) -> float:
        return seconds(step.routine.steps)


class _Segments(BlockVisitor[int]):
    def timed(self, step: TimedStep) -> int:
        return 1

    def repeat(self, step: Repeat) -> int:
        return step.rounds * step_count(step.steps) + _rests_between(step)

    def sides(self, step: Sides) -> int:
        return len(step.sides) * step_count(step.steps) + _switches(step)

    def routine(self, step: Include) -> int:
        return step_count(step.routine.steps)


class _Events(StepVisitor[int]):
    def prepare(self, step: Prepare) -> int:
        return 1

    def do(self, step: Do) -> int:
        return 1

    def hold(self, step: Hold) -> int:
        # Countdown ticks k = countdown..1 fall at duration - k, and only where that is >= 0.
        return 1 + min(step.countdown, math.floor(step.duration))

    def count(self, step: Count) -> int:
        return 1 + step.count

    def reps(self, step: Reps) -> int:
        return 1 + 2 * step.reps  # each rep's count, and its "down"

    def breathe(self, step: Breathe) -> int:
        return 1 + 2 * step.breaths

    def rest(self, step: Rest) -> int:
        return 1

    def repeat(self, step: Repeat) -> int:
        return step.rounds * event_count(step.steps) + _rests_between(step)

    def sides(self, step: Sides) -> int:
        return len(step.sides) * event_count(step.steps) + _switches(step)

    def routine(self, step: Include) -> int:
        return event_count(step.routine.steps)


class _WaitsForEnter(StepVisitor[bool]):
    """Whether a step itself waits for Enter (the walk over the steps inside is apart)."""

    def prepare(self, step: Prepare) -> bool:
        return step.until_ready

    def do(self, step: Do) -> bool:
        return step.until_ready

    def hold(self, step: Hold) -> bool:
        return False

    def count(self, step: Count) -> bool:
        return False

    def reps(self, step: Reps) -> bool:
        return False

    def breathe(self, step: Breathe) -> bool:
        return False

    def rest(self, step: Rest) -> bool:
        return False

    def repeat(self, step: Repeat) -> bool:
        return False

    def sides(self, step: Sides) -> bool:
        return False

    def routine(self, step: Include) -> bool:
        return False


class _OwnReadyTime(_WaitsForEnter):
    """Whether a step waits for Enter and says its own time for where nobody presses it."""

    def prepare(self, step: Prepare) -> bool:
        return step.until_ready and step.duration != READY_FALLBACK_SECONDS

    def do(self, step: Do) -> bool:
        return step.until_ready and step.duration != READY_FALLBACK_SECONDS


_SECONDS = _Seconds()
_OWN_READY = _OwnReadyTime()
_SEGMENTS = _Segments()
_EVENTS = _Events()
_WAITS = _WaitsForEnter()
