"""Where a playing session's outputs and warnings meet: :class:`Warnings` holds what arises
before the view is up, and :class:`Relay` tells the sinks that two threads share (the player,
and speech with its ``speak`` events and warnings), one event at a time."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from calfkit.player.events import Event, EventKind, Fanout, Sink

if TYPE_CHECKING:
    from calfkit.sinks.live import LiveView

__all__ = ["Relay", "Warnings"]


class Warnings:
    """Where warnings go while playing: in the live view as WARNING events (and repeated by
    ``write`` after it has gone, so they are not lost with the screen), or straight to
    ``write`` in plain mode. Those that arise before the session starts (setting up sound and
    voice) are held until the view is up, and shown in it."""

    def __init__(self, write: Callable[[str], None]) -> None:
        self.write = write
        self.view: LiveView | None = None
        self.relay: Relay | None = None
        self.started = False
        self.early: list[str] = []
        self.held: list[str] = []

    def __call__(self, message: str) -> None:
        if self.view is None and self.started:
            self.write(message)
            return
        if not self.started:
            self.early.append(message)
            return
        self.held.append(message)
        if self.relay is not None:
            self.relay.warning(message)

    def start(self) -> None:
        """The session has started: show what was held (in plain mode, write it now)."""
        self.started = True
        early, self.early = self.early, []
        for message in early:
            self(message)

    def flush(self) -> None:
        held, self.held = self.early + self.held, []
        self.early = []
        for message in held:
            self.write(message)


class Relay(Fanout):
    """A :class:`~calfkit.player.events.Fanout` that two threads tell, one event at a time;
    START also shows the warnings held until then."""

    def __init__(self, sinks: Iterable[Sink], warn: Warnings) -> None:
        super().__init__(sinks)
        self._warn = warn
        self._lock = threading.RLock()
        self._at = 0.0  # the session time of the last event told
        self._wall = 0.0  # and the player's wall clock then (``Clock.wall``)
        self._told = False

    def handle(self, event: Event, *, forgiving: bool = False) -> None:
        with self._lock:
            if event.actual >= self._at:
                self._at, self._wall = event.actual, event.wall
            self._told = True
            # Each sink is told even if one before it fails (the first failure is raised),
            # so a broken log still lets the screen say how the session ended.
            try:
                super().handle(event, forgiving=forgiving)
            finally:
                if event.kind is EventKind.START:
                    self._warn.start()

    def warning(self, message: str) -> None:
        with self._lock:
            at = self._at
            # At the last event's moment, on the player's wall clock once it has told one.
            wall = self._wall if self._told else time.time()
            self.handle(Event(EventKind.WARNING, at, at, wall, text=message))
