"""``calfkit list``: every routine that can be found, as a table or as JSON."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, NoReturn

import click

from calfkit import library
from calfkit.cli.common import errors_to_exit

if TYPE_CHECKING:
    from rich.console import Console


def end_quietly() -> NoReturn:
    """The reader of stdout went away (``calfkit list | head -1``): stop, silently, with success.

    click and rich would each exit with status 1 here; a listing cut short by its reader is
    not a failure. stdout is pointed at the null device so the final flush cannot fail again.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    sys.exit(0)


def echo(text: str) -> None:
    """``click.echo`` to stdout, ending quietly if the reader has gone."""
    try:
        click.echo(text)
        sys.stdout.flush()
    except BrokenPipeError:
        end_quietly()


def stdout_console(**options: object) -> Console:
    """A rich console on stdout that ends quietly, not with status 1, if the reader has gone."""
    from rich.console import Console

    class QuietOnClosedPipe(Console):
        def on_broken_pipe(self) -> None:
            self.quiet = True
            end_quietly()

    return QuietOnClosedPipe(**options)  # type: ignore[arg-type]


@click.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of a table.")
@click.option("--tag", metavar="TAG", help="Only routines carrying this tag.")
def command(as_json: bool, tag: str | None) -> None:
    """List every routine found: your own, those in CALFKIT_PATH, and the built-in ones.

    Shows each routine's name, title, total time, number of timed steps and where it comes
    from. A routine of yours that has the same name as a built-in one hides (shadows) it.

    \b
    Examples:  calfkit list
               calfkit list --tag foam-roller
               calfkit list --json
    """
    with errors_to_exit():
        found = library.available()
    for broken in (entry for entry in found if not entry.ok):
        click.echo(
            f"calfkit: warning: {broken.path}: invalid routine ({broken.error}); "
            f"`calfkit validate {broken.path}` lists every problem",
            err=True,
        )
    if tag is not None:
        found = [entry for entry in found if tag in entry.tags]
    if as_json:
        import json

        echo(json.dumps([entry.to_json() for entry in found], indent=2))
        return
    if not found:
        click.echo(f"No routines with the tag {tag!r}." if tag else "No routines found.", err=True)
        return
    _print_table(found)


def _source_text(entry: library.Found) -> str:
    text = entry.source.value
    if entry.shadows:
        hidden = ", ".join(dict.fromkeys(shadow.source.value for shadow in entry.shadows))
        text += f" (shadows {hidden})"
    return text


def _print_table(found: list[library.Found]) -> None:
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, pad_edge=False, header_style="bold")
    table.add_column("Name", style="bold cyan", no_wrap=True)
    table.add_column("Title")
    table.add_column("Time", justify="right", no_wrap=True)
    table.add_column("Steps", justify="right", no_wrap=True)
    table.add_column("Source")
    for entry in found:
        if entry.ok and entry.total_seconds is not None:
            title = Text(entry.title or "")
            time = library.format_seconds(entry.total_seconds)
            steps = str(entry.step_count)
        else:
            title = Text(f"invalid: {entry.error}", style="red")
            time = steps = "-"
        table.add_row(Text(entry.name), title, time, steps, Text(_source_text(entry)))
    stdout_console(markup=False, emoji=False, highlight=False).print(table)
