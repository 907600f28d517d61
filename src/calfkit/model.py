"""The routine model: validated, frozen dataclasses that everything after loading reads; and
the home of the step kinds.

Each step kind is declared here once: a member of :class:`Kind` (its kind key in a routine
file) and a model class that names its kind and answers a :class:`StepVisitor` with the
visitor's method for that kind. Whatever treats kinds differently (totals, the timeline,
``show``, export) is a visitor: a subclass that misses a kind is abstract, and mypy refuses
to make one, so every branch over kinds is total. A branch over :class:`Kind` itself ends in
:func:`unreachable`, which mypy checks the same way.

Durations are seconds as floats. A ``prepare``/``do`` step with ``duration: ready`` has
``until_ready=True`` and a ``duration``: the time it lasts wherever keys cannot be read (a
track, a pipe), so totals never need a special case. That is the time the file gives
(``ready 20s``), else :func:`ready_default_seconds` of its cue.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from typing import ClassVar, Generic, NoReturn, TypeVar

from calfkit import words
from calfkit.errors import Position

FORMAT_VERSION = 1
READY_FALLBACK_SECONDS = 10.0
"""The least a plain ``duration: ready`` lasts where nobody presses Enter."""
READY_MARGIN_SECONDS = 10.0
"""What a plain ``ready`` gives, where nobody presses Enter, after its cue has been said."""
DEFAULT_PREPARE_SECONDS = 10.0
DEFAULT_COUNTDOWN = 3
DEFAULT_COUNT_EVERY = 1.0
DEFAULT_UP = 2.0
DEFAULT_DOWN = 2.0
DEFAULT_INHALE = 4.0
DEFAULT_EXHALE = 6.0
DEFAULT_REST_CUE = "Rest"
DEFAULT_SWITCH_SECONDS = 5.0
DEFAULT_LANGUAGE = "en"
MAX_NESTING = 8
MAX_TOTAL_SECONDS = 24 * 3600
MAX_EVENTS = 100_000
MAX_STEP_SECONDS = 2 * 3600
# The days calfkit accepts as "today", as the day a plan starts, and from its log: wide enough
# for any real practice, narrow enough that a 52-week plan from the last one, and the log's
# local-midnight timestamps around it, stay inside what dates and timestamps can hold.
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2999, 12, 31)


def ready_default_seconds(text: str) -> float:
    """How long a plain ``duration: ready`` step lasts where nobody presses Enter (a track, a
    pipe, show's total): time to hear its cue, with the time it gives said after it, and
    :data:`READY_MARGIN_SECONDS` more to do what it asks; in whole 5 s, never under
    :data:`READY_FALLBACK_SECONDS` nor over a step's most (:data:`MAX_STEP_SECONDS`, for a cue
    of thousands of words). ``ready 30s`` in the file says how long it takes instead."""
    import math

    said = words.speaking_seconds(words.ready_announcement(text, 20))
    seconds = 5.0 * math.ceil((said + READY_MARGIN_SECONDS) / 5.0)
    return min(float(MAX_STEP_SECONDS), max(READY_FALLBACK_SECONDS, seconds))


T = TypeVar("T")
Answer = TypeVar("Answer", covariant=True)


class Kind(str, Enum):
    """The step kinds, in the order the format lists them; each value is its kind key."""

    PREPARE = "prepare"
    DO = "do"
    HOLD = "hold"
    COUNT = "count"
    REPS = "reps"
    BREATHE = "breathe"
    REST = "rest"
    REPEAT = "repeat"
    SIDES = "sides"
    ROUTINE = "routine"


def unreachable(value: NoReturn) -> NoReturn:
    """The end of a branch over every member of an Enum (``typing.assert_never`` is 3.11+):
    mypy reports a call that a missed member can reach."""
    raise AssertionError(f"unhandled: {value!r}")


class Side(str, Enum):
    RIGHT = "right"
    LEFT = "left"


@dataclass(frozen=True, kw_only=True)
class StepBase:
    """What every step may carry: a short label, a second line, and where it was written."""

    name: str | None = None
    note: str | None = None
    exercise: str | None = None  # a name in calfkit.exercises.EXERCISES
    position: Position | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, kw_only=True)
class Prepare(StepBase):
    text: str
    duration: float = DEFAULT_PREPARE_SECONDS
    until_ready: bool = False

    kind: ClassVar[Kind] = Kind.PREPARE

    def accept(self, visitor: StepVisitor[T]) -> T:
        return visitor.prepare(self)


@dataclass(frozen=True, kw_only=True)
class Do(StepBase):
    text: str
    duration: float
    until_ready: bool = False

    kind: ClassVar[Kind] = Kind.DO

    def accept(self, visitor: StepVisitor[T]) -> T:
        return visitor.do(self)


@dataclass(frozen=True, kw_only=True)
class Hold(StepBase):
    text: str
    duration: float
    countdown: int = DEFAULT_COUNTDOWN

    kind: ClassVar[Kind] = Kind.HOLD

    def accept(self, visitor: StepVisitor[T]) -> T:
        return visitor.hold(self)


@dataclass(frozen=True, kw_only=True)
class Count(StepBase):
    count: int
    every: float = DEFAULT_COUNT_EVERY
    cue: str | None = None

    kind: ClassVar[Kind] = Kind.COUNT

    def accept(self, visitor: StepVisitor[T]) -> T:
        return visitor.count(self)


@dataclass(frozen=True, kw_only=True)
class Reps(StepBase):
    """Repetitions at a tempo: each rep is ``up``, a pause at the ``top``, ``down`` and a
    pause at the ``bottom`` (either pause may be 0)."""

    reps: int
    up: float = DEFAULT_UP
    top: float = 0.0
    down: float = DEFAULT_DOWN
    bottom: float = 0.0
    cue: str | None = None

    kind: ClassVar[Kind] = Kind.REPS

    def accept(self, visitor: StepVisitor[T]) -> T:
        return visitor.reps(self)

    @property
    def rep_seconds(self) -> float:
        """How long one rep lasts."""
        return self.up + self.top + self.down + self.bottom


@dataclass(frozen=True, kw_only=True)
class Breathe(StepBase):
    breaths: int
    inhale: float = DEFAULT_INHALE
    exhale: float = DEFAULT_EXHALE
    cue: str | None = None

    kind: ClassVar[Kind] = Kind.BREATHE

    def accept(self, visitor: StepVisitor[T]) -> T:
        return visitor.breathe(self)


@dataclass(frozen=True, kw_only=True)
class Rest(StepBase):
    duration: float
    cue: str = DEFAULT_REST_CUE

    kind: ClassVar[Kind] = Kind.REST

    def accept(self, visitor: StepVisitor[T]) -> T:
        return visitor.rest(self)


@dataclass(frozen=True, kw_only=True)
class Repeat(StepBase):
    rounds: int
    steps: tuple[Step, ...]
    rest_between: float | None = None

    kind: ClassVar[Kind] = Kind.REPEAT

    def accept(self, visitor: StepVisitor[T]) -> T:
        return visitor.repeat(self)


@dataclass(frozen=True, kw_only=True)
class Sides(StepBase):
    sides: tuple[Side, ...]
    steps: tuple[Step, ...]
    switch: float = DEFAULT_SWITCH_SECONDS

    kind: ClassVar[Kind] = Kind.SIDES

    def accept(self, visitor: StepVisitor[T]) -> T:
        return visitor.sides(self)


@dataclass(frozen=True, kw_only=True)
class Include(StepBase):
    """A ``routine:`` step; ``routine`` is the included routine, already loaded and checked."""

    ref: str
    routine: Routine

    kind: ClassVar[Kind] = Kind.ROUTINE

    def accept(self, visitor: StepVisitor[T]) -> T:
        return visitor.routine(self)


TimedStep = Prepare | Do | Hold | Count | Reps | Breathe | Rest
"""A step played as one timed segment."""
Block = Repeat | Sides | Include
"""A step that holds steps."""
Step = TimedStep | Block


class StepVisitor(ABC, Generic[Answer]):
    """An answer for every step kind: ``step.accept(visitor)`` calls the one for its kind."""

    @abstractmethod
    def prepare(self, step: Prepare) -> Answer: ...

    @abstractmethod
    def do(self, step: Do) -> Answer: ...

    @abstractmethod
    def hold(self, step: Hold) -> Answer: ...

    @abstractmethod
    def count(self, step: Count) -> Answer: ...

    @abstractmethod
    def reps(self, step: Reps) -> Answer: ...

    @abstractmethod
    def breathe(self, step: Breathe) -> Answer: ...

    @abstractmethod
    def rest(self, step: Rest) -> Answer: ...

    @abstractmethod
    def repeat(self, step: Repeat) -> Answer: ...

    @abstractmethod
    def sides(self, step: Sides) -> Answer: ...

    @abstractmethod
    def routine(self, step: Include) -> Answer: ...


class BlockVisitor(StepVisitor[Answer]):
    """A visitor to which every timed step is alike (one segment): :meth:`timed` answers
    for all of them; the blocks each have their own answer."""

    @abstractmethod
    def timed(self, step: TimedStep) -> Answer: ...

    def prepare(self, step: Prepare) -> Answer:
        return self.timed(step)

    def do(self, step: Do) -> Answer:
        return self.timed(step)

    def hold(self, step: Hold) -> Answer:
        return self.timed(step)

    def count(self, step: Count) -> Answer:
        return self.timed(step)

    def reps(self, step: Reps) -> Answer:
        return self.timed(step)

    def breathe(self, step: Breathe) -> Answer:
        return self.timed(step)

    def rest(self, step: Rest) -> Answer:
        return self.timed(step)


class _Inner(BlockVisitor[tuple["Step", ...]]):
    def timed(self, step: TimedStep) -> tuple[Step, ...]:
        return ()

    def repeat(self, step: Repeat) -> tuple[Step, ...]:
        return step.steps

    def sides(self, step: Sides) -> tuple[Step, ...]:
        return step.steps

    def routine(self, step: Include) -> tuple[Step, ...]:
        return step.routine.steps


class _Included(BlockVisitor["Include | None"]):
    def timed(self, step: TimedStep) -> Include | None:
        return None

    def repeat(self, step: Repeat) -> Include | None:
        return None

    def sides(self, step: Sides) -> Include | None:
        return None

    def routine(self, step: Include) -> Include | None:
        return step


_INNER = _Inner()
_INCLUDED = _Included()


def inner_steps(step: Step) -> tuple[Step, ...]:
    """The steps a block step holds (a repeat's, a sides step's, an included routine's); ()
    for a timed step. The one walk over the tree: whatever only descends uses this."""
    return step.accept(_INNER)


def included(step: Step) -> Include | None:
    """The step itself if it is a ``routine:`` step (an include); None for any other step."""
    return step.accept(_INCLUDED)


def every_step(steps: tuple[Step, ...]) -> Iterator[Step]:
    """``steps`` and every step inside them, depth first, each block before its steps."""
    for step in steps:
        yield step
        yield from every_step(inner_steps(step))


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
