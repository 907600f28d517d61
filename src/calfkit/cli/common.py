"""Helpers the commands share: turning calfkit's errors into messages and exit codes."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click

from calfkit.errors import CalfkitError, RoutineError


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
