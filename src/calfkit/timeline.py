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
from typing import Literal

from calfkit.errors import Position
from calfkit.format import measure
from calfkit.format.placeholders import fill_in, other
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
    StepVisitor,
    TimedStep,
    unreachable,
)
from calfkit.words import plural


class SegmentKind(str, Enum):
    """What a person does during a segment; sounds and the view key off this."""

    PREPARE = "prepare"
    DO = "do"
    HOLD = "hold"
    COUNT = "count"
    REPS = "reps"
    BREATHE = "breathe"
    REST = "rest"
    SWITCH = "switch"


def counted(kind: SegmentKind) -> Literal["count", "rep", "breath"] | None:
    """What a step of ``kind`` counts in its own rhythm (the digits show it, ``+`` adds more
    of it), or None where it runs on seconds."""
    match kind:
        case SegmentKind.COUNT:
            return "count"
        case SegmentKind.REPS:
            return "rep"
        case SegmentKind.BREATHE:
            return "breath"
        case (
            SegmentKind.PREPARE
            | SegmentKind.DO
            | SegmentKind.HOLD
            | SegmentKind.REST
            | SegmentKind.SWITCH
        ):
            return None
        case _:
            unreachable(kind)


class TickKind(str, Enum):
    """A timed moment inside a segment."""

    COUNT = "count"  # count ``number`` of ``of`` begins (on a reps step: rep ``number``)
    COUNTDOWN = "countdown"  # ``number`` whole seconds are left in a hold
    INHALE = "inhale"  # breath ``number`` of ``of``: breathe in
    EXHALE = "exhale"  # breath ``number`` of ``of``: breathe out
    DOWN = "down"  # rep ``number`` of ``of``: lower now


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
    duration: float  # seconds; a ready step, the time it lasts where nobody presses Enter
    ticks: tuple[Tick, ...] = ()
    # Its step's note, else the nearest enclosing block's (both filled in); None if neither.
    note: str | None = None
    name: str | None = None
    until_ready: bool = False
    side: Side | None = None
    where: tuple[str, ...] = ()  # e.g. ("Round 2 of 3", "Right side"), outermost first
    # The ``name:`` of each block in ``where`` ("" where it has none), so that a chapter can
    # say "Feet parallel · Round 2 of 3". Not part of what the step is (``fingerprint``).
    blocks: tuple[str, ...] = field(default=(), compare=False, repr=False)
    # An included routine's caution, on the first segment of its part (shown, spoken there).
    caution: str | None = None
    # What the voice says after the cue in this medium, not in a preview of it: a ready
    # step's "Press Enter when you are ready" live, "You have 20 seconds" in a track.
    said_after: str | None = None
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
        segments.extend(step.accept(_Expander(_Context(top=top, clock=clock))))
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
    blocks: tuple[str, ...] = ()  # each block's own name in ``where``, "" for none
    side: Side | None = None
    other_side: Side | None = None
    round: int | None = None  # the innermost repeat's round, 1-based, and its rounds
    rounds: int | None = None
    name: str | None = None
    note: str | None = None  # the nearest enclosing block's note, filled in

    def inside(self, label: str, block: Step) -> _Context:
        return replace(
            self,
            where=(*self.where, label),
            blocks=(*self.blocks, block.name or ""),
            name=block.name or self.name,
            note=self.noted(block),
        )

    def noted(self, block: Step) -> str | None:
        """The note the steps inside ``block`` show when they have none of their own: the
        block's own, filled in where the block stands (as ``validate`` checks it), else this."""
        return self.fill(block.note) if block.note is not None else self.note

    def fill(self, text: str) -> str:
        return fill_in(text, self.side, self.other_side, self.round, self.rounds)


def _count_text(count: int) -> str:
    return f"Count to {count}"


