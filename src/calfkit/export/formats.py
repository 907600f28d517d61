"""The export formats, in one table: a file extension and the module that writes it.

Each writer module has ``SOUND`` (whether the session's sounds are rendered for it) and
``write(render, path, *, progress)``, which says what the file holds. Adding a format is adding
a module and a row here.
Writer modules (and the renderer) are imported only when used, so their libraries (lameenc,
mutagen, Garmin's FIT SDK) never slow down the rest of calfkit: the command line reads this
table for its ``--format`` choices. Those libraries come with the ``export`` extra,
not with calfkit itself (lameenc has no wheels for musl or 32-bit ARM, and no sdist): a format
whose libraries are missing says what to install, before anything is rendered.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, cast

from calfkit import install_hint
from calfkit.errors import ExportError

if TYPE_CHECKING:
    from calfkit.export.render import Progress, Render


class Writer(Protocol):
    SOUND: bool

    def write(self, render: Render, path: str, *, progress: Progress | None = None) -> str:
        """Write ``render`` to ``path`` (a fresh file); say what it holds ("12 sounds")."""


@dataclass(frozen=True)
class Format:
    """A file format calfkit exports: its name (and extension), its writer, what it is for."""

    name: str
    module: str
    label: str
    needs: tuple[str, ...] = ()
    """The libraries its writer imports, all from the ``export`` extra."""

    @property
    def extension(self) -> str:
        return f".{self.name}"

    def writer(self) -> Writer:
        """The writer module, or an :class:`ExportError` naming the extra if a library it
        needs cannot be imported here."""
        missing = [name for name in self.needs if not _importable(name)]
        if missing:
            raise ExportError(
                f"exporting {self.extension} needs {' and '.join(missing)}, which calfkit's "
                f"export extra installs: {install_hint('export')}"
            )
        return cast(Writer, importlib.import_module(self.module))


def _importable(name: str) -> bool:
    # Imported, not only looked up: a library that is there but cannot load (a wheel built
    # for another C library) is as missing as one that is not there at all.
    try:
        importlib.import_module(name)
    except ImportError:
        return False
    return True


FORMATS: dict[str, Format] = {
    fmt.name: fmt
    for fmt in (
        Format("wav", "calfkit.export.wav", "sound track"),
        Format("mp3", "calfkit.export.mp3", "sound track", ("lameenc", "mutagen")),
        Format("fit", "calfkit.export.fit", "workout", ("garmin_fit_sdk",)),
    )
}


def format_for(path: str) -> Format | None:
    """The format ``path``'s extension names, if it names one."""
    dot = path.rfind(".")
    if dot < 0 or "/" in path[dot:] or "\\" in path[dot:]:
        return None
    return FORMATS.get(path[dot + 1 :].lower())
