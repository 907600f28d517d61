"""calfkit's own errors: one type for bad routines, carrying source positions.

Only the command line formats these for people; everything below it raises them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


@dataclass(frozen=True, order=True)
class Position:
    """A place in a routine file: 1-based line and column."""

    path: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a routine file, where it is and what it is."""

    position: Position
    message: str
    severity: Severity = Severity.ERROR

    def format(self) -> str:
        return f"{self.position}: {self.severity.value}: {self.message}"

    def to_json(self) -> dict[str, object]:
        return {
            "path": self.position.path,
            "line": self.position.line,
            "column": self.position.column,
            "severity": self.severity.value,
            "message": self.message,
        }


class CalfkitError(Exception):
    """An error the command line reports as a message and an exit code, never a traceback."""

    exit_code = 1


class RoutineError(CalfkitError):
    """A routine file (or one it includes) is invalid; carries every problem found."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        self.problems = tuple(sorted(problems, key=lambda p: p.position))
        super().__init__("\n".join(p.format() for p in self.problems))


class RoutineNotFound(CalfkitError):
    """A routine name matched nothing in the search path, or a path does not exist."""
