"""The timeline: a routine compiled to a flat tuple of timed segments with absolute offsets.

Compiling is pure and total: the same routine always gives the same timeline, and
``Timeline.total`` is :func:`calfkit.format.measure.seconds` of the routine, the one total
``show``, ``list``, the player and history all report, to the last bit.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from enum import Enum
from functools import cached_property

from calfkit.errors import Position
from calfkit.format import measure
from calfkit.model import (
    Breathe,
    Count,
    Do,
    Hold,
    Include,
    Prepare,
    Repeat,
    Rest,
    Routine,
    Side,
    Sides,
    Step,
)


class SegmentKind(str, Enum):
    """What a person does during a segment; sounds and the view key off this."""

    PREPARE = "prepare"
    DO = "do"
    HOLD = "hold"
    COUNT = "count"
    BREATHE = "breathe"
    REST = "rest"
    SWITCH = "switch"


class TickKind(str, Enum):
    """A timed moment inside a segment."""

    COUNT = "count"  # count ``number`` of ``of`` begins
    COUNTDOWN = "countdown"  # ``number`` whole seconds are left in a hold
    INHALE = "inhale"  # breath ``number`` of ``of``: breathe in
    EXHALE = "exhale"  # breath ``number`` of ``of``: breathe out


@dataclass(frozen=True)
class Tick:
    offset: float  # seconds from the start of its segment
    kind: TickKind
    number: int
    of: int


@dataclass(frozen=True)
class Segment:
    """One timed step as played: a flat step with its cue filled in and its place in the routine."""

    index: int  # flat step number, 1-based
    top: int  # the top-level step it belongs to, 1-based (``play --from``)
    kind: SegmentKind
    text: str  # the cue, ``{side}``/``{other_side}`` already filled in
    start: float  # seconds from the start of the routine
    duration: float  # seconds; a ready step counts READY_FALLBACK_SECONDS
    ticks: tuple[Tick, ...] = ()
    # Its step's note, else the nearest enclosing block's (both filled in); None if neither.
    note: str | None = None
    name: str | None = None
    until_ready: bool = False
    side: Side | None = None
    where: tuple[str, ...] = ()  # e.g. ("Round 2 of 3", "Right side"), outermost first
    # An included routine's caution, on the first segment of its part (shown, spoken there).
    caution: str | None = None
    position: Position | None = field(default=None, compare=False, repr=False)  # its step's

    @property
    def end(self) -> float:
        return self.start + self.duration


def fingerprint(segment: Segment) -> str:
    """A short hash of what a step is as played: its kind, cue, time, side and place (round,
    side). Two versions of a routine whose step N has the same fingerprint play it alike, so a
    session stopped there can be resumed there (``play --resume``)."""
    import hashlib

    parts = (
        segment.kind.value,
        segment.text,
        repr(segment.duration),
        segment.side.value if segment.side is not None else "",
        *segment.where,
    )
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Timeline:
    routine: Routine
    segments: tuple[Segment, ...]

    @cached_property
    def total(self) -> float:
        """Routine seconds the whole routine lasts: measured, not summed segment by segment,
        so that it is the same float everywhere (the segments' ends may differ from it in the
        last bit, from adding in another order)."""
        return measure.seconds(self.routine.steps)


SIDE_LABELS = {Side.RIGHT: "Right side", Side.LEFT: "Left side"}
REST_BETWEEN_CUE = "Rest"
BREATHE_CUE = "Breathe"


def compile_routine(routine: Routine) -> Timeline:
    """Flatten a routine into its timeline.

    Segments are numbered 1.. in playing order (``index``); ``top`` is the top-level step a
    segment comes from. A segment's ``name`` is its own step's name, else that of the nearest
    enclosing ``repeat``/``sides``/``routine`` step that has one; its ``note`` likewise (a
    block's note, filled in where the block stands, is shown on every step inside it that has
    none of its own, its rests between rounds and side switches included).
    """
    clock = _Clock()
    segments: list[Segment] = []
    for top, step in enumerate(routine.steps, start=1):
        segments.extend(_expand(step, _Context(top=top, clock=clock)))
    return Timeline(routine=routine, segments=tuple(segments))


class _Clock:
    """Where the next segment goes: its number and its start. Segments are made in playing
    order, so each takes its place as it is made (no second pass copying every segment)."""

    __slots__ = ("index", "start")

    def __init__(self) -> None:
        self.index = 0
        self.start = 0.0

    def take(self, duration: float) -> tuple[int, float]:
        """The next segment's (index, start), for a segment lasting ``duration``."""
        self.index += 1
        start = self.start
        self.start = start + duration
        return self.index, start


