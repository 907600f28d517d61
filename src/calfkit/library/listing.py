"""Every routine that can be found, summarised for ``calfkit list``.

Each routine's summary (title, total time, step count) is remembered in a small cache keyed on
the content of every file the routine reads, so an edit is always seen.
"""

from __future__ import annotations

import contextlib
import math
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from calfkit.errors import CalfkitError
from calfkit.library.lookup import (
    CONFIG_DIR_ENV,
    PACKAGE_DIR,
    Place,
    Source,
    entries,
    find,
    search_path,
)

if TYPE_CHECKING:
    from calfkit.model import Routine, Step

CACHE_DIR_ENV = "CALFKIT_CACHE_DIR"

_CACHE_FORMAT = 1


@dataclass(frozen=True)
class Shadowed:
    """A routine of the same name further down the search path, hidden by the one found first."""

    source: Source
    path: Path


@dataclass(frozen=True)
class Found:
    """One routine that a name finds, summarised for ``calfkit list``.

    ``error`` is set (and the summary fields are empty) when the file does not load; listing
    never fails because one routine is broken.
    """

    name: str
    source: Source
    path: Path
    title: str | None = None
    total_seconds: float | None = None
    step_count: int | None = None
    tags: tuple[str, ...] = ()
    shadows: tuple[Shadowed, ...] = ()
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "total_seconds": self.total_seconds,
            "step_count": self.step_count,
            "tags": list(self.tags),
            "source": self.source.value,
            "path": str(self.path),
            "shadows": [{"source": s.source.value, "path": str(s.path)} for s in self.shadows],
            "error": self.error,
        }


def available() -> list[Found]:
    """Every routine a name finds, sorted by name, each summarised (or marked invalid)."""
    by_name: dict[str, list[tuple[Place, Path]]] = {}
    for name, hit in entries(search_path()):
        by_name.setdefault(name, []).append(hit)
    cache = _SummaryCache.open()
    found = []
    for name in sorted(by_name):
        (place, path), *hidden = by_name[name]
        shadows = tuple(Shadowed(other.source, other_path) for other, other_path in hidden)
        try:
            summary = cache.summary(path)
        except CalfkitError as error:
            found.append(
                Found(name, place.source, path, shadows=shadows, error=_short(error, path))
            )
            continue
        found.append(
            Found(
                name,
                place.source,
                path,
                title=summary.title,
                total_seconds=summary.total_seconds,
                step_count=summary.step_count,
                tags=summary.tags,
                shadows=shadows,
            )
        )
    cache.save()
    return found


def _short(error: CalfkitError, path: Path) -> str:
    """One line saying what is wrong with a routine, for a listing.

    A problem in a file the routine includes names that file: "line 4" alone would send
    people to the wrong file.
    """
    from calfkit.errors import RoutineError

    if isinstance(error, RoutineError) and error.problems:
        first = error.problems[0]
        more = len(error.problems) - 1
        extra = f" (and {more} more)" if more else ""
        where = f"line {first.position.line}"
        if os.path.normpath(first.position.path) != os.path.normpath(path):
            where = f"{first.position.path} {where}"
        return f"{where}: {first.message}{extra}"
    return str(error)


# --- the summary cache ---------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    title: str
    total_seconds: float
    step_count: int
    tags: tuple[str, ...]


def cache_dir() -> Path:
    """Where summaries are cached: ``$CALFKIT_CACHE_DIR``, or beside a relocated config
    (``$CALFKIT_CONFIG_DIR/cache``), else the platform's cache folder."""
    override = os.environ.get(CACHE_DIR_ENV)
    if override:
        return Path(override).expanduser()
    config = os.environ.get(CONFIG_DIR_ENV)
    if config:
        return Path(config).expanduser() / "cache"
    import platformdirs

    return Path(platformdirs.user_cache_dir("calfkit", appauthor=False))


def _code_stamp() -> str:
    """Changes whenever the code that turns a file into a summary may have changed."""
    from calfkit import __version__

    parts = [__version__, str(_CACHE_FORMAT)]
    for module in (
        "library/lookup",
        "library/listing",
        "format/check/",  # a package: every module in it
        "format/source",
        "format/spec",
        "format/measure",
        "model",
    ):
        if module.endswith("/"):
            files = sorted((PACKAGE_DIR / module).glob("*.py")) or [PACKAGE_DIR / module]
        else:
            files = [PACKAGE_DIR / f"{module}.py"]
        for file in files:
            shown = file.relative_to(PACKAGE_DIR).as_posix()
            try:
                stat = file.stat()
                parts.append(f"{shown}:{stat.st_mtime_ns}:{stat.st_size}")
            except OSError:
                parts.append(f"{shown}:-")
    return "|".join(parts)


_VERBATIM_LIMIT = 64 * 1024


def _digest(path: Path) -> str:
    """What a file held, to compare with later: the text itself for a routine-sized file (so
    any edit is seen), else its size and CRC-32. Avoids hashlib, whose OpenSSL load alone
    costs more start-up than the whole lookup.

    Nothing is read from a file that is not a regular file or has grown past the routine size
    limit (a 2 GB file must not be read on every ``list``): such a file's digest only says
    so, and never matches a digest taken when it was a routine.
    """
    from calfkit.format.source import TooLarge, read_limited

    try:
        data = read_limited(path)
    except TooLarge:
        return "too large"
    if len(data) <= _VERBATIM_LIMIT:
        return "=" + data.decode("utf-8", "surrogateescape")
    import zlib

    return f"{len(data)}:{zlib.crc32(data):08x}"


