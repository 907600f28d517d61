"""The ROUTINE argument: a routine name or a path, with tab completion of names.

Conversion leaves the text as it is; the command looks it up inside ``errors_to_exit()`` so
that a name that matches nothing is reported like any other calfkit error (exit 1).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click
from click.shell_completion import CompletionItem

if TYPE_CHECKING:
    _ParamType = click.ParamType[str]
else:  # click before 8.2 has no type parameter here
    _ParamType = click.ParamType


class RoutineName(_ParamType):
    """A routine name (completed from every routine that can be found) or a path to a file;
    for ``play``, also the word ``today`` (the plan's next session)."""

    name = "routine"

    def __init__(self, *, today: bool = False) -> None:
        self.today = today

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        text = str(value)
        if not text.strip():
            self.fail("a routine name or path cannot be empty", param, ctx)
        return text

    def shell_complete(
        self, ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[CompletionItem]:
        if any(mark in incomplete for mark in ("/", ".", "~", "\\")):
            # The start of a path: let the shell complete file names.
            return [CompletionItem(incomplete, type="file")]
        found = complete_name(ctx, param, incomplete)
        if self.today and "today".startswith(incomplete):
            found.append(CompletionItem("today"))
        return found or [CompletionItem(incomplete, type="file")]


def complete_name(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """Every routine name found that starts with ``incomplete``: for ROUTINE, and for options
    that take a name only (``history --routine``)."""
    from calfkit import library

    try:
        names = library.names(warn=False)
    except OSError:
        names = []
    return [CompletionItem(name) for name in names if name.startswith(incomplete)]


class PlanName(_ParamType):
    """A plan name (completed from every plan that can be found) or a path to a file."""

    name = "plan"

    def shell_complete(
        self, ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[CompletionItem]:
        if any(mark in incomplete for mark in ("/", ".", "~", "\\")):
            return [CompletionItem(incomplete, type="file")]
        from calfkit.plan import lookup

        try:
            names = lookup.names()
        except OSError:
            names = []
        found = [CompletionItem(name) for name in names if name.startswith(incomplete)]
        return found or [CompletionItem(incomplete, type="file")]


ROUTINE = RoutineName()
# play's ROUTINE: any routine, or ``today``.
PLAYABLE = RoutineName(today=True)
PLAN = PlanName()
