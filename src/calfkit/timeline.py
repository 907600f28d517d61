"""The timeline: a routine compiled to a flat tuple of timed segments with absolute offsets.

Compiling is pure and total: the same routine always gives the same timeline, and
``Timeline.total`` is exactly what ``calfkit show`` prints and what the player plays.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from calfkit.model import Routine, Side


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
    note: str | None = None
    name: str | None = None
    until_ready: bool = False
    side: Side | None = None
    where: tuple[str, ...] = ()  # e.g. ("Round 2 of 3", "Right side"), outermost first

    @property
    def end(self) -> float:
        return self.start + self.duration


@dataclass(frozen=True)
class Timeline:
    routine: Routine
    segments: tuple[Segment, ...]

    @property
    def total(self) -> float:
        return self.segments[-1].end if self.segments else 0.0


def compile_routine(routine: Routine) -> Timeline:
    """Flatten a routine into its timeline."""
    raise NotImplementedError("written by the player issue")
