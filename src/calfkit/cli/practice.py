"""What the practice commands share: the plan being followed (from the log), today's date
(``CALFKIT_TODAY`` for tests and trials), and the plan's rest days for streaks and the
calendar."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from calfkit.history import History, Session
    from calfkit.history.store import PlanRun
    from calfkit.model import Routine
    from calfkit.plan.model import Plan
    from calfkit.timeline import Timeline


def today() -> date:
    """Today, or ``$CALFKIT_TODAY``; a value that is not a date is a usage error (exit 2)."""
    from calfkit.plan.schedule import today as plan_today

    try:
        return plan_today()
    except ValueError as error:
        raise click.UsageError(str(error)) from None


@dataclass(frozen=True)
class Following:
    run: PlanRun
    plan: Plan

    def rest(self) -> Callable[[date], bool]:
        """Whether a day is one of the plan's rest days (within its weeks)."""
        from calfkit.plan.schedule import day

        def is_rest(on: date) -> bool:
            found = day(self.plan, self.run.started_on, on)
            return found is not None and found.rest

        return is_rest


def following(history: History) -> Following | None:
    """The plan being followed and its file, checked; None if no plan was started.

    The file as found when the plan was started is read again (your own edits to it count);
    if it has gone, the plan is looked up by name. A plan that no longer loads is an error.
    """
    import os

    from calfkit import plan as plans
    from calfkit import text
    from calfkit.errors import RoutineNotFound

    run = history.active_plan()
    if run is None:
        return None
    ref = run.path if os.path.isfile(run.path) else run.name
    try:
        return Following(run, plans.load(ref))
    except RoutineNotFound:
        if ref != run.name:
            raise
        raise RoutineNotFound(
            f"the plan you follow, {run.name}, is gone from {text.shown(run.path)} and no plan "
            f"is named {run.name}; put it back, or follow another (calfkit plan start NAME) "
            "or none (calfkit plan stop)"
        ) from None


class NothingToDo(Exception):
    """``play today`` with every session of the day done: said, and exit 0."""


def todays_routine(*, resuming: bool = False) -> Routine:
    """The routine ``calfkit play today`` plays: the day's first session not yet done, in the
    week's form (its progression applied in memory); with ``resuming``, the first one that
    was stopped part-way today. Raises CalfkitError without a plan, on a day the plan has
    no session, or resuming with nothing stopped today; NothingToDo once all are done."""
    from calfkit.errors import CalfkitError
    from calfkit.history import History
    from calfkit.plan.agenda import agenda

    on = today()
    with History() as history:
        found = following(history)
        if found is None:
            raise CalfkitError(
                "no plan started, so nothing is planned for today: start one with "
                "calfkit plan start NAME (calfkit plan list shows them)"
            )
        day = agenda(found.plan, found.run.started_on, on, history.finished_on(on))
        stopped = [
            item.routine
            for item in day.to_do
            if (session := history.resumable(item.routine.name)) is not None
            and history.local(session.started_at).date() == on
        ]
    if resuming and stopped:
        return stopped[0]
    if day.day is None:
        raise CalfkitError(
            f"{found.plan.name} has no session on {on:%a %Y-%m-%d}: it is "
            "outside the plan's weeks (calfkit today)"
        )
    if not day.items:
        kind = "a rest day" if day.day.rest else "a day without a session"
        raise NothingToDo(f"Today is {kind} in {found.plan.title}. Nothing to play.")
    if not day.to_do:
        raise NothingToDo("All done for today. The rest can wait until tomorrow.")
    if resuming:
        # A session of another day is not taken up: finished, it would count for the day it
        # began, and today's session would still be to do.
        raise CalfkitError(
            "nothing to resume today: no session of today's plan was stopped part-way today "
            "(one stopped on another day counts for that day); play the next from the "
            "start: calfkit play today"
        )
    return day.to_do[0].routine


def resume_point(routine: Routine, timeline: Timeline) -> Session:
    """The unfinished session of ``routine`` that ``play --resume`` takes up, checked against
    the routine as it is now: its step must still be the step that was played, else
    CalfkitError says what changed and what to do instead."""
    from calfkit.errors import CalfkitError
    from calfkit.history import History
    from calfkit.timeline import fingerprint

    with History() as history:
        found = history.resumable(routine.name)
        when = None if found is None else history.local(found.started_at)
        latest = history.sessions(limit=1, routine=routine.name)
    if latest and latest[0].playing and (found is None or latest[0].id != found.id):
        raise CalfkitError(
            f"the last session of {routine.name} is still in progress (in another terminal?); "
            "if its calfkit was killed, it can be resumed once its heartbeat stops, in under "
            "a minute"
        )
    if found is None or when is None:
        raise CalfkitError(
            f"nothing to resume: no unfinished session of {routine.name} in your history "
            f"(play it from the start: calfkit play {routine.name})"
        )
    segments = timeline.segments
    step = found.end_step
    stopped = f"the session of {when:%a %Y-%m-%d %H:%M} stopped at step {found.end_top}"
    if step > len(segments):
        same = False
    elif found.step_hash is not None:
        same = found.step_hash == fingerprint(segments[step - 1])
    else:  # a row from before steps were fingerprinted: only the very same routine will do
        same = found.content_hash is not None and found.content_hash == routine.content_hash
    if not same:
        raise CalfkitError(
            f"cannot resume {routine.name}: it has changed since {stopped}, and that step is "
            f"not the same any more; play it from the start, or from a top-level step with "
            f"--from N (calfkit show {routine.name} numbers them)"
        )
    return found


def resuming_line(routine: Routine, timeline: Timeline, found: Session) -> str:
    """What ``play --resume`` says before it starts: where, in which round and side."""
    from calfkit.text import one_line

    segment = timeline.segments[found.end_step - 1]
    where = f" ({' · '.join(segment.where)})" if segment.where else ""
    return (
        f"Resuming {one_line(routine.title)} at step {segment.top} of {len(routine.steps)}"
        f"{where}, where it stopped (part {found.parts + 1})"
    )


def rest_days_quietly() -> Callable[[date], bool] | None:
    """The followed plan's rest days for the end summary's streak, or None: without a plan,
    or with one that cannot be read now (play never fails for it). Only the plan file is
    read; its routines are not loaded."""
    import os

    from calfkit.errors import CalfkitError
    from calfkit.history import History
    from calfkit.plan import check, lookup

    try:
        with History() as history:
            run = history.active_plan()
        if run is None:
            return None
        path = run.path if os.path.isfile(run.path) else lookup.find(run.name)
        return Following(run, check.load(path)).rest()
    except (CalfkitError, OSError):
        return None


def rest_days_later() -> Callable[[date], bool]:
    """:func:`rest_days_quietly`, read the first time it is asked (after the session, for its
    summary), so that nothing reads the log before the session's own row is written."""
    found: list[Callable[[date], bool] | None] = []

    def rest(day: date) -> bool:
        if not found:
            found.append(rest_days_quietly())
        predicate = found[0]
        return predicate is not None and predicate(day)

    return rest
