"""How long a routine lasts and how many timed events it has, by arithmetic, never by expanding.

These follow the timeline semantics exactly (one segment per timed step, plus ticks, plus
rests between rounds and switches between sides), so the limits the loader checks, the totals
``show`` and ``list`` print and the timeline the player compiles all agree. A routine of 100
rounds nested eight deep is measured in a handful of operations, and an included routine once
per measure however often it is included (includes that fan out, 300 in a file that 300
include, ..., multiply only numbers).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from calfkit.model import (
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
    included,
    inner_steps,
)


def seconds(steps: Sequence[Step], known: dict[int, float] | None = None) -> float:
    """Total playing time of the steps, in seconds (a ready step counts its fallback time).
    ``known``: lengths of included routines already measured, by ``id`` (kept and added to by
    whoever passes it, while those routines live)."""
    return _Seconds(known).total(steps)


def step_seconds(step: Step, known: dict[int, float] | None = None) -> float:
    """Playing time of one step, with everything inside it (``known`` as for :func:`seconds`)."""
    return step.accept(_Seconds(known))


def step_count(steps: Sequence[Step]) -> int:
    """How many timed steps a person goes through: the timeline's segments, without expanding."""
    return _Segments().total(steps)


def event_count(steps: Sequence[Step], known: dict[int, int] | None = None) -> int:
    """Timeline segments plus ticks that the steps compile to. ``known``: event counts of
    included routines already measured, by ``id`` (kept and added to by whoever passes it,
    while those routines live)."""
    return _Events(known).total(steps)


def step_events(step: Step, known: dict[int, int] | None = None) -> int:
    """Segments plus ticks of one step, with everything inside it (``known`` as for
    :func:`event_count`)."""
    return step.accept(_Events(known))


def nesting(steps: Sequence[Step], known: dict[int, int] | None = None) -> int:
    """How many levels of repeat, sides and routine are nested in the steps (0 for none);
    ``known`` as for :func:`event_count`."""
    return _Nesting(known).deepest(steps)


class _Nesting:
    """Nesting of steps, each included routine's worked out once however often it is
    included (a file including another 300 times, which includes another 300 times...)."""

    def __init__(self, known: dict[int, int] | None = None) -> None:
        self._routines: dict[int, int] = {} if known is None else known

    def deepest(self, steps: Sequence[Step]) -> int:
        deepest = 0
        for step in steps:
            inner = inner_steps(step)
            if not inner:
                continue
            include = included(step)
            if include is None:
                deepest = max(deepest, 1 + self.deepest(inner))
                continue
            key = id(include.routine)
            if key not in self._routines:
                self._routines[key] = self.deepest(inner)
            deepest = max(deepest, 1 + self._routines[key])
        return deepest


def waits_for_enter(steps: tuple[Step, ...]) -> bool:
    """Whether any of the steps, or any step inside them, waits until Enter is pressed."""
    return any(step.accept(_WAITS) for step in every_step(steps))


def step_waits(step: Step) -> bool:
    """Whether the step itself (not a step inside it) waits until Enter is pressed."""
    return step.accept(_WAITS)


def _rests_between(step: Repeat) -> int:
    return step.rounds - 1 if step.rest_between else 0


def _switches(step: Sides) -> int:
    return len(step.sides) - 1 if step.switch > 0 else 0


class _Seconds(StepVisitor[float]):
    """Seconds of a step; each included routine's measured once per walk."""

    def __init__(self, known: dict[int, float] | None = None) -> None:
        self._routines: dict[int, float] = {} if known is None else known

    def total(self, steps: Sequence[Step]) -> float:
        total = 0.0
        for step in steps:
            total += step.accept(self)
        return total

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
        return step.rounds * self.total(step.steps) + rests

    def sides(self, step: Sides) -> float:
        switches = (len(step.sides) - 1) * step.switch if step.switch > 0 else 0.0
        return len(step.sides) * self.total(step.steps) + switches

    def routine(self, step: Include) -> float:
        key = id(step.routine)
        if key not in self._routines:
            self._routines[key] = self.total(step.routine.steps)
        return self._routines[key]


class _Segments(BlockVisitor[int]):
    """Segments of a step; each included routine's counted once per walk."""

    def __init__(self) -> None:
        self._routines: dict[int, int] = {}

    def total(self, steps: Sequence[Step]) -> int:
        return sum(step.accept(self) for step in steps)

    def timed(self, step: TimedStep) -> int:
        return 1

    def repeat(self, step: Repeat) -> int:
        return step.rounds * self.total(step.steps) + _rests_between(step)

    def sides(self, step: Sides) -> int:
        return len(step.sides) * self.total(step.steps) + _switches(step)

    def routine(self, step: Include) -> int:
        key = id(step.routine)
        if key not in self._routines:
            self._routines[key] = self.total(step.routine.steps)
        return self._routines[key]


class _Events(StepVisitor[int]):
    """Events of a step; each included routine's counted once (``known`` keeps them)."""

    def __init__(self, known: dict[int, int] | None = None) -> None:
        self._routines: dict[int, int] = {} if known is None else known

    def total(self, steps: Sequence[Step]) -> int:
        return sum(step.accept(self) for step in steps)

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
        return step.rounds * self.total(step.steps) + _rests_between(step)

    def sides(self, step: Sides) -> int:
        return len(step.sides) * self.total(step.steps) + _switches(step)

    def routine(self, step: Include) -> int:
        key = id(step.routine)
        if key not in self._routines:
            self._routines[key] = self.total(step.routine.steps)
        return self._routines[key]


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


_WAITS = _WaitsForEnter()
