"""Helpers the commands share: turning calfkit's errors into messages and exit codes."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import click

from calfkit.errors import CalfkitError, RoutineError

INTERRUPTED_EXIT = 130  # Ctrl-C, as a shell reports a process killed by SIGINT


def report(error: CalfkitError) -> None:
    """Print an error for people on stderr: one line per problem, never a traceback."""
    if isinstance(error, RoutineError):
        for problem in error.problems:
            click.echo(problem.format(), err=True)
    else:
        click.echo(f"calfkit: error: {error}", err=True)


@contextmanager
def errors_to_exit() -> Iterator[None]:
    """Run a command body, turning calfkit's own errors into a message and exit code 1."""
    try:
        yield
    except CalfkitError as error:
        report(error)
        sys.exit(error.exit_code)


def end_quietly() -> NoReturn:
    """The reader of stdout went away (``calfkit list | head -1``): stop, silently, with success.

    click and rich would each exit with status 1 here; output cut short by its reader is not
    a failure. stdout is pointed at the null device so the final flush cannot fail again.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    sys.exit(0)


def echo(text: str, *, colour: bool | None = None) -> None:
    """``click.echo`` to stdout, flushed now: a reader that has gone is then noticed inside
    the command, where the group ends quietly, not at exit, where Python would complain."""
    click.echo(text, color=colour)
    sys.stdout.flush()
