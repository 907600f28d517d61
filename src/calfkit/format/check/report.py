"""Where a check's problems go: the :data:`INVALID` marker and the reporter every checker is.

A value that cannot be read is recorded as a problem at its node and comes back as
:data:`INVALID`, so the checks go on and every problem in a file is found in one reading.
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Final

from calfkit.errors import Position, Problem, Severity
from calfkit.format.source import Node

if TYPE_CHECKING:
    from calfkit.format.check.includes import Loader

# How alike a misspelt key must be to a real one for a did-you-mean ('hodl' -> 'hold' is 0.75;
# 'author' -> 'caution', 0.62, is not a helpful guess).
CLOSE_ENOUGH = 0.7


class Invalid(Enum):
    """The type of :data:`INVALID`: a value that could not be read (its problem is recorded)."""

    INVALID = "invalid"


INVALID: Final = Invalid.INVALID
"""Marks a value that could not be read; its problem is already recorded."""


class Reporter:
    """Records the problems of one file (in its load's list), and whether the file failed."""

    def __init__(self, loader: Loader, path: str) -> None:
        self.loader = loader
        self.path = path
        self.failed = False

    def problem(self, position: Position, message: str) -> Invalid:
        self.failed = True
        self.loader.problems.append(Problem(position, message))
        return INVALID

    def problem_at(self, node: Node, message: str) -> Invalid:
        """Like problem(), at a node; past the cap the Position is never even built."""
        self.failed = True
        if self.loader.problems.full:
            self.loader.problems.drop()
        else:
            self.loader.problems.append(Problem(node.position, message))
        return INVALID

    def warning(self, node: Node, message: str) -> None:
        """Something allowed but probably not meant: reported, and the file still loads."""
        if self.loader.problems.full_for_warnings:
            self.loader.problems.drop(Severity.WARNING)
            return
        self.loader.problems.append(Problem(node.position, message, Severity.WARNING))


def close_match(word: str, allowed: list[str], cutoff: float = CLOSE_ENOUGH) -> str | None:
    """The allowed key a misspelt one most likely meant, if any is close enough."""
    import difflib  # only needed when there is a mistake

    close = difflib.get_close_matches(word.lower()[:100], allowed, n=1, cutoff=cutoff)
    return close[0] if close else None
