"""Writing a file so that a failure leaves nothing behind: into a temporary file in the same
folder, moved over the real name (``os.replace``) only once it is complete.

The temporary file is made before any rendering, so an unwritable folder is found at once.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator

from calfkit.errors import ExportError

__all__ = ["replacing"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _cannot(path: str, error: OSError) -> ExportError:
    return ExportError(f"cannot write {path}: {error.strerror or error}")


@contextlib.contextmanager
def replacing(path: str) -> Iterator[str]:
    """Yields a temporary path beside ``path``; on a clean exit it becomes ``path``, on any
    error it is removed and ``path`` is untouched. A failure to write it (an OSError, or an
    ExportError naming the temporary file) is an ExportError naming ``path``."""
    folder = os.path.dirname(os.path.abspath(path))
    name = os.path.basename(path)
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=folder)
    except OSError as error:
        raise _cannot(path, error) from None
    os.close(handle)
    try:
        try:
            yield temporary
        except ExportError as error:
            # The writers name the file they failed on: the user knows it by its real name.
            raise ExportError(str(error).replace(temporary, path)) from None
        except OSError as error:
            # Any other failed write to the temporary file (a full disk, most often).
            raise _cannot(path, error) from None
        # mkstemp makes the file private (0600); the result gets a new file's usual mode.
        if os.name == "posix":
            os.chmod(temporary, 0o666 & ~_umask())
        try:
            os.replace(temporary, path)
        except OSError as error:
            raise _cannot(path, error) from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
