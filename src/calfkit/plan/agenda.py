"""What a plan asks for on a day, with each session's routine as that week plays it and
whether it has been done. What has been done comes from the practice log, which sits above
this package: the caller passes in how many sessions of each routine were finished that day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from calfkit.model import Routine
from calfkit.plan import routine_for
from calfkit.plan.model import Plan, Session
from calfkit.plan.progress import describe
from calfkit.plan.schedule import Day, day


@dataclass(frozen=True)
class Item:
    """One session of the day: the routine to play (progressed), its length, and whether a
    finished session of it is in the log for that day."""

    session: Session
    routine: Routine
    seconds: float
    progression: str  # "holds +10s (up to 45s), 1 more round", or ""
    done: bool

    def to_json(self) -> dict[str, object]:
        return {
            "routine": self.routine.name,
            "title": self.routine.title,
            "seconds": self.seconds,
            "progression": self.progression or None,
            "done": self.done,
        }


@dataclass(frozen=True)
class Agenda:
    plan: Plan
    started_on: date
    day: Day | None  # None: the day is outside the plan's weeks
    items: tuple[Item, ...]

    @property
    def to_do(self) -> tuple[Item, ...]:
        return tuple(item for item in self.items if not item.done)


def agenda(plan: Plan, started_on: date, on: date, finished: dict[str, int]) -> Agenda:
    """The plan's sessions on ``on`` (in week ``day.week``'s form), each marked done while
    ``finished`` (routine name -> finished sessions that day) has one left for it."""
    from calfkit.timeline import compile_routine

    found = day(plan, started_on, on)
    if found is None:
        return Agenda(plan, started_on, None, ())
    left = dict(finished)
    items = []
    for session in found.sessions:
        routine = routine_for(plan, session, found.week)
        done = left.get(routine.name, 0) > 0
        if done:
            left[routine.name] -= 1
        items.append(
            Item(
                session=session,
                routine=routine,
                seconds=compile_routine(routine).total,
                progression=describe(session, found.week),
                done=done,
            )
        )
    return Agenda(plan, started_on, found, tuple(items))
