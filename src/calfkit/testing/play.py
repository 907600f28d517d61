"""Playing a timeline in tests: keys pressed at given times, every event kept, no waiting.

A :class:`FakeClock` jumps straight to each deadline, so an hour-long routine plays in
milliseconds with exact times; :class:`ScriptedControls` presses keys at given playback
times; :class:`RecordingSink` keeps every event. :func:`play_fast` puts them together::

    from calfkit.testing import play_fast
    played = play_fast(timeline, keys=[(12.0, Command.PAUSE), (20.0, Command.PAUSE)])
    assert played.sink.of(EventKind.RESUME)[0].scheduled == 20.0
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from calfkit.player.clock import Clock, FakeClock
from calfkit.player.engine import Player
from calfkit.player.events import Command, Event, EventKind, Outcome, Sink
from calfkit.timeline import Timeline

__all__ = ["FakeClock", "Played", "RecordingSink", "ScriptedControls", "play_fast"]


class ScriptedControls:
    """Presses keys at given times: ``ScriptedControls([(12.0, Command.PAUSE), ...])``.

    Times are seconds since playback began, assuming playback began at clock time
    ``origin`` (a :class:`FakeClock` starts at 0, so the default fits). Keys are pressed in
    the order given; several at the same time are pressed one after another.
    """

    def __init__(self, keys: Iterable[tuple[float, Command]], *, origin: float = 0.0) -> None:
        self._keys = list(keys)
        self._origin = origin
        self.pressed: list[tuple[float, Command]] = []  # (clock time, command) as delivered

    @property
    def remaining(self) -> list[tuple[float, Command]]:
        return list(self._keys)

    def wait(self, clock: Clock, deadline: float | None) -> Command | None:
        if self._keys:
            at, command = self._keys[0]
            when = self._origin + at
            if deadline is None or when <= deadline:
                clock.sleep_until(when)
                self._keys.pop(0)
                self.pressed.append((clock.now(), command))
                return command
        if deadline is None:
            raise RuntimeError(
                "ScriptedControls ran out of keys while the player waits for one "
                "(paused, or a ready step waiting for Enter)"
            )
        clock.sleep_until(deadline)
        return None


class RecordingSink:
    """Keeps every event it is given, and whether it was closed."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self.closed = False

    def handle(self, event: Event) -> None:
        self.events.append(event)

    def close(self) -> None:
        self.closed = True

    def kinds(self, *, ticks: bool = False) -> list[EventKind]:
        """The kinds of events in order; TICKs only when asked for."""
        return [e.kind for e in self.events if ticks or e.kind is not EventKind.TICK]

    def of(self, *kinds: EventKind) -> list[Event]:
        """The events of the given kinds, in order."""
        return [e for e in self.events if e.kind in kinds]

    def times(self, *kinds: EventKind) -> list[float]:
        """When the events of the given kinds were scheduled."""
        return [e.scheduled for e in self.of(*kinds)]


@dataclass
class Played:
    """The result of :func:`play_fast`."""

    outcome: Outcome
    sink: RecordingSink
    clock: FakeClock
    controls: ScriptedControls
    player: Player = field(repr=False)

    @property
    def events(self) -> list[Event]:
        return self.sink.events


def play_fast(
    timeline: Timeline,
    *,
    keys: Iterable[tuple[float, Command]] = (),
    sinks: Iterable[Sink] = (),
    lead_in: float = 0.0,
    **player_options: Any,
) -> Played:
    """Play ``timeline`` on a fake clock from 0, pressing ``keys`` (playback time, command).

    Unlike a real session the lead-in defaults to 0. Other options go to :class:`Player`.
    """
    clock = FakeClock()
    controls = ScriptedControls(keys)
    sink = RecordingSink()
    player = Player(
        timeline,
        clock=clock,
        controls=controls,
        sinks=[sink, *sinks],
        lead_in=lead_in,
        **player_options,
    )
    outcome = player.run()
    return Played(outcome=outcome, sink=sink, clock=clock, controls=controls, player=player)
