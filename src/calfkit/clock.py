"""Clocks: the engine asks one for the time and waits on it, and never reads time itself.

The real clock uses ``time.monotonic()`` and absolute deadlines so that error never
accumulates; the fake one in :mod:`calfkit.testing` jumps straight to each deadline.
"""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    def now(self) -> float:
        """Seconds on a monotonic scale; only differences mean anything."""

    def sleep_until(self, deadline: float) -> None:
        """Return at ``deadline`` (or at once if it has passed)."""


class MonotonicClock:
    """The real clock."""

    def now(self) -> float:
        return time.monotonic()

    def sleep_until(self, deadline: float) -> None:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            time.sleep(left)
