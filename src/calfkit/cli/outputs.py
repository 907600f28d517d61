"""Which files a command may write: never one it is reading, never an existing one unless
``--force`` says so.

"Reading" means the routine and every file it includes, compared by identity
(``os.path.samefile``: the same file under another name, through a symlink or a hard link,
counts), and by resolved path for names that do not exist yet.
"""

from __future__ import annotations

import os
import stat

from calfkit.errors import CalfkitError
from calfkit.model import Routine, Step, included, inner_steps

__all__ = ["OutputRefused", "check_output", "routine_files"]


class OutputRefused(CalfkitError):
    """A file named for output is one being read, already exists, or is a folder."""


def routine_files(routine: Routine) -> list[tuple[str, str]]:
    """Every file ``routine`` was read from: (path, what it is to this command)."""
    found: list[tuple[str, str]] = []

    def steps(items: tuple[Step, ...], parent: str) -> None:
        for step in items:
            include = included(step)
            if include is None:
                steps(inner_steps(step), parent)
                continue
            path = include.routine.path
            if path is not None:
                found.append((path, f"{parent} includes it"))
            steps(include.routine.steps, os.path.basename(path or include.ref))

    if routine.path is not None:
        found.append((routine.path, "it is the routine being read"))
    steps(routine.steps, os.path.basename(routine.path or routine.name))
    return found


def _same(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def check_output(
    path: str,
    *,
    reading: list[tuple[str, str]],
    force: bool,
    option: str = "",
    replaces: bool = True,
) -> None:
    """Raise :class:`OutputRefused` unless ``path`` may be written.

    Never a file in ``reading`` (not even with ``force``); never a folder; an existing file
    only with ``force``. ``replaces``: the output is moved into place as a new file, so it
    can never go to a device or a pipe; otherwise (a live log) those are written to as they
    are, which overwrites nothing.
    """
    named = f"{option} {path}" if option else path
    for source, why in reading:
        if _same(path, source):
            raise OutputRefused(f"will not write over {named}: {why} (not even with --force)")
    if os.path.isdir(path):
        raise OutputRefused(f"cannot write {named}: it is a folder")
    try:
        mode = os.stat(path).st_mode
    except OSError:
        mode = None  # nothing there (or a dangling link, which the write would follow)
    if mode is not None and not stat.S_ISREG(mode):
        if replaces:
            raise OutputRefused(f"cannot write {named}: it is not a regular file")
        return
    if os.path.lexists(path) and not force:
        raise OutputRefused(f"{named} already exists; add --force to write over it")
