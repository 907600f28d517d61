"""Where routines come from: a name looked up along the search path, and loaded.

A routine name is looked up, first match wins, in the user's routines folder, then each folder
in ``CALFKIT_PATH``, then the built-in routines (a routine earlier in the path shadows one of
the same name later); anything that is not a name is a path. Loading goes through
:mod:`calfkit.format.check` with this lookup passed in for ``routine: NAME`` includes.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from calfkit.errors import RoutineNotFound
from calfkit.text import SLUG_RE  # a routine name is a slug: the one rule

if TYPE_CHECKING:
    from calfkit.errors import Problem
    from calfkit.model import Routine

MAX_NAME_LENGTH = 64
SUFFIXES = (".yaml", ".yml")  # in order of preference when a folder holds both

CONFIG_DIR_ENV = "CALFKIT_CONFIG_DIR"
SEARCH_PATH_ENV = "CALFKIT_PATH"

PACKAGE_DIR = Path(__file__).resolve().parent.parent
"""The installed ``calfkit`` package folder."""


class Source(str, Enum):
    """Where a routine was found, as ``calfkit list`` names it."""

    USER = "user"
    PATH = "CALFKIT_PATH"
    BUILTIN = "built-in"


@dataclass(frozen=True)
class Place:
    """A folder that is searched for routines, and which kind of folder it is."""

    source: Source
    folder: Path


def is_name(ref: str) -> bool:
    """Whether ``ref`` is a routine name (a slug) rather than a path."""
    return len(ref) <= MAX_NAME_LENGTH and SLUG_RE.match(ref) is not None


def user_config_dir() -> Path:
    """calfkit's config folder: ``$CALFKIT_CONFIG_DIR`` if set, else the platform's."""
    override = os.environ.get(CONFIG_DIR_ENV)
    if override:
        return Path(override).expanduser()
    import platformdirs  # only when needed: it is a few milliseconds of start-up

    return Path(platformdirs.user_config_dir("calfkit", appauthor=False))


def user_routines_dir() -> Path:
    """The user's own routines folder (it may not exist yet)."""
    return user_config_dir() / "routines"


def builtin_routines_dir() -> Path:
    """The built-in routines: package data in a wheel, the top-level folder in a checkout."""
    packaged = PACKAGE_DIR / "routines"
    if packaged.is_dir():
        return packaged
    # An editable install or a source checkout: src/calfkit/ -> the repository's routines/.
    return PACKAGE_DIR.parent.parent / "routines"


def search_path() -> tuple[Place, ...]:
    """Every folder searched for a name, in order; a folder named twice is searched once."""
    places = [Place(Source.USER, user_routines_dir())]
    for entry in os.environ.get(SEARCH_PATH_ENV, "").split(os.pathsep):
        if entry.strip():
            places.append(Place(Source.PATH, Path(entry).expanduser()))
    places.append(Place(Source.BUILTIN, builtin_routines_dir()))
    seen: set[str] = set()
    unique = []
    for place in places:
        key = os.path.normcase(os.path.realpath(place.folder))
        if key not in seen:
            seen.add(key)
            unique.append(place)
    return tuple(unique)


def in_folder(folder: Path, name: str) -> Path | None:
    """The routine file called ``name`` in one folder, if there is one."""
    for suffix in SUFFIXES:
        candidate = folder / f"{name}{suffix}"
        # Not is_file(): it lets ENAMETOOLONG through, and one folder in CALFKIT_PATH (or a
        # config folder) whose name is too long must not end every lookup in a traceback.
        if _is_regular(candidate):
            return candidate
    return None


def find(ref: str, *, relative_to: Path | None = None) -> Path:
    """The file a routine reference means.

    A name is looked up along :func:`search_path`; anything else is a path, read relative to
    the folder ``relative_to`` if it is relative and one is given (an including file may be
    passed too: its folder is used). Raises :class:`RoutineNotFound`.
    """
    if is_name(ref):
        places = search_path()
        # A routine that includes its own name (your calf-release.yaml wrapping the built-in
        # calf-release) means the one it shadows, further along: not itself, a cycle.
        including = _same_file_key(relative_to) if relative_to is not None else None
        itself = False
        for place in places:
            found = in_folder(place.folder, ref)
            if found is None:
                continue
            if including is None or _same_file_key(found) != including:
                return found
            itself = True
        if itself:
            raise RoutineNotFound(
                f"the only routine named {ref!r} is this file itself (a routine cannot include "
                "itself)"
            )
        here = in_folder(Path("."), ref) if relative_to is None else None
        if here is not None:
            # A name is not looked for in the current folder: say how to use the file that is.
            raise RoutineNotFound(
                f"no routine named {ref!r}, but ./{here.name} is here: give its path "
                f"(./{here.name}) to use it"
            )
        raise RoutineNotFound(_not_found_message(ref, places))
    path = Path(ref).expanduser()
    if not path.is_absolute() and relative_to is not None:
        base = Path(relative_to)
        if _is_regular(base):
            base = base.parent
        path = base / path
    try:
        status = path.stat()
    except OSError as error:  # pathlib's is_file() lets ENAMETOOLONG through as a traceback
        from calfkit.format.source import os_reason

        shown = ref if len(ref) <= 200 else ref[:60] + "..."
        raise RoutineNotFound(f"{shown}: {os_reason(error)}{meant_a_name(ref)}") from None
    if stat.S_ISDIR(status.st_mode):
        raise RoutineNotFound(f"{ref}: is a folder, not a routine file")
    return path


