"""Clocks: the engine asks one for the time and waits on it, and never reads time itself.

The real clock uses ``time.monotonic()`` and absolute deadlines so that error never
accumulates; :class:`StoppableClock` is the real clock with the time the process spent stopped
left out; :class:`FakeClock` jumps straight to each deadline (the WAV export plays on it, and
:mod:`calfkit.testing` re-exports it for tests).
"""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    def now(self) -> float:
        """Seconds on a monotonic scale; only differences mean anything."""

    def sleep_until(self, deadline: float) -> None:
        """Return at ``deadline`` (or at once if it has passed)."""

    def wall(self) -> float:
        """Unix time now (for the event log's ``wall``); the player reads it nowhere else."""


class MonotonicClock:
    """The real clock."""

    def now(self) -> float:
        return time.monotonic()

    def sleep_until(self, deadline: float) -> None:
        while True:
            left = deadline - self.now()
            if left <= 0:
                return
            time.sleep(left)

    def wall(self) -> float:
        return time.time()


class StoppableClock(MonotonicClock):
    """The monotonic clock with the time the process spent stopped (Ctrl-Z, then ``fg``) left
    out, so a suspended session carries on where it was instead of firing every cue it missed
    at once. The terminal's key mode tells it how long each stop lasted."""

    def __init__(self) -> None:
        self._stopped = 0.0

    def now(self) -> float:
        return time.monotonic() - self._stopped

    def leave_out(self, seconds: float) -> None:
        self._stopped += max(0.0, seconds)


class FakeClock:
    """A clock that only moves when told to: ``sleep_until`` jumps to the deadline.

    Its wall time moves with it from ``wall`` (Unix time at ``start``); :meth:`set_wall`
    changes it, as a person setting the system clock would.
    """

    def __init__(self, start: float = 0.0, *, wall: float = 0.0) -> None:
        self._now = float(start)
        self._wall_offset = float(wall) - self._now
        self.sleeps: list[float] = []  # every deadline slept until, in order

    def wall(self) -> float:
        return self._now + self._wall_offset

    def set_wall(self, wall: float) -> None:
        """From now on, the wall clock reads ``wall`` at this moment."""
        self._wall_offset = float(wall) - self._now

    def now(self) -> float:
        return self._now

    def sleep_until(self, deadline: float) -> None:
        self.sleeps.append(deadline)
        self._now = max(self._now, deadline)

    def advance(self, seconds: float) -> None:
        """Let ``seconds`` pass, as if work had taken that long."""
        if seconds < 0:
            raise ValueError("a clock cannot go back")
        self._now += seconds
