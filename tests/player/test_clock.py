"""The clocks: the fake clock jumps to deadlines, the stoppable clock leaves out the time
spent stopped (Ctrl-Z)."""

from __future__ import annotations

import sys

import pytest

from calfkit.player.clock import StoppableClock
from calfkit.testing import FakeClock


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX terminals")
def test_the_stoppable_clock_leaves_out_the_time_spent_stopped() -> None:
    clock = StoppableClock()
    before = clock.now()
    clock.leave_out(5.0)
    after = clock.now()
    assert -5.0 < after - before < -4.9  # five seconds fewer than the monotonic clock
    clock.sleep_until(after + 0.05)
    assert clock.now() >= after + 0.05


def test_the_fake_clock_jumps_to_deadlines_and_never_goes_back() -> None:
    clock = FakeClock(start=5.0)
    assert clock.now() == 5.0
    clock.sleep_until(7.5)
    assert clock.now() == 7.5
    clock.sleep_until(6.0)
    assert clock.now() == 7.5
    clock.advance(0.5)
    assert clock.now() == 8.0
    assert clock.sleeps == [7.5, 6.0]
    with pytest.raises(ValueError):
        clock.advance(-1.0)
