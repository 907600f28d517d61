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
    from calfkit.history import History
    from calfkit.history.store import PlanRun
    from calfkit.plan.model import Plan


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

    run = history.active_plan()
    if run is None:
        return None
    ref = run.path if os.path.isfile(run.path) else run.name
    return Following(run, plans.load(ref))
