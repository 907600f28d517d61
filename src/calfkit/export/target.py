"""Writing a file so that a failure leaves nothing behind: into a temporary file in the same
folder, moved over the real name (``os.replace``) only once it is complete.

The temporary file is made before any rendering, so an unwritable folder is found at once. Its
name is chosen before it is made, and removed on the way out whatever happens after that: a
signal that ends an export (Ctrl-C, or SIGTERM raised by ``terminate_raises``) the moment the
file appears still takes it away, where ``mkstemp``'s name came back too late to be known.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator

from calfkit.errors import ExportError

__all__ = ["replacing"]


_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)


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
    temporary: str | None = None
    try:
        for _ in range(100):
            # Named first, then made (exclusive, private as mkstemp's): from here on, the
            # finally below knows what to remove.
            temporary = os.path.join(folder, f".{name}.{secrets.token_hex(4)}.part")
            try:
                os.close(os.open(temporary, _FLAGS, 0o600))
            except FileExistsError:
                temporary = None  # somebody else's: never removed
                continue
            except OSError as error:
                temporary = None
                raise _cannot(path, error) from None
            break
        else:  # pragma: no cover - a hundred names taken
            raise ExportError(f"cannot write {path}: no free temporary name beside it")
        try:
            yield temporary
        except ExportError as error:
            # The writers name the file they failed on: the user knows it by its real name.
            raise ExportError(str(error).replace(temporary, path)) from None
        except OSError as error:
            # Any other failed write to the temporary file (a full disk, most often).
            raise _cannot(path, error) from None
        # Made private (0600); the result gets a new file's usual mode.
        if os.name == "posix":
            os.chmod(temporary, 0o666 & ~_umask())
        try:
            os.replace(temporary, path)
        except OSError as error:
            raise _cannot(path, error) from None
        temporary = None
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
