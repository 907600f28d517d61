"""How fast a session plays, and how long it gets ready: the one home of the speed rule, of the
lead-in's default and bounds, and of turning routine seconds into clock seconds and back.

Routine seconds are what a routine file says and a person reads ("30 s"); clock seconds are
what passes while it plays, ``speed`` times fewer. Only the player converts between the two
(with a :class:`Pace`); its events carry both, so no sink divides by the speed itself.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = [
    "AS_WRITTEN",
    "LEAD_IN_SECONDS",
    "MAX_LEAD_IN_SECONDS",
    "MIN_SPEED",
    "Pace",
    "lead_in_problem",
    "speed_problem",
]

LEAD_IN_SECONDS = 3.0
"""The get-ready countdown before the first step, unless asked otherwise (``--lead-in``)."""

# A lead-in is a get-ready countdown: no longer than the longest step may last. Without a
# bound, `--lead-in 1e308` counted down for ever (play) or never finished rendering (export).
MAX_LEAD_IN_SECONDS = 7200

# Slower than this, a 24-hour routine's deadlines pass what time.sleep can wait for (an
# OverflowError mid-session); 100 times slower is more than any preview needs.
MIN_SPEED = 0.01


def speed_problem(speed: float) -> str | None:
    """What is wrong with ``speed`` as a speed, or None if nothing is."""
    if math.isfinite(speed) and speed >= MIN_SPEED:
        return None
    return f"must be a number from {MIN_SPEED:g} up, not {speed:g}"


def lead_in_problem(seconds: float) -> str | None:
    """What is wrong with ``seconds`` as the lead-in asked for, or None if nothing is."""
    if math.isfinite(seconds) and 0 <= seconds <= MAX_LEAD_IN_SECONDS:
        return None
    return f"must be 0 to {MAX_LEAD_IN_SECONDS} seconds (2 hours), not {seconds:g}"


@dataclass(frozen=True)
class Pace:
    """A session's speed (2.0 plays twice as fast); ValueError for one :func:`speed_problem`
    refuses."""

    speed: float = 1.0

    def __post_init__(self) -> None:
        problem = speed_problem(self.speed)
        if problem is not None:
            raise ValueError(f"speed {problem}")

    def clock_seconds(self, routine_seconds: float) -> float:
        """How long ``routine_seconds`` of the routine last on the clock."""
        return routine_seconds / self.speed

    def routine_seconds(self, clock_seconds: float) -> float:
        """How much of the routine ``clock_seconds`` on the clock play."""
        return clock_seconds * self.speed


AS_WRITTEN = Pace(1.0)
"""The routine played at the speed it is written."""