def _same_file_key(path: Path) -> tuple[int, int] | None:
    """What tells one file from another (device and inode; links followed), None for what
    is not a regular file."""
    try:
        status = path.stat()
    except OSError:
        return None
    return (status.st_dev, status.st_ino) if stat.S_ISREG(status.st_mode) else None


def meant_a_name(ref: str) -> str:
    """A hint where a path that is not there looks like a routine name mistyped
    (``Calf-Release``, ``calf_release``): the name it is probably meant to be."""
    if os.sep in ref or (os.altsep and os.altsep in ref) or ref.endswith(SUFFIXES):
        return ""
    guess = ref.strip().lower().replace("_", "-").replace(" ", "-")
    if not is_name(guess):
        return ""
    if any(in_folder(place.folder, guess) for place in search_path()):
        return f" (did you mean the routine {guess!r}?)"
    return ""


def _is_regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False


def _not_found_message(name: str, places: Sequence[Place]) -> str:
    import difflib

    known = sorted({entry_name for entry_name, _ in entries(places)})
    message = f"no routine named {name!r}"
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if close:
        message += f" (did you mean {close[0]!r}?)"
    from calfkit.text import one_line

    folders = ", ".join(one_line(str(place.folder)) for place in places)
    return f"{message}; looked in {folders}. Try `calfkit list`."


def include_by_name(name: str, including: Path) -> Path:
    """The file ``routine: NAME`` in the file ``including`` means (a
    :data:`calfkit.format.check.FindByName`)."""
    return find(name, relative_to=including)


def load(path: str | os.PathLike[str]) -> Routine:
    """Load a routine file, its includes by name looked up here; raises RoutineError."""
    from calfkit.format import check as checker

    return checker.load(path, find=include_by_name)


def check(path: str | os.PathLike[str]) -> list[Problem]:
    """Every problem in a routine file and what it includes; [] when valid."""
    from calfkit.format import check as checker

    return checker.check(path, find=include_by_name)


def check_safely(path: str | os.PathLike[str]) -> list[Problem]:
    """Like :func:`check`, but a bug in calfkit also comes back as a problem."""
    from calfkit.format import check as checker

    return checker.check_safely(path, find=include_by_name)


def examine_safely(path: str | os.PathLike[str]) -> tuple[Routine | None, list[Problem]]:
    """A routine file read once: the routine (None if it has errors) and every problem."""
    from calfkit.format import check as checker

    return checker.examine_safely(path, find=include_by_name)


def load_ref(ref: str, *, relative_to: Path | None = None) -> Routine:
    """Find and load a routine by name or path; raises RoutineNotFound or RoutineError."""
    return load(find(ref, relative_to=relative_to))


def entries(
    places: Iterable[Place], *, warn: bool = True
) -> Iterator[tuple[str, tuple[Place, Path]]]:
    """(name, (place, path)) for every routine file in the folders, in search order.

    An entry that cannot be looked at (a loop of symbolic links, no permission) is skipped,
    with a warning on stderr once per run (unless ``warn`` is false), and only that entry:
    the rest of its folder is still found.
    """
    for place in places:
        try:
            with os.scandir(place.folder) as scan:
                files = sorted(entry.name for entry in scan if _routine_file(entry, warn))
        except OSError:  # a missing or unreadable folder holds no routines
            continue
        names: dict[str, Path] = {}
        for suffix in reversed(SUFFIXES):  # so that .yaml wins over .yml in one folder
            for file_name in files:
                if not file_name.endswith(suffix):
                    continue
                stem = file_name[: -len(suffix)]
                if is_name(stem):
                    names[stem] = place.folder / file_name
                elif warn:
                    _not_a_name(place.folder / file_name, stem)
        for name in sorted(names):
            yield name, (place, names[name])


def names(*, warn: bool = True) -> list[str]:
    """Every routine name that can be found, sorted; cheap (nothing is loaded): for completion
    (which passes ``warn=False``: a warning would land in the middle of the command line)."""
    return sorted({name for name, _ in entries(search_path(), warn=warn)})


_warned: set[str] = set()


def _not_a_name(path: Path, stem: str) -> None:
    """Say once that a routine file is passed over for its name ("Morning Stretch.yaml"):
    found by no name, it would otherwise be missing from ``list`` without a word."""
    key = str(path)
    if key in _warned or stem.startswith("."):  # an editor's hidden file: not meant
        return
    _warned.add(key)
    from calfkit.text import one_line, shown

    guess = stem.strip().lower().replace("_", "-").replace(" ", "-")
    rename = f"; rename it {guess}{path.suffix} to use it by name" if is_name(guess) else ""
    print(
        f"calfkit: warning: skipping {shown(path)}: {one_line(stem)!r} is not a "
        f"routine name (lowercase letters, digits and dashes){rename}",
        file=sys.stderr,
    )


def _routine_file(entry: os.DirEntry[str], warn: bool) -> bool:
    """Whether a folder entry is a file that may be a routine; a broken one is skipped."""
    if not entry.name.endswith(SUFFIXES):
        return False  # not a routine whatever it is: not even looked at
    try:
        if entry.is_file():
            return True
        if not entry.is_symlink():
            return False
        os.stat(entry.path)  # a link to something that is not a file: not a routine
        return False
    except OSError as error:
        if warn and entry.path not in _warned:
            from calfkit.format.source import os_reason
            from calfkit.text import shown

            _warned.add(entry.path)
            reason = os_reason(error)
            if error.errno == errno.ENOENT:  # the entry is there: what it points to is not
                reason = "a symbolic link to a file that does not exist"
            print(
                f"calfkit: warning: skipping {shown(entry.path)}: {reason}",
                file=sys.stderr,
            )
        return False