def _kept_summary(entry: Any) -> Summary | None:
    """The summary a cache entry holds, or None if any part of it is not what calfkit writes
    (a title that is not text, a total that is not a number of seconds, ...)."""
    if not isinstance(entry, dict):
        return None
    title, total, steps, tags = (
        entry.get("title"),
        entry.get("total_seconds"),
        entry.get("step_count"),
        entry.get("tags"),
    )
    if not (isinstance(title, str) and title.strip()):
        return None
    if isinstance(total, bool) or not isinstance(total, int | float) or not math.isfinite(total):
        return None
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 0 or total < 0:
        return None
    if not (isinstance(tags, list) and all(isinstance(tag, str) for tag in tags)):
        return None
    return Summary(title, float(total), steps, tuple(tags))


def _dependencies(routine: Routine) -> tuple[list[list[str]], list[list[str]]]:
    """Every file a routine read (path, digest) and every include (ref, folder, path) it
    resolved, so a later edit anywhere, or a new file that changes what a name finds, is seen."""
    from calfkit import model

    files: list[list[str]] = []
    refs: list[list[str]] = []

    def visit(current: Routine) -> None:
        if current.path is None:
            raise OSError("a routine without a path cannot be cached")
        here = Path(current.path)
        files.append([str(here), _digest(here)])
        for include in _includes(current.steps, model):
            if include.routine.path is None:
                raise OSError("an included routine without a path cannot be cached")
            refs.append([include.ref, str(here.parent), str(include.routine.path)])
            visit(include.routine)

    visit(routine)
    return files, refs


def _includes(steps: Sequence[Step], model: Any) -> Iterator[Any]:
    """The routine's own includes (not those inside them: visit() reads each routine)."""
    for step in steps:
        include = model.included(step)
        if include is not None:
            yield include
        else:
            yield from _includes(model.inner_steps(step), model)


class _SummaryCache:
    """Summaries of routine files, trusted only while every file they read is unchanged."""

    def __init__(self, file: Path, stamp: str, entries: dict[str, Any]) -> None:
        self.file = file
        self.stamp = stamp
        self.entries = entries
        self.dirty = False
        self.seen: set[str] = set()  # the routines asked about: what the cache keeps

    @classmethod
    def open(cls) -> _SummaryCache:
        file = cache_dir() / "summaries.json"
        stamp = _code_stamp()
        entries: dict[str, Any] = {}
        try:
            import json

            if not file.is_file():  # missing; or a FIFO or device, never read to its end
                raise OSError(f"{file} is not a regular file")
            data = json.loads(file.read_text(encoding="utf-8"))
            if isinstance(data, dict) and data.get("stamp") == stamp:
                stored = data.get("entries")
                entries = stored if isinstance(stored, dict) else {}
        except (OSError, ValueError):
            pass  # no cache, or a damaged one: start afresh
        return cls(file, stamp, entries)

    def summary(self, path: Path) -> Summary:
        key = str(path)
        self.seen.add(key)
        entry = self.entries.get(key)
        if entry is not None:
            kept = _kept_summary(entry)
            if kept is not None and self._still_valid(entry):
                return kept
            # Wrong in any way (edited, damaged, from a file since changed): made again.
            del self.entries[key]
            self.dirty = True
        from calfkit.format import measure
        from calfkit.library.lookup import load

        routine = load(path)
        summary = Summary(
            routine.title,
            measure.seconds(routine.steps),
            measure.step_count(routine.steps),
            routine.tags,
        )
        try:
            files, refs = _dependencies(routine)
        except OSError:
            self.entries.pop(key, None)
            return summary
        self.entries[key] = {
            "files": files,
            "refs": refs,
            "title": summary.title,
            "total_seconds": summary.total_seconds,
            "step_count": summary.step_count,
            "tags": list(summary.tags),
        }
        self.dirty = True
        return summary

    @staticmethod
    def _still_valid(entry: Any) -> bool:
        try:
            for ref, folder, resolved in entry["refs"]:
                now = find(ref, relative_to=Path(folder))
                if os.path.normpath(now) != os.path.normpath(resolved):
                    return False
            return all(_digest(Path(file)) == digest for file, digest in entry["files"])
        except (CalfkitError, OSError, KeyError, TypeError, ValueError):
            return False

    def save(self) -> None:
        """Write the cache, keeping only the routines asked about this time (a file or folder
        that has gone takes its summaries with it). Written whole or not at all: a full disk
        leaves the old cache and no temporary file."""
        gone = [key for key in self.entries if key not in self.seen]
        for key in gone:
            del self.entries[key]
        if not (self.dirty or gone):
            return
        import json
        import tempfile

        text = json.dumps({"stamp": self.stamp, "entries": self.entries})
        temporary: str | None = None
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(
                prefix=f"{self.file.name}.", suffix=".tmp", dir=self.file.parent
            )
            with open(handle, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(temporary, self.file)
            temporary = None
        except OSError:
            pass  # a read-only home or a full disk still lists routines, only more slowly
        finally:
            if temporary is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