@dataclass(slots=True)
class _Context:
    """What the enclosing blocks say about the steps inside them. Never changed once made
    (``replace`` gives a new one); not frozen only because a frozen dataclass takes several
    times as long to make, and a routine of 40,000 top-level steps makes 40,000 of them."""

    top: int
    clock: _Clock
    where: tuple[str, ...] = ()
    side: Side | None = None
    other_side: Side | None = None
    round: int | None = None  # the innermost repeat's round, 1-based, and its rounds
    rounds: int | None = None
    name: str | None = None
    note: str | None = None  # the nearest enclosing block's note, filled in

    def inside(self, label: str, block: Step) -> _Context:
        return replace(
            self, where=(*self.where, label), name=block.name or self.name, note=self.noted(block)
        )

    def noted(self, block: Step) -> str | None:
        """The note the steps inside ``block`` show when they have none of their own: the
        block's own, filled in where the block stands (as ``validate`` checks it), else this."""
        return self.fill(block.note) if block.note is not None else self.note

    def fill(self, text: str) -> str:
        return _fill(text, self.side, self.other_side, self.round, self.rounds)


def fill(
    text: str,
    *,
    side: Side | None = None,
    round_: int | None = None,
    rounds: int | None = None,
) -> str:
    """``text`` as played on ``side`` in round ``round_`` of ``rounds``, filled in as the
    timeline fills every cue: for what shows text as played without compiling a routine
    (``calfkit show``)."""
    return _fill(text, side, _other(side) if side is not None else None, round_, rounds)


def _fill(
    text: str,
    side: Side | None,
    other_side: Side | None,
    round_: int | None,
    rounds: int | None,
) -> str:
    # Plain replacement, not str.format: cue text may hold other braces.
    if side is not None:
        text = text.replace("{side}", side.value)
    if other_side is not None:
        text = text.replace("{other_side}", other_side.value)
    if round_ is not None and "{round" in text:
        text = text.replace("{rounds}", str(rounds)).replace("{round}", str(round_))
    return text


def _other(side: Side) -> Side:
    # "The other side" is the body's other side, whichever the block lists.
    return Side.LEFT if side is Side.RIGHT else Side.RIGHT


def _count_text(count: int) -> str:
    return f"Count to {count}"


def _expand(step: Step, ctx: _Context) -> Iterator[Segment]:
    if isinstance(step, Repeat):
        for round_ in range(1, step.rounds + 1):
            inner = replace(
                ctx.inside(f"Round {round_} of {step.rounds}", step),
                round=round_,
                rounds=step.rounds,
            )
            for child in step.steps:
                yield from _expand(child, inner)
            if step.rest_between and round_ < step.rounds:
                yield _segment(
                    ctx.inside(f"Round {round_} of {step.rounds}", step),
                    SegmentKind.REST,
                    REST_BETWEEN_CUE,
                    step.rest_between,
                )
    elif isinstance(step, Sides):
        for number, side in enumerate(step.sides):
            if number > 0 and step.switch > 0:
                yield _segment(
                    replace(ctx, name=step.name or ctx.name, note=ctx.noted(step)),
                    SegmentKind.SWITCH,
                    f"Switch to your {side.value} side",
                    step.switch,
                    side=side,
                )
            inner = replace(
                ctx.inside(SIDE_LABELS[side], step),
                side=side,
                other_side=_other(side),
            )
            for child in step.steps:
                yield from _expand(child, inner)
    elif isinstance(step, Include):
        inner = ctx.inside(step.routine.title, step)
        caution = step.routine.caution
        for child in step.routine.steps:
            for segment in _expand(child, inner):
                if caution is not None:
                    joined = caution if segment.caution is None else f"{caution} {segment.caution}"
                    segment = replace(segment, caution=joined)
                    caution = None
                yield segment
    else:
        yield _leaf(step, ctx)


