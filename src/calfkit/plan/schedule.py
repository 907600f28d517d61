"""A plan laid on the calendar: from the day it was started, which week each day is in and
what the plan asks for on it. Weekdays are the calendar's own (a plan started on a Thursday
asks for its Thursday sessions that day); week 1 is the first seven days from the start."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from calfkit.model import FIRST_DAY, LAST_DAY
from calfkit.plan.model import Plan, Session

TODAY_ENV = "CALFKIT_TODAY"


def parse_day(text: str) -> date:
    """``text`` as a date from :data:`FIRST_DAY` to :data:`LAST_DAY`; ValueError saying why not."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a date (write it as YYYY-MM-DD)") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(f"{text!r} is not a date from {FIRST_DAY} to {LAST_DAY}")
    return day


def today() -> date:
    """Today's date: ``$CALFKIT_TODAY`` (YYYY-MM-DD) if set, else this machine's local date.

    The variable is for tests and for trying a plan out ("what would Thursday be?"); a value
    that is not a date raises ValueError with a message saying so.
    """
    override = os.environ.get(TODAY_ENV, "").strip()
    if override:
        try:
            return parse_day(override)
        except ValueError as error:
            raise ValueError(f"{TODAY_ENV}={error}") from None
    return date.today()


@dataclass(frozen=True)
class Day:
    """One day of a plan."""

    on: date
    week: int  # 1-based
    sessions: tuple[Session, ...]
    rest: bool  # one of the plan's rest days


def last_day(plan: Plan, started_on: date) -> date:
    return started_on + timedelta(days=plan.weeks * 7 - 1)


def day(plan: Plan, started_on: date, on: date) -> Day | None:
    """What the plan asks for on ``on``; None before its start or after its last week."""
    if not started_on <= on <= last_day(plan, started_on):
        return None
    weekday = on.weekday()
    week = (on - started_on).days // 7 + 1
    return Day(on, week, plan.days_of(weekday), weekday in plan.rest_days)


def days(plan: Plan, started_on: date) -> Iterator[Day]:
    """Every day of the plan, in order."""
    for offset in range(plan.weeks * 7):
        found = day(plan, started_on, started_on + timedelta(days=offset))
        assert found is not None
        yield found


def next_practice(plan: Plan, started_on: date, after: date) -> Day | None:
    """The first day after ``after`` with a session, within the plan."""
    on = max(after + timedelta(days=1), started_on)
    while on <= last_day(plan, started_on):
        found = day(plan, started_on, on)
        if found is not None and found.sessions:
            return found
        on += timedelta(days=1)
    return None
