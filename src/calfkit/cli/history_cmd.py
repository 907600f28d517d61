"""``calfkit history``: recent sessions, this week's totals and the current streak."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import click

from calfkit import words
from calfkit.cli.routine_arg import complete_name

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import date
    from pathlib import Path

    from calfkit.history import History, Session


# More sessions than anyone records; SQLite's LIMIT would overflow past 2**63 - 1.
MAX_LIMIT = 1_000_000


@click.command(name="history")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of sessions instead.")
@click.option(
    "--limit",
    type=click.IntRange(min=1, max=MAX_LIMIT),
    default=20,
    show_default=True,
    metavar="N",
    help="Show at most N sessions, newest first.",
)
@click.option(
    "--routine",
    metavar="NAME",
    shell_complete=complete_name,
    help="Only sessions of this routine.",
)
@click.option(
    "--calendar",
    "as_calendar",
    is_flag=True,
    help="Draw the last months as a calendar, a cell a day, shaded by minutes practised.",
)
@click.option(
    "--months",
    type=click.IntRange(1, 24),
    default=3,
    show_default=True,
    metavar="N",
    help="How many months --calendar shows (this one and the N-1 before).",
)
def command(as_json: bool, limit: int, routine: str | None, as_calendar: bool, months: int) -> None:
    """Show past sessions: when, which routine, how long, and whether it was finished
    or where it stopped; then this week's totals and your current streak of days with a
    finished session.

    The log lives in your user data folder (CALFKIT_HISTORY names another file);
    `calfkit play --no-history` plays without writing to it.

    \b
    Examples:  calfkit history
               calfkit history --routine calf-release --limit 5
               calfkit history --json
               calfkit history --calendar
    """
    from calfkit import history as log
    from calfkit.history import store

    with _history_errors():
        _check_openable(store.history_path())
    if as_calendar:
        _calendar(months, as_json)
        return
    with _history_errors(), log.History() as history:
        sessions = history.sessions(limit=limit, routine=routine)
        if as_json:
            import json

            from calfkit.text import json_safe

            _warn_unreadable(history)
            listing = json.dumps([session.to_json() for session in sessions], indent=2)
            click.echo(json_safe(listing))
            return
        now = store.utc_now()
        if not sessions:
            if routine is None:
                click.echo(
                    "No sessions recorded yet. Play a routine (calfkit play NAME) "
                    "and it will show up here."
                )
            else:
                click.echo(f"No sessions of {routine!r} recorded yet.")
            if routine is None:
                return
        else:
            _print_table(history, sessions)
            click.echo()
        week = history.week_totals(now)
        streak = history.streak(history.today(now), rest=_rest_days(history))
        _warn_unreadable(history)
    sessions_word = "session" if week.sessions == 1 else "sessions"
    click.echo(
        f"This week: {week.sessions} {sessions_word}, {week.finished} finished, "
        f"{words.clock(week.played_seconds)} played"
    )
    click.echo(f"Current streak: {streak} day{'' if streak == 1 else 's'}")


def _rest_days(history: History) -> Callable[[date], bool] | None:
    """The rest days of the plan followed, which keep a streak; None without a plan (or with
    one that no longer loads, which is said once on stderr)."""
    from calfkit.cli.practice import following
    from calfkit.errors import CalfkitError, HistoryError

    try:
        found = following(history)
    except HistoryError:
        raise
    except CalfkitError as error:
        from calfkit.text import one_line

        click.echo(f"calfkit: warning: plan: {one_line(str(error))}; rest days left out", err=True)
        return None
    return None if found is None else found.rest()


def _calendar(months: int, as_json: bool) -> None:
    from calfkit.cli import calendar_view
    from calfkit.cli.practice import today
    from calfkit.history import History

    on = today()
    first = calendar_view.first_shown(on, months)
    with _history_errors(), History() as history:
        rest = _rest_days(history)
        run = history.active_plan()
        totals = history.days(first, on)
        streak = history.streak(on, rest=rest)
        _warn_unreadable(history)
    shown = calendar_view.days(first, on, totals, rest)
    if as_json:
        import json

        from calfkit.text import json_safe

        data = {
            "from": first.isoformat(),
            "to": on.isoformat(),
            "today": on.isoformat(),
            "plan": None if run is None or rest is None else run.name,
            "streak": streak,
            "days": [day.to_json() for day in shown],
        }
        click.echo(json_safe(json.dumps(data, indent=2, ensure_ascii=False)))
        return
    from rich.console import Console

    console = Console(highlight=False)
    for line in calendar_view.render(shown, on, console.width, rest):
        console.print(line, overflow="ignore", crop=False)
    kept = " (your plan's rest days count as kept)" if rest is not None else ""
    click.echo(f"Current streak: {streak} day{'' if streak == 1 else 's'}{kept}")


def _warn_unreadable(history: History) -> None:
    """Rows left out as unreadable: one warning line on stderr, whatever asked for them."""
    from calfkit.text import shown

    warning = history.unreadable_warning()
    if warning is not None:
        click.echo(f"calfkit: warning: {shown(warning)}", err=True)


def _played(seconds: float) -> str:
    """A figure from the log on a clock, or "?" for one no session can have (hand-edited)."""
    from calfkit.history.queries import plausible

    return words.clock(seconds) if plausible(seconds) else "?"


def _check_openable(path: Path) -> None:
    """A log that is missing is an empty history; one that is there but cannot be reached
    (a symlink loop, a folder that cannot be searched) is an error, as ``play`` finds it."""
    import os

    from calfkit.history import HistoryError

    try:
        os.stat(path)
    except FileNotFoundError:
        return
    except OSError as error:
        raise HistoryError(f"cannot open {path}: {error.strerror or error}") from None


@contextmanager
def _history_errors() -> Iterator[None]:
    """A history file that cannot be read: one line saying so and what to do, exit 1."""
    from calfkit.history import ENV_VAR, HistoryBusy, HistoryError

    try:
        yield
    except HistoryError as error:
        if isinstance(error, HistoryBusy):
            # Nothing is wrong with the file: moving it aside would lose the history.
            hint = "try again when the other program is done with it"
        else:
            hint = f"move it aside, or set {ENV_VAR} to use another file"
        from calfkit.text import shown

        click.echo(f"calfkit: error: {shown(str(error))} ({hint})", err=True)
        sys.exit(1)


def _print_table(history: History, sessions: list[Session]) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from calfkit.history import Ending
    from calfkit.text import one_line

    table = Table(box=None, pad_edge=False, header_style="bold")
    table.add_column("When", no_wrap=True)
    table.add_column("Routine", style="bold cyan")
    table.add_column("Played", justify="right", no_wrap=True)
    table.add_column("How it ended")
    styles = {
        Ending.FINISHED: "green",
        Ending.SKIPPED: "yellow",
        Ending.STOPPED: "yellow",
        Ending.INTERRUPTED: "red",
    }
    for session in sessions:
        when = history.local(session.started_at).strftime("%a %Y-%m-%d %H:%M")
        table.add_row(
            when,
            Text(one_line(session.routine)),  # a row an older calfkit wrote may hold anything
            _played(session.played_seconds),
            Text(session.outcome(), style="cyan" if session.playing else styles[session.ended]),
        )
    console = Console()
    if console.is_terminal:
        console.print(table)
        return
    # Into a pipe or a file: one line per session, however long, for grep and friends, and
    # without the spaces that pad the last column to its width.
    wide = console.options.update_width(10_000)
    console.width = max(console.width, console.measure(table, options=wide).maximum)
    with console.capture() as captured:
        console.print(table)
    click.echo("\n".join(line.rstrip() for line in captured.get().splitlines()))
