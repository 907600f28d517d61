"""The session's relay: warnings held until the view is up, and events told in turn."""

from __future__ import annotations

from calfkit.session.relay import Relay, Warnings


def test_a_warning_from_before_the_view_starts_is_shown_in_it_as_a_warning_event() -> None:
    from calfkit.player.events import EventKind
    from calfkit.sinks.live import LiveView
    from calfkit.testing import RecordingSink, play_fast
    from calfkit.timeline import compile_routine

    written: list[str] = []
    warn = Warnings(written.append)
    recorder = RecordingSink()
    relay = Relay([recorder], warn)
    warn.relay = relay
    warn.view = LiveView.__new__(LiveView)  # only its presence matters: warnings go to events
    message = "voice: spoken cues are off too: they need a sound device"
    warn(message)  # while setting up
    assert recorder.events == []
    timeline = compile_routine(load_quick())
    play_fast(timeline, sinks=[relay])
    warnings = [e for e in recorder.events if e.kind is EventKind.WARNING]
    assert [e.text for e in warnings] == [
        "voice: spoken cues are off too: they need a sound device"
    ]
    kinds = [e.kind for e in recorder.events]
    assert kinds.index(EventKind.WARNING) == kinds.index(EventKind.START) + 1
    assert warn.held == [message]  # repeated on stderr once the view has gone


def load_quick():  # type: ignore[no-untyped-def]
    from calfkit.model import Do, Routine

    return Routine(name="q", title="Q", steps=(Do(text="Go", duration=1),))


def test_the_relay_prepares_its_sinks_before_the_clock_and_warns_on_the_players_wall() -> None:
    # The sinks behind the relay (history among them) do their slow work in prepare(), which
    # the player calls before its clock starts; a warning is stamped with the player's wall.
    from calfkit.player.engine import Player
    from calfkit.player.events import EventKind, NoControls
    from calfkit.sinks.live import LiveView
    from calfkit.testing import FakeClock, RecordingSink
    from calfkit.timeline import Timeline, compile_routine

    class Preparing(RecordingSink):
        def __init__(self) -> None:
            super().__init__()
            self.prepared_before: int | None = None

        def prepare(self, timeline: Timeline) -> None:
            self.prepared_before = len(self.events)

    written: list[str] = []
    warn = Warnings(written.append)
    behind = Preparing()
    relay = Relay([behind], warn)
    warn.relay = relay
    warn.view = LiveView.__new__(LiveView)  # only its presence matters: warnings go to events
    clock = FakeClock(wall=1_800_000_000.0)
    timeline = compile_routine(load_quick())
    Player(timeline, clock=clock, sinks=[relay], controls=NoControls(), lead_in=0).run()
    assert behind.prepared_before == 0  # before START
    warn("sound: the device went away")
    warning = behind.events[-1]
    assert warning.kind is EventKind.WARNING
    assert warning.wall == behind.events[-2].wall  # the last event's moment, on the same clock
    assert 1_800_000_000.0 <= warning.wall < 1_800_000_010.0
