"""Practice plans: which routines on which days, over how many weeks, growing week by week.

A plan is a small YAML file (``docs/plans.md``), read with the routine format's positioned
reader and checked in :mod:`~calfkit.plan.check`; :mod:`~calfkit.plan.schedule` lays it on the
calendar; :mod:`~calfkit.plan.progress` applies a week's progression to a loaded routine in
memory (a plan never edits a routine file); :mod:`~calfkit.plan.ics` writes it as iCalendar.
"""

from __future__ import annotations

import os
from pathlib import Path

from calfkit.errors import RoutineError, RoutineNotFound
from calfkit.model import Routine
from calfkit.plan.model import Plan, Session


def _check_routine(ref: str, plan_file: Path) -> Routine:
    from calfkit import library

    path = library.find(ref, relative_to=plan_file)
    try:
        return library.load(path)
    except RoutineError:
        raise RoutineNotFound(f"has errors (`calfkit validate {ref}` shows them)") from None


def examine(path: str | os.PathLike[str]) -> tuple[Plan | None, list[object]]:
    from calfkit.plan import check

    plan, problems = check.examine(path, find=_check_routine)
    return plan, list(problems)


def load(ref: str) -> Plan:
    """A plan by name or path, checked (its routines too); raises RoutineNotFound or
    RoutineError with every problem, positioned."""
    from calfkit.plan import check, lookup

    return check.load(lookup.find(ref), find=_check_routine)


def routine_for(plan: Plan, session: Session, week: int) -> Routine:
    """The session's routine, loaded and progressed to ``week``."""
    from calfkit import library
    from calfkit.plan.progress import progressed

    relative = Path(plan.path) if plan.path is not None else None
    return progressed(library.load_ref(session.routine, relative_to=relative), session, week)


__all__ = ["Plan", "Session", "examine", "load", "routine_for"]
