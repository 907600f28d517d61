"""The routine model: validated, frozen dataclasses that everything after loading reads.

Durations are seconds as floats. A ``prepare``/``do`` step with ``duration: ready`` has
``until_ready=True`` and a ``duration`` of :data:`READY_FALLBACK_SECONDS`, the time it
lasts wherever keys cannot be read, so totals never need a special case.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from calfkit.errors import Position

FORMAT_VERSION = 1
READY_FALLBACK_SECONDS = 10.0
DEFAULT_PREPARE_SECONDS = 10.0
DEFAULT_COUNTDOWN = 3
DEFAULT_COUNT_EVERY = 1.0
DEFAULT_INHALE = 4.0
DEFAULT_EXHALE = 6.0
DEFAULT_REST_CUE = "Rest"
DEFAULT_SWITCH_SECONDS = 5.0
DEFAULT_LANGUAGE = "en"
MAX_NESTING = 8
MAX_TOTAL_SECONDS = 24 * 3600
MAX_EVENTS = 100_000
MAX_STEP_SECONDS = 2 * 3600


class Side(str, Enum):
    RIGHT = "right"
    LEFT = "left"


@dataclass(frozen=True, kw_only=True)
class StepBase:
    """What every step may carry: a short label, a second line, and where it was written."""

    name: str | None = None
    note: str | None = None
    position: Position | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, kw_only=True)
class Prepare(StepBase):
    text: str
    duration: float = DEFAULT_PREPARE_SECONDS
    until_ready: bool = False


@dataclass(frozen=True, kw_only=True)
class Do(StepBase):
    text: str
    duration: float
    until_ready: bool = False


@dataclass(frozen=True, kw_only=True)
class Hold(StepBase):
    text: str
    duration: float
    countdown: int = DEFAULT_COUNTDOWN


@dataclass(frozen=True, kw_only=True)
class Count(StepBase):
    count: int
    every: float = DEFAULT_COUNT_EVERY
    cue: str | None = None


@dataclass(frozen=True, kw_only=True)
class Breathe(StepBase):
    breaths: int
    inhale: float = DEFAULT_INHALE
    exhale: float = DEFAULT_EXHALE
    cue: str | None = None


@dataclass(frozen=True, kw_only=True)
class Rest(StepBase):
    duration: float
    cue: str = DEFAULT_REST_CUE


@dataclass(frozen=True, kw_only=True)
class Repeat(StepBase):
    rounds: int
    steps: tuple[Step, ...]
    rest_between: float | None = None


@dataclass(frozen=True, kw_only=True)
class Sides(StepBase):
    sides: tuple[Side, ...]
    steps: tuple[Step, ...]
    switch: float = DEFAULT_SWITCH_SECONDS


@dataclass(frozen=True, kw_only=True)
class Include(StepBase):
    """A ``routine:`` step; ``routine`` is the included routine, already loaded and checked."""

    ref: str
    routine: Routine


Step = Prepare | Do | Hold | Count | Breathe | Rest | Repeat | Sides | Include


def inner_steps(step: Step) -> tuple[Step, ...]:
    """The steps a block step holds (a repeat's, a sides step's, an included routine's); ()
    for a timed step. The one walk over the tree: whatever only descends uses this."""
    if isinstance(step, (Repeat, Sides)):
        return step.steps
    if isinstance(step, Include):
        return step.routine.steps
    return ()


@dataclass(frozen=True, kw_only=True)
class Routine:
    name: str
    title: str
    steps: tuple[Step, ...]
    description: str | None = None
    tags: tuple[str, ...] = ()
    equipment: tuple[str, ...] = ()
    caution: str | None = None
    language: str = DEFAULT_LANGUAGE  # BCP 47: picks the speech voice
    path: str | None = field(default=None, compare=False)
    content_hash: str | None = field(default=None, compare=False)
