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
    Breathe,
    Count,
    Do,
    Hold,
    Include,
    Prepare,
    Repeat,
    Rest,
    Sides,
    Step,
    inner_steps,
)


def seconds(steps: Sequence[Step]) -> float:
    """Total playing time of the steps, in seconds (a ready step counts its fallback time)."""
    total = 0.0
    for step in steps:
        total += step_seconds(step)
    return total


def step_seconds(step: Step) -> float:
    """Playing time of one step, with everything inside it."""
    if isinstance(step, (Prepare, Do, Hold, Rest)):
        return step.duration
    if isinstance(step, Count):
        return step.count * step.every
    if isinstance(step, Breathe):
        return step.breaths * (step.inhale + step.exhale)
    if isinstance(step, Repeat):
        rests = (step.rounds - 1) * step.rest_between if step.rest_between else 0.0
        return step.rounds * seconds(step.steps) + rests
    if isinstance(step, Sides):
        switches = (len(step.sides) - 1) * step.switch if step.switch > 0 else 0.0
        return len(step.sides) * seconds(step.steps) + switches
    if isinstance(step, Include):
        return seconds(step.routine.steps)
    raise TypeError(f"not a step: {step!r}")


def step_count(steps: Sequence[Step]) -> int:
    """How many timed steps a person goes through: the timeline's segments, without expanding."""
    total = 0
    for step in steps:
        if isinstance(step, Repeat):
            between = (step.rounds - 1) if step.rest_between else 0
            total += step.rounds * step_count(step.steps) + between
        elif isinstance(step, Sides):
            switches = (len(step.sides) - 1) if step.switch > 0 else 0
            total += len(step.sides) * step_count(step.steps) + switches
        elif isinstance(step, Include):
            total += step_count(step.routine.steps)
        else:
            total += 1
    return total


def event_count(steps: Sequence[Step]) -> int:
    """Timeline segments plus ticks that the steps compile to."""
    return sum(step_events(step) for step in steps)


def step_events(step: Step) -> int:
    """Segments plus ticks of one step, with everything inside it."""
    if isinstance(step, (Prepare, Do, Rest)):
        return 1
    if isinstance(step, Hold):
        # Countdown ticks k = countdown..1 fall at duration - k, and only where that is >= 0.
        return 1 + min(step.countdown, math.floor(step.duration))
    if isinstance(step, Count):
        return 1 + step.count
    if isinstance(step, Breathe):
        return 1 + 2 * step.breaths
    if isinstance(step, Repeat):
        rests = step.rounds - 1 if step.rest_between else 0
        return step.rounds * event_count(step.steps) + rests
    if isinstance(step, Sides):
        switches = len(step.sides) - 1 if step.switch > 0 else 0
        return len(step.sides) * event_count(step.steps) + switches
    if isinstance(step, Include):
        return event_count(step.routine.steps)
    raise TypeError(f"not a step: {step!r}")


def nesting(steps: Sequence[Step]) -> int:
    """How many levels of repeat, sides and routine are nested in the steps (0 for none)."""
    deepest = 0
    for step in steps:
        inner = inner_steps(step)
        if inner:
            deepest = max(deepest, 1 + nesting(inner))
    return deepest
