"""One builder per step kind: a step's checked parts (the kind key's value and the other
keys) into its model class."""

from __future__ import annotations

import math
from collections.abc import Callable

from calfkit.format import spec
from calfkit.format.check import limits
from calfkit.format.check.report import INVALID, Invalid, Reporter
from calfkit.format.check.values import Parts, SideList
from calfkit.format.source import ScalarNode
from calfkit.model import (
    DEFAULT_COUNT_EVERY,
    DEFAULT_COUNTDOWN,
    DEFAULT_DOWN,
    DEFAULT_EXHALE,
    DEFAULT_INHALE,
    DEFAULT_PREPARE_SECONDS,
    DEFAULT_REST_CUE,
    DEFAULT_SWITCH_SECONDS,
    DEFAULT_UP,
    Breathe,
    Count,
    Do,
    Hold,
    Include,
    Kind,
    Prepare,
    Repeat,
    Reps,
    Rest,
    Sides,
    Step,
    ready_default_seconds,
    unreachable,
)


def _head_text(parts: Parts) -> str:
    if not isinstance(parts.head, str):
        raise AssertionError(f"a text kind key holds {parts.head!r}")
    return parts.head


def _head_number(parts: Parts) -> int:
    if not isinstance(parts.head, int) or isinstance(parts.head, float):
        raise AssertionError(f"a numeric kind key holds {parts.head!r}")
    return parts.head


def _timed(parts: Parts, default: float | None) -> tuple[float, bool]:
    """A prepare or do step's seconds, and whether it waits for Enter."""
    duration = parts.values.data.get("duration", default)
    if isinstance(duration, str) and duration.startswith(spec.READY):
        seconds = spec.ready_seconds(duration)
        if seconds is None:
            return ready_default_seconds(_head_text(parts)), True
        return seconds, True
    if not isinstance(duration, float):
        raise AssertionError(f"a duration holds {duration!r}")
    return duration, False


def _prepare(_: Reporter, parts: Parts) -> Step:
    seconds, ready = _timed(parts, DEFAULT_PREPARE_SECONDS)
    return Prepare(
        text=_head_text(parts),
        duration=seconds,
        until_ready=ready,
        name=parts.name,
        note=parts.note,
        exercise=parts.exercise,
        position=parts.position,
    )


def _do(_: Reporter, parts: Parts) -> Step:
    seconds, ready = _timed(parts, None)
    return Do(
        text=_head_text(parts),
        duration=seconds,
        until_ready=ready,
        name=parts.name,
        note=parts.note,
        exercise=parts.exercise,
        position=parts.position,
    )


def _hold(_: Reporter, parts: Parts) -> Step:
    return Hold(
        text=_head_text(parts),
        duration=parts.values.seconds("duration", math.nan),
        countdown=parts.values.number("countdown", DEFAULT_COUNTDOWN),
        name=parts.name,
        note=parts.note,
        exercise=parts.exercise,
        position=parts.position,
    )


def _count(_: Reporter, parts: Parts) -> Step:
    return Count(
        count=_head_number(parts),
        every=parts.values.seconds("every", DEFAULT_COUNT_EVERY),
        cue=parts.values.text("cue"),
        name=parts.name,
        note=parts.note,
        exercise=parts.exercise,
        position=parts.position,
    )


def _reps(_: Reporter, parts: Parts) -> Step:
    values = parts.values
    return Reps(
        reps=_head_number(parts),
        up=values.seconds("up", DEFAULT_UP),
        top=values.seconds("top", 0.0),
        down=values.seconds("down", DEFAULT_DOWN),
        bottom=values.seconds("bottom", 0.0),
        cue=values.text("cue"),
        name=parts.name,
        note=parts.note,
        exercise=parts.exercise,
        position=parts.position,
    )


def _breathe(_: Reporter, parts: Parts) -> Step:
    return Breathe(
        breaths=_head_number(parts),
        inhale=parts.values.seconds("inhale", DEFAULT_INHALE),
        exhale=parts.values.seconds("exhale", DEFAULT_EXHALE),
        cue=parts.values.text("cue"),
        name=parts.name,
        note=parts.note,
        exercise=parts.exercise,
        position=parts.position,
    )


def _rest(_: Reporter, parts: Parts) -> Step:
    if not isinstance(parts.head, float):
        raise AssertionError(f"a rest holds {parts.head!r}")
    return Rest(
        duration=parts.head,
        cue=parts.values.text("cue") or DEFAULT_REST_CUE,
        name=parts.name,
        note=parts.note,
        exercise=parts.exercise,
        position=parts.position,
    )


def _repeat(_: Reporter, parts: Parts) -> Step:
    between = parts.values.data.get("rest_between")
    return Repeat(
        rounds=_head_number(parts),
        steps=parts.values.steps(),
        rest_between=between if isinstance(between, float) else None,
        name=parts.name,
        note=parts.note,
        exercise=parts.exercise,
        position=parts.position,
    )


def _sides(_: Reporter, parts: Parts) -> Step:
    if not isinstance(parts.head, SideList):
        raise AssertionError(f"a sides step holds {parts.head!r}")
    return Sides(
        sides=parts.head.sides,
        steps=parts.values.steps(),
        switch=parts.values.seconds("switch", DEFAULT_SWITCH_SECONDS),
        name=parts.name,
        note=parts.note,
        exercise=parts.exercise,
        position=parts.position,
    )


def _include(checker: Reporter, parts: Parts) -> Step | Invalid:
    ref = _head_text(parts)
    node = parts.head_node
    assert isinstance(node, ScalarNode)
    included = checker.loader.include(ref, node, checker.path)
    if included is None:
        checker.failed = True
        return INVALID
    too_deep = limits.include_too_deep(ref, parts.level, included.steps, checker.loader.nesting)
    if too_deep is not None:
        return checker.problem(node.position, too_deep)
    return Include(
        ref=ref,
        routine=included,
        name=parts.name,
        note=parts.note,
        exercise=parts.exercise,
        position=parts.position,
    )


Build = Callable[[Reporter, Parts], "Step | Invalid"]


def builder(kind: Kind) -> Build:
    """The builder of a kind's model class (mypy checks that every kind has one)."""
    match kind:
        case Kind.PREPARE:
            return _prepare
        case Kind.DO:
            return _do
        case Kind.HOLD:
            return _hold
        case Kind.COUNT:
            return _count
        case Kind.REPS:
            return _reps
        case Kind.BREATHE:
            return _breathe
        case Kind.REST:
            return _rest
        case Kind.REPEAT:
            return _repeat
        case Kind.SIDES:
            return _sides
        case Kind.ROUTINE:
            return _include
        case _:
            unreachable(kind)
