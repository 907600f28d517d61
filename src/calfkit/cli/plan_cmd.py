"""``calfkit plan``: practice plans. List and show them, check plan files, start or stop
following one, and export one to a calendar file."""

from __future__ import annotations

import sys
from datetime import date
from typing import TYPE_CHECKING

import click

from calfkit import words
from calfkit.cli.common import errors_to_exit
from calfkit.cli.routine_arg import PLAN
from calfkit.text import shown

if TYPE_CHECKING:
    from calfkit.plan.model import Plan


@click.group(name="plan")
def command() -> None:
    """Practice plans: which routines on which days, for how many weeks, growing week by
    week. `calfkit today` says what the plan you follow asks for today.

    \b
    Examples:  calfkit plan list
               calfkit plan show four-calm-weeks
               calfkit plan start four-calm-weeks
               calfkit plan export four-calm-weeks plan.ics
    """


@command.command(name="list")
def list_plans() -> None:
    """List the plans found: yours (plans/ in calfkit's config folder), then the built-in ones."""
    from calfkit import plan as plans
    from calfkit.plan import lookup
    from calfkit.text import one_line

    for name in lookup.names():
        try:
            found = plans.load(name)
        except Exception:
            click.echo(f"{name:<24} (has errors: calfkit plan validate {name})")
            continue
        click.echo(f"{name:<24} {found.weeks:>2} weeks  {one_line(found.title)}")


@command.command(name="show")
@click.argument("plan", type=PLAN)
def show(plan: str) -> None:
    """Show PLAN (a name or a path): its days, routines and how they grow, week by week."""
    from calfkit import plan as plans
    from calfkit.plan.model import WEEKDAYS
    from calfkit.plan.progress import describe
    from calfkit.text import one_line
    from calfkit.timeline import compile_routine

    with errors_to_exit():
        found = plans.load(plan)
        click.echo(f"{one_line(found.title)} ({found.name}): {found.weeks} weeks")
        if found.rest_days:
            click.echo("Rest days: " + ", ".join(WEEKDAYS[day] for day in found.rest_days))
        for session in found.sessions:
            days = ", ".join(WEEKDAYS[day] for day in session.days)
            click.echo(f"  {session.routine}: {days}")
            for week in range(1, found.weeks + 1):
                routine = plans.routine_for(found, session, week)
                grown = describe(session, week)
                total = words.clock(compile_routine(routine).total)
                if session.progresses:
                    click.echo(f"    week {week}: {total}" + (f", {grown}" if grown else ""))


@command.command(name="validate")
@click.argument("plans", nargs=-1, required=True, metavar="PLAN...", type=PLAN)
def validate(plans: tuple[str, ...]) -> None:
    """Check plan files (or plans by name): every problem as PATH:LINE:COL: error: MESSAGE."""
    from calfkit import plan as plan_module
    from calfkit.errors import RoutineNotFound
    from calfkit.plan import lookup

    failed = False
    for ref in plans:
        try:
            path = lookup.find(ref)
        except RoutineNotFound as error:
            click.echo(f"calfkit: error: {shown(str(error))}", err=True)
            failed = True
            continue
        _, problems = plan_module.examine(path)
        for problem in problems:
            click.echo(problem.format(), err=True)  # type: ignore[attr-defined]
        if problems:
            failed = True
        else:
            click.echo(f"{shown(path)}: ok")
    sys.exit(1 if failed else 0)


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    from calfkit.plan.schedule import parse_day

    try:
        return parse_day(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


@command.command(name="start")
@click.argument("plan", type=PLAN)
@click.option(
    "--on",
    "on",
    callback=_date,
    metavar="DATE",
    help="Week 1 begins on DATE (YYYY-MM-DD; default today).",
)
def start(plan: str, on: date | None) -> None:
    """Follow PLAN from today (or --on DATE): `calfkit today` and `calfkit play today` use it,
    and its rest days keep your streak. Starting a plan ends the one followed before."""
    import os

    from calfkit import plan as plans
    from calfkit.cli.history_cmd import _history_errors
    from calfkit.cli.practice import today
    from calfkit.history import store
    from calfkit.plan import lookup
    from calfkit.plan.schedule import last_day

    with errors_to_exit():
        path = lookup.find(plan)
        found = plans.load(plan)
    begins = on if on is not None else today()
    run = store.PlanRun(
        name=found.name,
        title=found.title,
        path=os.path.abspath(path),
        content_hash=found.content_hash,
        started_on=begins,
        started_at=store.utc_now(),
    )
    with _history_errors():
        store.start_plan(store.history_path(), run)
    end = last_day(found, begins)
    click.echo(
        f"Following {found.title} ({found.name}): {found.weeks} weeks, "
        f"{begins:%a %Y-%m-%d} to {end:%a %Y-%m-%d}. See today's sessions: calfkit today"
    )


@command.command(name="stop")
def stop() -> None:
    """Stop following a plan (your history keeps every session)."""
    from calfkit.cli.history_cmd import _history_errors
    from calfkit.history import store

    with _history_errors():
        stopped = store.stop_plan(store.history_path(), store.utc_now())
    click.echo("Stopped following the plan." if stopped else "No plan was being followed.")


@command.command(name="export")
@click.argument("plan", type=PLAN)
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--on",
    "on",
    callback=_date,
    metavar="DATE",
    help="The day week 1 begins (YYYY-MM-DD); default: the day you started PLAN, "
    "if you follow it, else today.",
)
@click.option("--force", is_flag=True, help="Write over an existing FILE.")
def export(plan: str, file: str, on: date | None, force: bool) -> None:
    """Write PLAN's sessions to FILE as iCalendar (.ics) events for a phone's calendar:
    one event per session, as long as the session, named after its routine."""

    from calfkit import plan as plans
    from calfkit.cli.outputs import check_output
    from calfkit.cli.practice import today
    from calfkit.plan import lookup
    from calfkit.text import one_line

    with errors_to_exit():
        path = lookup.find(plan)
        found = plans.load(plan)
        begins = on or _started_on(found.name) or today()
        check_output(file, reading=[(str(path), "it is the plan being read")], force=force)
        from calfkit.export.target import replacing
        from calfkit.plan.ics import ics_bytes

        data, events = ics_bytes(found, begins)
        with replacing(file) as temporary, open(temporary, "wb") as out:
            out.write(data)
    click.echo(
        f"Wrote {one_line(file)} ({words.plural(events, 'event')}, {begins:%Y-%m-%d} to "
        f"{_end(found, begins):%Y-%m-%d})"
    )


def _end(found: Plan, begins: date) -> date:
    from calfkit.plan.schedule import last_day

    return last_day(found, begins)


def _started_on(name: str) -> date | None:
    """The day week 1 of plan ``name`` began, if it is the plan being followed."""
    from calfkit.history import History, HistoryError

    try:
        with History() as history:
            run = history.active_plan()
    except HistoryError:
        return None
    return run.started_on if run is not None and run.name == name else None
