"""calfkit's own errors, every one of them: one type for bad routines, carrying source
positions and the problems found; the practice log's, and the export's.

Only the command line formats these for people; everything below it raises them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum

from calfkit.text import shown


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
        # A file name may hold anything, even an escape sequence: shown escaped, on one line.
        where = str(self.position)
        if not where.isprintable():
            where = printable(where)
        return f"{where}: {self.severity.value}: {self.message}"

    def to_json(self) -> dict[str, object]:
        return {
            "path": self.position.path,
            "line": self.position.line,
            "column": self.position.column,
            "severity": self.severity.value,
            "message": self.message,
        }


def printable(text: str) -> str:
    """Text with control characters (newlines, tabs...) written as escapes
    (:func:`calfkit.text.shown`, the one way calfkit shows a name it was given)."""
    return shown(text)


# Past this many problems in one load, the rest are only counted: a file with a mistake on
# every one of its 300,000 lines must still be reported in well under a second.
MAX_PROBLEMS = 100
MORE_NOT_SHOWN = f"more problems not shown (only the first {MAX_PROBLEMS} are); fix these first"


class ProblemList:
    """Problems found so far, kept up to MAX_PROBLEMS and counted beyond."""

    def __init__(self) -> None:
        self.items: list[Problem] = []
        self.dropped = 0
        # How many of the dropped were errors: a file whose 101st problem is a warning
        # still loads, and its "more not shown" line is a warning too.
        self.dropped_errors = 0
        self._warnings_kept = 0  # kept problems that are not errors (room an error may take)

    def drop(self, severity: Severity = Severity.ERROR) -> None:
        """Count a problem past the cap without building it."""
        self.dropped += 1
        if severity is Severity.ERROR:
            self.dropped_errors += 1

    def append(self, problem: Problem) -> None:
        # Past the cap a problem is only counted, unless it is an error and a warning can
        # give up its place.
        if len(self.items) >= MAX_PROBLEMS and (
            problem.severity is not Severity.ERROR or not self._evict_a_warning()
        ):
            self.drop(problem.severity)
            return
        if not problem.message.isprintable():
            # One problem, one line: a key or path with a newline in it must not break that.
            problem = Problem(problem.position, printable(problem.message), problem.severity)
        self.items.append(problem)
        if problem.severity is not Severity.ERROR:
            self._warnings_kept += 1

    def extend(self, other: ProblemList) -> None:
        for problem in other.items:
            self.append(problem)
        self.dropped += other.dropped
        self.dropped_errors += other.dropped_errors

    @property
    def errors(self) -> bool:
        """Whether any kept problem is an error (warnings alone leave a file usable)."""
        return any(problem.severity is Severity.ERROR for problem in self.items)

    def _evict_a_warning(self) -> bool:
        """Make room for an error by dropping the last warning kept, if there is one: an
        error must never be hidden behind a hundred warnings (it is why the file fails)."""
        if not self._warnings_kept:
            return False
        for index in range(len(self.items) - 1, -1, -1):
            if self.items[index].severity is not Severity.ERROR:
                del self.items[index]
                self._warnings_kept -= 1
                self.drop(Severity.WARNING)
                return True
        return False  # not reached: the count says a warning is kept

    @property
    def full(self) -> bool:
        """Whether another error would only be counted (no room, not even a warning's)."""
        return len(self.items) >= MAX_PROBLEMS and not self._warnings_kept

    @property
    def full_for_warnings(self) -> bool:
        """Whether another warning would only be counted."""
        return len(self.items) >= MAX_PROBLEMS

    def __bool__(self) -> bool:
        return bool(self.items)

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items) + self.dropped

    def final(self) -> list[Problem]:
        """Every problem kept, in file order, then a line saying how many more were found."""
        kept = sorted(dict.fromkeys(self.items), key=lambda problem: problem.position)
        if self.dropped:
            severity = Severity.ERROR if self.dropped_errors else Severity.WARNING
            kept.append(Problem(kept[-1].position, MORE_NOT_SHOWN, severity))
        return kept


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


class HistoryError(CalfkitError):
    """The history file cannot be read or written (not a database, read-only, locked, newer)."""


class HistoryBusy(HistoryError):
    """The history file is locked by another program this moment; trying again later helps."""


class ExportError(CalfkitError):
    """The export cannot be written (its file, or a library its format needs is missing)."""


class SettingError(CalfkitError):
    """A setting of a session (a command's option) that cannot be used: ``option`` names it
    (``--speed``), the message says why. The command line reports it as a usage error."""

    exit_code = 2

    def __init__(self, option: str, message: str) -> None:
        self.option = option
        self.message = message
        super().__init__(f"{option}: {message}")
