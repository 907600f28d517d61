"""The test helpers calfkit ships: scripted keys, a recording sink, play_fast."""

from __future__ import annotations

import pytest

from calfkit.model import Do, Routine
from calfkit.player.events import Command, Event, EventKind, Status
from calfkit.testing import FakeClock, RecordingSink, ScriptedControls, play_fast
from calfkit.timeline import compile_routine


def test_scripted_keys_arrive_at_their_times_before_a_later_deadline() -> None:
    clock = FakeClock()
    keys = ScriptedControls([(2.0, Command.PAUSE), (2.0, Command.MUTE), (9.0, Command.QUIT)])
    assert keys.wait(clock, 1.0) is None
    assert clock.now() == 1.0
    assert keys.wait(clock, 5.0) is Command.PAUSE
    assert clock.now() == 2.0
    assert keys.wait(clock, 5.0) is Command.MUTE
    assert keys.wait(clock, 5.0) is None
    assert clock.now() == 5.0
    assert keys.wait(clock, None) is Command.QUIT
    assert clock.now() == 9.0
    assert keys.pressed == [(2.0, Command.PAUSE), (2.0, Command.MUTE), (9.0, Command.QUIT)]
    assert keys.remaining == []


def test_a_key_due_exactly_at_the_deadline_is_delivered() -> None:
    clock = FakeClock()
    keys = ScriptedControls([(3.0, Command.NEXT)])
    assert keys.wait(clock, 3.0) is Command.NEXT


def test_scripted_times_count_from_the_given_origin() -> None:
    clock = FakeClock(start=100.0)
    keys = ScriptedControls([(2.0, Command.NEXT)], origin=100.0)
    assert keys.wait(clock, 150.0) is Command.NEXT
    assert clock.now() == 102.0


def test_waiting_for_a_key_with_none_left_is_a_clear_error() -> None:
    with pytest.raises(RuntimeError, match="ran out of keys"):
        ScriptedControls([]).wait(FakeClock(), None)


def test_the_recording_sink_filters_by_kind() -> None:
    sink = RecordingSink()
    for kind, at in [(EventKind.STEP, 0.0), (EventKind.TICK, 1.0), (EventKind.COUNT, 1.0)]:
        sink.handle(Event(kind, at, at, 0.0))
    assert sink.kinds() == [EventKind.STEP, EventKind.COUNT]
    assert sink.kinds(ticks=True) == [EventKind.STEP, EventKind.TICK, EventKind.COUNT]
    assert [e.kind for e in sink.of(EventKind.TICK, EventKind.STEP)] == [
        EventKind.STEP,
        EventKind.TICK,
    ]
    assert sink.times(EventKind.COUNT) == [1.0]
    assert not sink.closed
    sink.close()
    assert sink.closed


def test_play_fast_plays_an_hour_in_no_time_and_hands_back_everything() -> None:
    timeline = compile_routine(
        Routine(name="long", title="Long", steps=(Do(text="Lie still", duration=3600),))
    )
    played = play_fast(timeline, keys=[(1800.0, Command.PAUSE), (1900.0, Command.PAUSE)])
    assert played.outcome.status is Status.FINISHED
    assert played.sink.times(EventKind.FINISH) == [3700.0]
    assert played.clock.now() == 3700.0
    assert played.controls.remaining == []
    assert played.events is played.sink.events
    assert played.sink.closed