class _Expander(StepVisitor[Iterator[Segment]]):
    """The segments of a step played in ``ctx``: a timed step's one, a block's in order."""

    __slots__ = ("ctx",)

    def __init__(self, ctx: _Context) -> None:
        self.ctx = ctx

    def steps(self, steps: tuple[Step, ...], ctx: _Context) -> Iterator[Segment]:
        inner = _Expander(ctx)
        for child in steps:
            yield from child.accept(inner)

    # ---- timed steps: one segment each ---------------------------------------------------

    def timed(
        self,
        step: TimedStep,
        kind: SegmentKind,
        text: str,
        duration: float,
        ticks: tuple[Tick, ...] = (),
        *,
        until_ready: bool = False,
    ) -> Iterator[Segment]:
        ctx = self.ctx
        note = ctx.fill(step.note) if step.note is not None else ctx.note
        name = ctx.fill(step.name) if step.name else ctx.name
        yield _segment(
            ctx,
            kind,
            text,
            duration,
            ticks,
            note,
            name,
            until_ready=until_ready,
            position=step.position,
        )

    def prepare(self, step: Prepare) -> Iterator[Segment]:
        text = self.ctx.fill(step.text)
        return self.timed(
            step, SegmentKind.PREPARE, text, step.duration, until_ready=step.until_ready
        )

    def do(self, step: Do) -> Iterator[Segment]:
        text = self.ctx.fill(step.text)
        return self.timed(step, SegmentKind.DO, text, step.duration, until_ready=step.until_ready)

    def hold(self, step: Hold) -> Iterator[Segment]:
        # Only the beeps that fit in the hold: a countdown of a billion must not loop a
        # billion times (nor turn a huge number into a float).
        beeps = min(step.countdown, math.floor(step.duration))
        ticks = tuple(
            Tick(step.duration - k, TickKind.COUNTDOWN, k, step.countdown)
            for k in range(beeps, 0, -1)
        )
        text = self.ctx.fill(step.text)
        return self.timed(step, SegmentKind.HOLD, text, step.duration, ticks)

    def count(self, step: Count) -> Iterator[Segment]:
        text = self.ctx.fill(step.cue) if step.cue is not None else _count_text(step.count)
        ticks = tuple(
            Tick((i - 1) * step.every, TickKind.COUNT, i, step.count)
            for i in range(1, step.count + 1)
        )
        return self.timed(step, SegmentKind.COUNT, text, step.count * step.every, ticks)

    def reps(self, step: Reps) -> Iterator[Segment]:
        text = self.ctx.fill(step.cue) if step.cue is not None else plural(step.reps, "rep")
        rep = step.rep_seconds
        ticks: list[Tick] = []
        for i in range(1, step.reps + 1):
            ticks.append(Tick((i - 1) * rep, TickKind.COUNT, i, step.reps))
            ticks.append(Tick((i - 1) * rep + step.up + step.top, TickKind.DOWN, i, step.reps))
        return self.timed(step, SegmentKind.REPS, text, step.reps * rep, tuple(ticks))

    def breathe(self, step: Breathe) -> Iterator[Segment]:
        text = self.ctx.fill(step.cue) if step.cue is not None else BREATHE_CUE
        breath = step.inhale + step.exhale
        ticks: list[Tick] = []
        for i in range(1, step.breaths + 1):
            ticks.append(Tick((i - 1) * breath, TickKind.INHALE, i, step.breaths))
            ticks.append(Tick((i - 1) * breath + step.inhale, TickKind.EXHALE, i, step.breaths))
        duration = step.breaths * breath
        return self.timed(step, SegmentKind.BREATHE, text, duration, tuple(ticks))

    def rest(self, step: Rest) -> Iterator[Segment]:
        return self.timed(step, SegmentKind.REST, self.ctx.fill(step.cue), step.duration)

    # ---- blocks ----------------------------------------------------------------------------

    def repeat(self, step: Repeat) -> Iterator[Segment]:
        ctx = self.ctx
        for round_ in range(1, step.rounds + 1):
            label = f"Round {round_} of {step.rounds}"
            inner = replace(ctx.inside(label, step), round=round_, rounds=step.rounds)
            yield from self.steps(step.steps, inner)
            if step.rest_between and round_ < step.rounds:
                yield _segment(
                    ctx.inside(label, step), SegmentKind.REST, REST_BETWEEN_CUE, step.rest_between
                )

    def sides(self, step: Sides) -> Iterator[Segment]:
        ctx = self.ctx
        for number, side in enumerate(step.sides):
            if number > 0 and step.switch > 0:
                yield _segment(
                    replace(ctx, name=step.name or ctx.name, note=ctx.noted(step)),
                    SegmentKind.SWITCH,
                    f"Switch to your {side.value} side",
                    step.switch,
                    side=side,
                )
            inner = replace(ctx.inside(SIDE_LABELS[side], step), side=side, other_side=other(side))
            yield from self.steps(step.steps, inner)

    def routine(self, step: Include) -> Iterator[Segment]:
        caution = step.routine.caution
        for segment in self.steps(step.routine.steps, self.ctx.inside(step.routine.title, step)):
            if caution is not None:
                joined = caution if segment.caution is None else f"{caution} {segment.caution}"
                segment = replace(segment, caution=joined)
                caution = None
            yield segment


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
        blocks=ctx.blocks,
        position=position,
    )
