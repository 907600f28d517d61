"""Which files a command may write (``export FILE``, ``--log-events FILE``): never one it is
reading, never one of calfkit's own, never an existing one unless ``--force`` says so, and only
a regular file named as itself.

"Reading" means the routine and every file it includes, compared by identity
(``os.path.samefile``: the same file under another name, through a symlink or a hard link,
counts), and by resolved path for names that do not exist yet.

calfkit's own files are the practice history (with SQLite's companions beside it), anything in
the config folder (your routines, plans) or the cache folder, the built-in routines, and any
routine file in a ``CALFKIT_PATH`` folder: an output written there would wipe a history or
turn a log into a broken routine that every ``list`` then reports. ``--force`` does not
change that; it only lets an output replace a file of the user's own.

What is written must be a regular file or a new name. A symbolic link is refused rather than
followed or replaced (replacing it would put a file where the link was, and writing through
it would change a file that was never named), and so are a device, a FIFO and a socket (a FIFO
with no reader would hang the session before it starts, and a device cannot be replaced).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

from calfkit.errors import CalfkitError
from calfkit.model import Routine, Step, included, inner_steps
from calfkit.text import shown

__all__ = ["OutputRefused", "calfkits_own", "check_output", "routine_files"]

# SQLite's files beside a database: its write-ahead log, shared memory and rollback journal.
_SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")


class OutputRefused(CalfkitError):
    """A file named for output is one being read, one of calfkit's own, already exists, or
    is not a regular file."""


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


def _same(a: str | Path, b: str | Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def _inside(path: str, folder: Path) -> bool:
    """Whether ``path`` (resolved, as far as it exists) is in ``folder`` or below it."""
    base = os.path.realpath(folder)
    try:
        return os.path.commonpath([os.path.realpath(path), base]) == base
    except ValueError:  # different drives (Windows)
        return False


def _own_folders() -> Iterator[tuple[Path, str]]:
    from calfkit.library.listing import cache_dir
    from calfkit.library.lookup import builtin_routines_dir, user_config_dir

    yield user_config_dir(), "calfkit's config folder (your routines and plans)"
    yield cache_dir(), "calfkit's cache folder"
    yield builtin_routines_dir(), "calfkit's built-in routines"


def calfkits_own(path: str) -> str | None:
    """Why ``path`` is one of calfkit's own files (to a message), or None if it is not."""
    from calfkit.history.store import history_path
    from calfkit.library.lookup import SUFFIXES, Source, search_path

    history = history_path()
    for suffix in _SQLITE_COMPANIONS:
        if _same(path, f"{history}{suffix}"):
            return "it is calfkit's practice history" + (f" ({suffix[1:]} file)" if suffix else "")
    for folder, what in _own_folders():
        if _inside(path, folder):
            return f"it is in {what}"
    if path.endswith(SUFFIXES):
        parent = os.path.dirname(os.path.abspath(path))
        for place in search_path():
            if place.source is Source.PATH and _same(parent, place.folder):
                return f"it would be a routine in CALFKIT_PATH's folder {shown(place.folder)}"
    return None


def _check_folder(path: str, named: str) -> None:
    """A new file's folder is there and is a folder: else the same one-line error (exit 1) as
    every other file calfkit will not write, before anything plays or renders."""
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(folder):
        return  # writing says anything else (no permission, a full disk)
    if os.path.lexists(folder):
        raise OutputRefused(f"cannot write {named}: {shown(folder)} is not a folder")
    raise OutputRefused(f"cannot write {named}: there is no folder {shown(folder)}")


def check_output(
    path: str,
    *,
    reading: list[tuple[str, str]],
    force: bool,
    option: str = "",
) -> None:
    """Raise :class:`OutputRefused` unless ``path`` may be written.

    Never a file in ``reading`` nor one of calfkit's own (not even with ``force``); never a
    folder, a symbolic link, a device, a FIFO or a socket; an existing file only with
    ``force``.
    """
    named = shown(f"{option} {path}" if option else path)
    for source, why in reading:
        if _same(path, source):
            raise OutputRefused(f"will not write over {named}: {why} (not even with --force)")
    own = calfkits_own(path)
    if own is not None:
        raise OutputRefused(f"will not write {named}: {own} (not even with --force)")
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        _check_folder(path, named)
        return  # nothing there: a new file
    if stat.S_ISLNK(mode):
        target = shown(os.readlink(path))
        raise OutputRefused(
            f"cannot write {named}: it is a symbolic link (to {target}); name the file itself"
        )
    if stat.S_ISDIR(mode):
        raise OutputRefused(f"cannot write {named}: it is a folder")
    if not stat.S_ISREG(mode):
        raise OutputRefused(
            f"cannot write {named}: it is not a regular file (a device, a FIFO or a socket)"
        )
    if not force:
        raise OutputRefused(f"{named} already exists; add --force to write over it")
