"""The event log (``play --log-events FILE``): JSON Lines, one object per event as it fires.

Each line is flushed as it is written, so another program can follow a session live. The
objects are :meth:`calfkit.player.events.Event.to_json` (``event``, ``step``, ``text``,
``scheduled``, ``actual``, ``wall``, and ``number``/``of``/``phase`` where they apply);
``start`` also names the routine and gives its step count and total seconds.

TICK events (redraw prompts, one a second) are left out unless ``ticks=True``: they say
nothing a reader of the log needs, and would outnumber everything else.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import stat
import threading
from collections.abc import Callable
from typing import BinaryIO

from calfkit.errors import CalfkitError
from calfkit.player.events import Event, EventKind
from calfkit.text import shown


class EventLogError(CalfkitError):
    """The event log could not be written (a full disk, a closed pipe): ends the session with
    a message naming the file, not "playback failed: OSError"."""


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)  # not on Windows
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)


def open_log(path: str | os.PathLike[str]) -> BinaryIO:
    """``path`` opened for writing (unbuffered bytes), emptied, as long as it is a regular
    file (or new).

    A FIFO opens at once, without waiting for a reader (which could be never), and a
    symbolic link is not followed: what is checked on the open file is what is written, so a
    FIFO or a device put in the file's place after the command checked it is still refused
    (:class:`OSError`, "not a regular file").
    """
    flags = os.O_WRONLY | os.O_CREAT | _NOFOLLOW | _NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    not_regular = OSError(errno.EINVAL, "not a regular file (a device, a FIFO or a socket)")
    try:
        descriptor = os.open(path, flags, 0o666)
    except OSError as error:
        if error.errno == errno.ENXIO:  # a FIFO that nothing reads: opened without waiting
            raise not_regular from None
        raise
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise not_regular
        if _NONBLOCK:
            import fcntl

            mode = fcntl.fcntl(descriptor, fcntl.F_GETFL)
            fcntl.fcntl(descriptor, fcntl.F_SETFL, mode & ~_NONBLOCK)
        os.ftruncate(descriptor, 0)
        return open(descriptor, "wb", buffering=0)
    except BaseException:
        os.close(descriptor)
        raise


class EventLogSink:
    """Appends each event to the file at ``path`` (created or emptied on opening, and only
    ever a regular file: :func:`open_log`).

    A write that fails (a full disk) ends the log, not the session, when ``warn`` is given
    (``play``): the log is cut back to its last whole line, ``warn`` is told once, nothing
    more is written, and :attr:`failed` says why, for the exit status. Without ``warn``
    (``export``, which renders offline), the failure is raised as :class:`EventLogError`.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        ticks: bool = False,
        warn: Callable[[str], None] | None = None,
    ) -> None:
        self.path = path
        self.ticks = ticks
        self.warn = warn
        self.failed: str | None = None  # why the log stopped short, if it did
        self._file = open_log(path)
        self._size = 0  # bytes of whole lines written
        # The speech sink tells its ``speak`` events from its own thread.
        self._lock = threading.Lock()

    def handle(self, event: Event) -> None:
        if event.kind is EventKind.TICK and not self.ticks:
            return
        record = event.to_json()
        if event.kind is EventKind.START and event.timeline is not None:
            routine = event.timeline.routine
            record["routine"] = routine.name
            record["title"] = routine.title
            record["steps"] = len(event.timeline.segments)
            record["total"] = event.timeline.total
        self.write_record(record)

    def write_record(self, record: dict[str, object]) -> None:
        """Append one object (an event, or one made elsewhere such as a ``speak``)."""
        data = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
        with self._lock:
            if self._file.closed:
                return  # a phrase that ended after the session's log was closed, or a failure
            try:
                view = memoryview(data)
                while view:
                    view = view[self._file.write(view) or 0 :]
                self._size += len(data)
                return
            except OSError as error:
                reason = error.strerror or str(error)
                self._give_up()
        message = f"cannot write the event log {shown(self.path)}: {reason}"
        if self.warn is None:
            raise EventLogError(message)
        self.failed = message
        self.warn(f"event log: stopped writing {shown(self.path)}: {reason}; the session plays on")

    def _give_up(self) -> None:
        """Cut the log back to its last whole line (a reader never meets half a line) and
        close it, so nothing more is written."""
        with contextlib.suppress(OSError):
            os.ftruncate(self._file.fileno(), self._size)
        with contextlib.suppress(OSError):
            self._file.close()

    def close(self) -> None:
        with self._lock, contextlib.suppress(OSError):
            self._file.close()
