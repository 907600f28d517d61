"""The events module's fan-out: many sinks told and closed as one."""

from __future__ import annotations

import pytest

from calfkit.player.events import Event, EventKind, Fanout
from calfkit.testing import RecordingSink


class Failing(RecordingSink):
    def __init__(self, error: Exception) -> None:
        super().__init__()
        self.error = error

    def handle(self, event: Event) -> None:
        super().handle(event)
        raise self.error

    def close(self) -> None:
        super().close()
        raise self.error


def test_every_sink_is_told_and_closed_past_one_that_fails_then_the_first_failure_is_raised() -> (
    None
):
    before, first, second, after = (
        RecordingSink(),
        Failing(ValueError("first")),
        Failing(OSError("second")),
        RecordingSink(),
    )
    fanout = Fanout([before, first, second, after])
    event = Event(EventKind.START, 0.0, 0.0, 0.0)
    with pytest.raises(ValueError, match="first"):
        fanout.handle(event)
    assert [s.events for s in (before, first, second, after)] == [[event]] * 4
    with pytest.raises(ValueError, match="first"):
        fanout.close()
    assert all(s.closed for s in (before, first, second, after))


def test_a_forgiving_fanout_tells_and_closes_every_sink_and_raises_nothing() -> None:
    sinks = [Failing(RuntimeError("x")), RecordingSink()]
    fanout = Fanout(sinks)
    fanout.handle(Event(EventKind.STOP, 1.0, 1.0, 0.0), forgiving=True)
    fanout.close(forgiving=True)
    assert sinks[1].events[-1].kind is EventKind.STOP and sinks[1].closed
