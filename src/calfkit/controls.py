"""Where the player's commands come from when nobody can press a key.

The terminal's keys live in :mod:`calfkit.terminal`; a scripted source for tests lives in
:mod:`calfkit.testing`. All of them follow :class:`calfkit.events.Controls`.
"""

from __future__ import annotations

from calfkit.clock import Clock
from calfkit.events import Command


class NoControls:
    """Sleeps until each deadline and never returns a command."""

    def wait(self, clock: Clock, deadline: float | None) -> Command | None:
        if deadline is None:
            # Only a pause or a ready step waits without a deadline, and neither can
            # happen without keys; waiting forever would hang the session.
            raise RuntimeError("NoControls cannot wait without a deadline")
        clock.sleep_until(deadline)
        return None
