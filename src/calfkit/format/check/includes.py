"""One load of a routine file and the files it includes: includes found by name (through the
lookup passed in) or by path (relative to the including file), include cycles named, each
file read once however often it is included.

An include by name (``routine: warm-up``) needs the routine library, which sits above this
package: whoever loads passes a :data:`FindByName` in (:mod:`calfkit.library` passes its own
lookup), so nothing here imports the library.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

from calfkit.errors import CalfkitError, Problem, ProblemList
from calfkit.format import spec
from calfkit.format.source import ScalarNode, os_reason, quoted, read_source
from calfkit.model import Routine

FindByName = Callable[[str, Path], Path]
"""Turns the name in ``routine: NAME`` into a file, given the file that includes it; raises
:class:`~calfkit.errors.CalfkitError` (saying why) when nothing has that name."""


class Loader:
    """One load: the problems so far, the files being loaded (for cycles), the files done."""

    def __init__(self, find: FindByName | None) -> None:
        self.find = find
        self.problems = ProblemList()
        self.loading: list[tuple[Path, str]] = []  # (resolved, as shown), outermost first
        self.done: dict[Path, Routine | None] = {}
        # Timed events of each routine built in this load, by id (they live in ``done``):
        # an included routine is counted once however often it is included.
        self.events: dict[int, int] = {}
        self.seconds: dict[int, float] = {}
        self.nesting: dict[int, int] = {}

    def load_file(self, shown: str) -> Routine | None:
        source = read_source(shown)
        self.problems.extend(source.problems)
        if source.root is None:
            return None
        resolved = _resolved(Path(shown))
        self.loading.append((resolved, shown))
        try:
            from calfkit.format.check.routine import RoutineBuilder  # it builds with this

            builder = RoutineBuilder(self, shown)
            routine = builder.routine(source.root, source.data)
        finally:
            self.loading.pop()
        failed = source.failed or builder.failed
        return None if failed else routine

    def include(self, ref: str, node: ScalarNode, including: str) -> Routine | None:
        """The routine a ``routine:`` step names; None (with a problem recorded) if unusable."""
        if spec.SLUG_RE.match(ref) and not ref.endswith((".yaml", ".yml")):
            found = self._find_by_name(ref, node, including)
            if found is None:
                return None
            target = found
            shown = str(found)
        else:
            folder = Path(including).parent
            if os.path.islink(including):
                # A routine shared by a symbolic link (into the routines folder, say) means
                # its paths from where it really is, as its author wrote them.
                folder = Path(os.path.realpath(including)).parent
            target = folder / ref
            shown = os.path.normpath(str(target))
            what = _not_a_file(target)
            if what is not None:
                self.problems.append(
                    Problem(node.position, f"included routine {quoted(ref)} not found: {what}")
                )
                return None
        resolved = _resolved(target)
        for index, (open_path, _) in enumerate(self.loading):
            if open_path == resolved:
                chain = [name for _, name in self.loading[index:]] + [shown]
                self.problems.append(Problem(node.position, "include cycle: " + " -> ".join(chain)))
                return None
        if resolved not in self.done:
            self.done[resolved] = self.load_file(shown)
        return self.done[resolved]

    def _find_by_name(self, name: str, node: ScalarNode, including: str) -> Path | None:
        if self.find is None:
            self.problems.append(
                Problem(
                    node.position,
                    f"cannot look up the routine {name!r}: no routine library to look in",
                )
            )
            return None
        try:
            return self.find(name, Path(including))
        except CalfkitError as error:
            detail = f": {error}" if str(error) else ""
            self.problems.append(
                Problem(node.position, f"included routine {quoted(name)} not found{detail}")
            )
            return None
        except OSError as error:  # a name too long for the file system, a loop of links
            self.problems.append(
                Problem(node.position, f"included routine {quoted(name)}: {os_reason(error)}")
            )
            return None


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return Path(os.path.abspath(path))


def _not_a_file(path: Path) -> str | None:
    """Why ``path`` cannot be an included routine file, or None when it is a file."""
    shown = os.path.normpath(str(path))
    try:
        # os.stat, not is_file/exists: those call a symlink loop "does not exist".
        found = os.stat(path)
    except FileNotFoundError:
        return f"{shown} does not exist"
    except OSError as error:  # ELOOP, ENAMETOOLONG, EACCES: say which
        return f"{quoted(shown)}: {os_reason(error)}"
    return None if stat.S_ISREG(found.st_mode) else f"{shown} is not a file"
