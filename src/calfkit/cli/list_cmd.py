"""``calfkit list``: every routine that can be found, as a table or as JSON."""

from __future__ import annotations

import os
import sys
from datetime import date, datetime

import click

from calfkit import library, words
from calfkit.cli.common import echo, errors_to_exit


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
    from calfkit.text import SLUG_RE

    if tag is not None and not SLUG_RE.match(tag):
        raise click.BadParameter(
            f"{tag!r} is not a tag: tags are lowercase letters, digits and dashes "
            "(like foam-roller)",
            param_hint="'--tag'",
        )
    with errors_to_exit():
        found = library.available()
    from calfkit.text import one_line, shown

    for broken in (entry for entry in found if not entry.ok):
        path = shown(broken.path)
        click.echo(
            f"calfkit: warning: {path}: invalid routine ({one_line(broken.error or '')}); "
            f"`calfkit validate {path}` lists every problem",
            err=True,
        )
    in_use = sorted({name for entry in found for name in entry.tags})
    if tag is not None:
        found = [entry for entry in found if tag in entry.tags]
    from calfkit.history import last_done

    unreadable: list[str] = []
    done = last_done((entry.name for entry in found), warn=unreadable.append)
    for message in unreadable:
        click.echo(f"calfkit: warning: {shown(message)}; last done is not shown", err=True)
    if as_json:
        import json

        from calfkit.text import JSON_FORMAT_VERSION

        listing = [
            {
                "format_version": JSON_FORMAT_VERSION,
                **entry.to_json(),
                "last_done": _iso(done.get(entry.name)),
            }
            for entry in found
        ]
        echo(json.dumps(listing, indent=2))
        return
    if not found:
        if tag is None:
            click.echo("No routines found.", err=True)
        else:
            known = f" (the tags in use: {', '.join(in_use)})" if in_use else ""
            click.echo(f"No routines with the tag {tag!r}{known}.", err=True)
        return
    _print_table(found, None if unreadable else done)


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _last_done_text(moment: datetime | None, known: bool = True) -> str:
    if not known:
        return "?"  # the history could not be read (said in a warning)
    if moment is None:
        return "never"
    return words.when(moment, date.today())


def _source_text(entry: library.Found) -> str:
    text = entry.source.value
    if entry.shadows:
        hidden = ", ".join(dict.fromkeys(shadow.source.value for shadow in entry.shadows))
        text += f" (shadows {hidden})"
    return text


_ANSI = {"bold": "\x1b[1m", "name": "\x1b[1;36m", "invalid": "\x1b[31m"}
_RESET = "\x1b[0m"
_GAP = "  "
_MIN_TITLE = 12


def _print_table(found: list[library.Found], done: dict[str, datetime] | None) -> None:
    """The routines as an aligned table, styled like rich's box-less tables.

    Drawn by hand: importing rich costs more start-up than everything else ``list`` does
    (see bench/startup.py), and a table of five short columns needs none of it.
    """
    header = ("Name", "Title", "Time", "Steps", "Source", "Last done")
    rows: list[tuple[str, ...]] = []
    styles: list[str | None] = []
    from calfkit.text import cells, fit, one_line

    for entry in found:
        # Titles may come from the summary cache, not only from the loader: cleaned here.
        if entry.ok and entry.total_seconds is not None:
            title = one_line(entry.title or "")
            time = words.length(entry.total_seconds)
            steps = str(entry.step_count)
            styles.append(None)
        else:
            title, time, steps = f"invalid: {one_line(entry.error or '')}", "-", "-"
            styles.append("invalid")
        last = _last_done_text(None if done is None else done.get(entry.name), done is not None)
        rows.append((entry.name, title, time, steps, _source_text(entry), last))

    widths = [max(cells(row[i]) for row in [header, *rows]) for i in range(len(header))]
    spare = _terminal_width() - (sum(widths) + len(_GAP) * (len(widths) - 1))
    if spare < 0:  # narrow terminal: shorten titles, the one column that can lose its end
        widths[1] = max(_MIN_TITLE, widths[1] + spare)
    colour = _use_colour()

    def line(row: tuple[str, ...], name: str | None, title: str | None, head: bool) -> str:
        out = []
        for index, (text, width) in enumerate(zip(row, widths, strict=True)):
            text = fit(text, width)
            style = "bold" if head else name if index == 0 else title if index == 1 else None
            shown = f"{_ANSI[style]}{text}{_RESET}" if colour and style else text
            pad = " " * (width - cells(text))
            out.append(pad + shown if index in (2, 3) else shown + pad)
        return _GAP.join(out).rstrip()

    lines = [line(header, None, None, head=True)]
    lines += [line(row, "name", style, head=False) for row, style in zip(rows, styles, strict=True)]
    echo("\n".join(lines), colour=colour)


def _use_colour() -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    if os.environ.get("TERM") == "dumb":
        return False
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


# Output that is not a terminal (`calfkit list | cat`, a file) has no width to fit: titles
# are never cut there, unless COLUMNS asks for a width.
_UNBOUNDED = 1_000_000


def _terminal_width() -> int:
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    try:
        terminal = sys.stdout.isatty()
    except (AttributeError, ValueError):
        terminal = False
    if not terminal:
        return _UNBOUNDED
    try:
        return os.get_terminal_size(sys.stdout.fileno()).columns
    except (AttributeError, ValueError, OSError):
        return 80
