"""A practice plan as validated, frozen dataclasses: which routines on which days, for how
many weeks, how they grow week by week, and the rest days.

The plan format is declared in :mod:`calfkit.plan.check` (which reads it) and
:mod:`calfkit.plan.schema` (its JSON Schema); users read about it in ``docs/plans.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time

from calfkit.errors import Position

PLAN_FORMAT_VERSION = 1
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # date.weekday() order
WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MAX_WEEKS = 52
MAX_ROUNDS = 100  # a repeat's limit in the routine format
DEFAULT_FROM_WEEK = 2
DEFAULT_START = time(8, 0)


@dataclass(frozen=True)
class HoldRule:
    """Every ``hold`` step lasts ``add`` seconds more each week from ``from_week`` on (once
    only, if not ``each_week``), never past ``up_to`` (a hold already longer stays as it is)."""

    add: float
    up_to: float
    from_week: int = DEFAULT_FROM_WEEK
    each_week: bool = True

    def seconds(self, base: float, week: int) -> float:
        grown = base + self.add * _steps(week, self.from_week, self.each_week)
        return base if base >= self.up_to else min(grown, self.up_to)


@dataclass(frozen=True)
class RoundsRule:
    """Every ``repeat`` block gets ``add`` more rounds from ``from_week`` on (again each week
    after, if ``each_week``), never past ``up_to`` rounds."""

    add: int
    up_to: int = MAX_ROUNDS
    from_week: int = DEFAULT_FROM_WEEK
    each_week: bool = False

    def rounds(self, base: int, week: int) -> int:
        grown = base + self.add * _steps(week, self.from_week, self.each_week)
        return base if base >= self.up_to else min(grown, self.up_to)


def _steps(week: int, from_week: int, each_week: bool) -> int:
    """How many times a rule has applied by ``week`` (1-based)."""
    if week < from_week:
        return 0
    return week - from_week + 1 if each_week else 1


@dataclass(frozen=True)
class Session:
    """One routine in the plan and the weekdays it is played on (0 is Monday)."""

    routine: str  # a name, or a path relative to the plan file
    days: tuple[int, ...]
    hold: HoldRule | None = None
    rounds: RoundsRule | None = None
    position: Position | None = field(default=None, compare=False, repr=False)

    @property
    def progresses(self) -> bool:
        return self.hold is not None or self.rounds is not None


@dataclass(frozen=True)
class Plan:
    name: str
    title: str
    weeks: int
    sessions: tuple[Session, ...]
    rest_days: tuple[int, ...] = ()
    start_time: time = DEFAULT_START
    description: str | None = None
    path: str | None = field(default=None, compare=False)
    content_hash: str | None = field(default=None, compare=False)

    def days_of(self, weekday: int) -> tuple[Session, ...]:
        """The sessions played on a weekday (0 is Monday), in the plan's order."""
        return tuple(session for session in self.sessions if weekday in session.days)


def spread(times: int, free: tuple[int, ...]) -> tuple[int, ...]:
    """``times`` weekdays out of ``free`` (sorted), as evenly apart as they go: 3 of Monday to
    Saturday are Monday, Wednesday and Friday."""
    return tuple(free[(index * len(free)) // times] for index in range(times))