def _leaf(step: Prepare | Do | Hold | Count | Breathe | Rest, ctx: _Context) -> Segment:
    position = step.position
    note = ctx.fill(step.note) if step.note is not None else ctx.note
    name = ctx.fill(step.name) if step.name else ctx.name
    if isinstance(step, Prepare | Do):
        kind = SegmentKind.PREPARE if isinstance(step, Prepare) else SegmentKind.DO
        return _segment(
            ctx,
            kind,
            ctx.fill(step.text),
            step.duration,
            note=note,
            name=name,
            until_ready=step.until_ready,
            position=position,
        )
    if isinstance(step, Hold):
        # Only the beeps that fit in the hold: a countdown of a billion must not loop a
        # billion times (nor turn a huge number into a float).
        beeps = min(step.countdown, math.floor(step.duration))
        ticks = tuple(
            Tick(step.duration - k, TickKind.COUNTDOWN, k, step.countdown)
            for k in range(beeps, 0, -1)
        )
        return _segment(
            ctx,
            SegmentKind.HOLD,
            ctx.fill(step.text),
            step.duration,
            ticks,
            note,
            name,
            position=position,
        )
    if isinstance(step, Count):
        text = ctx.fill(step.cue) if step.cue is not None else _count_text(step.count)
        ticks = tuple(
            Tick((i - 1) * step.every, TickKind.COUNT, i, step.count)
            for i in range(1, step.count + 1)
        )
        return _segment(
            ctx,
            SegmentKind.COUNT,
            text,
            step.count * step.every,
            ticks,
            note,
            name,
            position=position,
        )
    if isinstance(step, Breathe):
        text = ctx.fill(step.cue) if step.cue is not None else BREATHE_CUE
        breath = step.inhale + step.exhale
        breath_ticks: list[Tick] = []
        for i in range(1, step.breaths + 1):
            breath_ticks.append(Tick((i - 1) * breath, TickKind.INHALE, i, step.breaths))
            breath_ticks.append(
                Tick((i - 1) * breath + step.inhale, TickKind.EXHALE, i, step.breaths)
            )
        return _segment(
            ctx,
            SegmentKind.BREATHE,
            text,
            step.breaths * breath,
            tuple(breath_ticks),
            note,
            name,
            position=position,
        )
    return _segment(
        ctx,
        SegmentKind.REST,
        ctx.fill(step.cue),
        step.duration,
        (),
        note,
        name,
        position=position,
    )


def _segment(
    ctx: _Context,
    kind: SegmentKind,
    text: str,
    duration: float,
    ticks: tuple[Tick, ...] = (),
    note: str | None = None,
    name: str | None = None,
    *,
    until_ready: bool = False,
    side: Side | None = None,
    position: Position | None = None,
) -> Segment:
    seconds = float(duration)
    index, start = ctx.clock.take(seconds)
    return Segment(
        index=index,
        top=ctx.top,
        kind=kind,
        text=text,
        start=start,
        duration=seconds,
        ticks=ticks,
        note=note if note is not None else ctx.note,
        name=name if name is not None else ctx.name,
        until_ready=until_ready,
        side=side if side is not None else ctx.side,
        where=ctx.where,
        position=position,
    )
