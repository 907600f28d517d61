"""The event log (``play --log-events FILE``): JSON Lines, one object per event as it fires.

Each line is flushed as it is written, so another program can follow a session live. The
objects are :meth:`calfkit.player.events.Event.to_json` (``event``, ``step``, ``text``,
``scheduled``, ``actual``, ``wall``, and ``number``/``of``/``phase`` where they apply);
``start`` also names the routine and gives its step count and total seconds.

TICK events (redraw prompts, one a second) are left out unless ``ticks=True``: they say
nothing a reader of the log needs, and would outnumber everything else.
"""

from __future__ import annotations

import errno
import json
import os
import stat
import threading
from typing import TextIO

from calfkit.errors import CalfkitError
from calfkit.player.events import Event, EventKind


class EventLogError(CalfkitError):
    """The event log could not be written (a full disk, a closed pipe): ends the session with
    a message naming the file, not "playback failed: OSError"."""


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)  # not on Windows
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)


def open_log(path: str | os.PathLike[str]) -> TextIO:
    """``path`` opened for writing, emptied, as long as it is a regular file (or new).

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
        return open(descriptor, "w", encoding="utf-8")
    except BaseException:
        os.close(descriptor)
        raise


class EventLogSink:
    """Appends each event to the file at ``path`` (created or emptied on opening, and only
    ever a regular file: :func:`open_log`)."""

    def __init__(self, path: str | os.PathLike[str], *, ticks: bool = False) -> None:
        self.path = path
        self.ticks = ticks
        self._file = open_log(path)
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
        line = json.dumps(record, ensure_ascii=False) + "\n"
        with self._lock:
            if self._file.closed:
                return  # a phrase that ended after the session's log was closed
            try:
                self._file.write(line)
                self._file.flush()
            except OSError as error:
                reason = error.strerror or str(error)
                raise EventLogError(f"cannot write the event log {self.path}: {reason}") from None

    def close(self) -> None:
        with self._lock:
            self._file.close()
