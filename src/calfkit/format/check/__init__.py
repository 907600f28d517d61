"""Loading routine files: YAML nodes checked against the format spec, turned into the model.

Every problem in a file (and in the files it includes) is collected, each at the key or value
it is about, with what was expected and what was found. :func:`load` raises them all as one
:class:`~calfkit.errors.RoutineError`; :func:`check` returns them and never raises for bad
input. The work is split by job:

- :mod:`~calfkit.format.check.includes`: one load, includes resolved, cycles named;
- :mod:`~calfkit.format.check.routine`: a file's top level, built into a Routine;
- :mod:`~calfkit.format.check.structure`: mappings, keys, lists of steps, kind keys;
- :mod:`~calfkit.format.check.values`: single values against their spec types;
- :mod:`~calfkit.format.check.build`: a checked step into its model class, per kind;
- :mod:`~calfkit.format.check.limits`: the expanded limits (24 h, 100,000 events, nesting 8);
- :mod:`~calfkit.format.check.report`: where problems go.
"""

from __future__ import annotations

import os

from calfkit.errors import Position, Problem, RoutineError, Severity
from calfkit.format.check.includes import FindByName, Loader
from calfkit.format.placeholders import PLACEHOLDERS
from calfkit.format.source import no_gc
from calfkit.model import Routine

__all__ = [
    "PLACEHOLDERS",
    "FindByName",
    "check",
    "check_safely",
    "examine",
    "examine_safely",
    "load",
]


def load(path: str | os.PathLike[str], *, find: FindByName | None = None) -> Routine:
    """Read, check and build a routine and its includes; raise RoutineError with every problem.

    ``find`` looks up includes by name; without it, an include by name is a problem.
    """
    loader = Loader(find)
    with no_gc():
        routine = loader.load_file(str(path))
    if routine is None or loader.problems.errors:
        errors = [p for p in loader.problems.final() if p.severity is Severity.ERROR]
        raise RoutineError(errors or loader.problems.final())
    return routine


def examine(
    path: str | os.PathLike[str], *, find: FindByName | None = None
) -> tuple[Routine | None, list[Problem]]:
    """From one reading: the routine (None when it has errors) and every problem in it and
    the files it includes, in file order (warnings too)."""
    loader = Loader(find)
    with no_gc():
        routine = loader.load_file(str(path))
    if loader.problems.errors:
        routine = None
    return routine, loader.problems.final()


def check(path: str | os.PathLike[str], *, find: FindByName | None = None) -> list[Problem]:
    """Every problem in a routine file and the files it includes, in file order; [] when valid."""
    return examine(path, find=find)[1]


def check_safely(path: str | os.PathLike[str], *, find: FindByName | None = None) -> list[Problem]:
    """Like :func:`check`, but a bug in calfkit also comes back as a problem, not a traceback."""
    try:
        return check(path, find=find)
    except Exception as error:  # the command line must never show a traceback
        return [_could_not_check(path, error)]


def examine_safely(
    path: str | os.PathLike[str], *, find: FindByName | None = None
) -> tuple[Routine | None, list[Problem]]:
    """Like :func:`examine`, but a bug in calfkit also comes back as a problem."""
    try:
        return examine(path, find=find)
    except Exception as error:  # the command line must never show a traceback
        return None, [_could_not_check(path, error)]


def _could_not_check(path: str | os.PathLike[str], error: Exception) -> Problem:
    message = f"calfkit could not check this file ({type(error).__name__}: {error})"
    return Problem(Position(str(path), 1, 1), message)
