"""``calfkit today``: what the plan being followed asks for today, and what has been done."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from calfkit import words
from calfkit.cli.common import errors_to_exit

if TYPE_CHECKING:
    from datetime import date

    from calfkit.history import History
    from calfkit.plan.agenda import Agenda


@click.command(name="today")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object instead.")
def command(as_json: bool) -> None:
    """Say what your plan asks for today (with this week's longer holds or extra rounds)
    and which of it you have done. Start a plan with `calfkit plan start NAME`; play the
    next session with `calfkit play today`.

    \b
    CALFKIT_TODAY=YYYY-MM-DD asks about another day (to look ahead, or for tests).
    """
    from calfkit.cli.history_cmd import _history_errors
    from calfkit.cli.practice import following, today
    from calfkit.history import History
    from calfkit.plan.agenda import agenda

    on = today()
    with _history_errors(), errors_to_exit(), History() as history:
        found = following(history)
        if found is None:
            _no_plan(as_json)
            return
        done = history.finished_on(on)
        day_plan = agenda(found.plan, found.run.started_on, on, done)
        stopped = _stopped_today(history, day_plan, on)
    if as_json:
        _print_json(day_plan, on, stopped)
        return
    _print(day_plan, on, stopped)


def _stopped_today(history: History, day_plan: Agenda, on: date) -> dict[str, int]:
    """The top-level step each of the day's undone routines was stopped at today, where one
    was (``play today --resume`` takes it up)."""
    found: dict[str, int] = {}
    for item in day_plan.to_do:
        session = history.resumable(item.routine.name)
        if session is not None and history.local(session.started_at).date() == on:
            found[item.routine.name] = session.end_top
    return found


def _no_plan(as_json: bool) -> None:
    from calfkit.plan import lookup

    if as_json:
        click.echo("null")
        return
    built_in = ", ".join(lookup.names()) or "none"
    click.echo(
        "No plan started. Start one with: calfkit plan start NAME "
        f"(plans found: {built_in}; see calfkit plan list)"
    )


def _print_json(day_plan: object, on: object, stopped: dict[str, int]) -> None:
    import json

    from calfkit.plan.agenda import Agenda

    assert isinstance(day_plan, Agenda)
    found = day_plan.day
    click.echo(
        json.dumps(
            {
                "date": str(on),
                "plan": day_plan.plan.name,
                "title": day_plan.plan.title,
                "started_on": day_plan.started_on.isoformat(),
                "week": None if found is None else found.week,
                "weeks": day_plan.plan.weeks,
                "rest_day": bool(found is not None and found.rest),
                "sessions": [
                    {**item.to_json(), "stopped_at_step": stopped.get(item.routine.name)}
                    for item in day_plan.items
                ],
            },
            indent=2,
            ensure_ascii=False,
        )
    )


def _print(day_plan: object, on: object, stopped: dict[str, int]) -> None:
    from datetime import date

    from calfkit.plan.agenda import Agenda
    from calfkit.plan.schedule import last_day, next_practice
    from calfkit.text import one_line

    assert isinstance(day_plan, Agenda) and isinstance(on, date)
    plan = day_plan.plan
    when = on.strftime("%a %Y-%m-%d")
    found = day_plan.day
    if found is None:
        if on < day_plan.started_on:
            click.echo(f"{one_line(plan.title)} starts on {day_plan.started_on:%a %Y-%m-%d}.")
        else:
            end = last_day(plan, day_plan.started_on)
            click.echo(
                f"{one_line(plan.title)} ended on {end:%a %Y-%m-%d}. Start it again with "
                f"calfkit plan start {plan.name}, or pick another (calfkit plan list)."
            )
        return
    click.echo(f"{one_line(plan.title)} · week {found.week} of {plan.weeks} · {when}")
    if not day_plan.items:
        kind = "a rest day" if found.rest else "a day without a session"
        click.echo(f"Today is {kind} in your plan.")
        coming = next_practice(plan, day_plan.started_on, on)
        if coming is not None:
            names = ", ".join(session.routine for session in coming.sessions)
            click.echo(f"Next: {coming.on:%a %Y-%m-%d}: {names}")
        return
    width = max(len(item.routine.name) for item in day_plan.items)
    for item in day_plan.items:
        mark = "done " if item.done else "to do"
        extra = f"  {item.progression}" if item.progression else ""
        at = stopped.get(item.routine.name) if not item.done else None
        if at is not None:
            extra += f"  (stopped at step {at}: calfkit play today --resume)"
        click.echo(
            f"  {mark}  {one_line(item.routine.name):<{width}}  "
            f"{words.clock(item.seconds):>6}{extra}"
        )
    left = day_plan.to_do
    if left:
        total = words.clock(sum(item.seconds for item in left))
        click.echo(
            f"To do: {words.plural(len(left), 'session')}, {total}. Next: calfkit play today"
        )
    else:
        click.echo("All done for today. The rest can wait until tomorrow.")
