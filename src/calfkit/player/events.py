"""What the engine tells its sinks, and the small Protocols that sinks and key sources follow.

The engine never prints or plays: it emits :class:`Event` objects to every :class:`Sink`, and
the last of them carries the session's :class:`Outcome`. Times are seconds since playback
began on the player's clock, pauses included. Commands come from a :class:`Controls`: the
terminal's keys (:mod:`calfkit.terminal.keys`), a script in tests, or :class:`NoControls`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from calfkit.player.clock import Clock
    from calfkit.timeline import Segment, Timeline


class Status(str, Enum):
    """How a session ended."""

    FINISHED = "finished"  # played to the end
    STOPPED = "stopped"  # ``q``
    INTERRUPTED = "interrupted"  # Ctrl-C
    TERMINATED = "terminated"  # SIGTERM (a handler raised SystemExit)
    ERROR = "error"  # an exception escaped, e.g. from a sink


# What a STOP event's ``text`` says for each way of stopping early.
STOP_REASONS = {
    Status.STOPPED: "quit",
    Status.INTERRUPTED: "interrupted",
    Status.TERMINATED: "terminated",
    Status.ERROR: "error",
}


@dataclass(frozen=True)
class Outcome:
    """What a session came to; the CLI's summary and history read it."""

    status: Status
    step: int  # the flat step in progress at the end (the last when finished), 0 if none began
    steps_total: int  # flat steps in the whole timeline
    steps_done: int  # distinct steps played to their end (or ended with Enter)
    steps_skipped: int  # distinct steps left with ``n`` and never played to their end
    played_seconds: float  # playback time, pauses excluded (lead-in included)
    paused_seconds: float
    # Of ``played_seconds``, the time before the first step began (all of it if none did).
    lead_in_seconds: float = 0.0


class EventKind(str, Enum):
    START = "start"  # playback begins; ``timeline`` is set
    LEAD_IN = "lead_in"  # get-ready countdown: ``number`` seconds to go
    STEP = "step"  # a segment begins (every kind but SWITCH)
    SWITCH = "switch"  # a side-switch segment begins
    TICK = "tick"  # a whole second passed inside a segment (for redraws); ``number`` = seconds left
    COUNT = "count"  # ``number`` of ``of``
    COUNTDOWN = "countdown"  # ``number`` seconds left in a hold
    BREATH = "breath"  # breath ``number`` of ``of``; ``phase`` is "inhale" or "exhale"
    WAITING = "waiting"  # a ready step waits for Enter
    READY = "ready"  # Enter was pressed
    PAUSE = "pause"
    RESUME = "resume"
    SKIP = "skip"  # skipped forward past the step in progress
    BACK = "back"  # went back to the start of this (or the previous) step
    EXTEND = "extend"  # ``number`` seconds added to the step in progress
    MUTE = "mute"
    UNMUTE = "unmute"
    FINISH = "finish"  # played to the end
    STOP = "stop"  # stopped early (``q``, Ctrl-C, SIGTERM); ``text`` says why
    # A phrase was spoken (told once it has ended or been cut): ``text``, ``step`` (0 for the
    # caution), ``seconds`` (its spoken length), ``cut``; ``actual`` is when it began.
    SPEAK = "speak"
    WARNING = "warning"  # something stopped working (e.g. voice); ``text`` says what, in one line


@dataclass(frozen=True)
class Event:
    kind: EventKind
    scheduled: float  # when it was due, seconds since playback began
    actual: float  # when it fired, same scale
    wall: float  # Unix time when it fired
    step: int = 0  # flat step number, 1-based; 0 before the first step
    text: str | None = None  # the cue, for step/switch events
    segment: Segment | None = None  # the segment in progress
    number: int | None = None
    of: int | None = None
    phase: str | None = None
    # When the step in progress and the whole routine will end; None while paused or waiting.
    step_ends_at: float | None = None
    ends_at: float | None = None
    timeline: Timeline | None = None  # set on START
    outcome: Outcome | None = None  # set on FINISH and STOP: what the session came to
    seconds: float | None = None  # SPEAK: the phrase's spoken length
    cut: bool = False  # SPEAK: a key cut it short

    def to_json(self) -> dict[str, object]:
        """The event-log object (cli.md): always event, step, scheduled, actual, wall."""
        out: dict[str, object] = {
            "event": self.kind.value,
            "step": self.step,
            "scheduled": round(self.scheduled, 6),
            "actual": round(self.actual, 6),
            "wall": round(self.wall, 6),
        }
        if self.text is not None:
            out["text"] = self.text
        for key in ("number", "of", "phase"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        if self.seconds is not None:
            out["seconds"] = round(self.seconds, 6)
        if self.cut:
            out["cut"] = True
        return out


class Sink(Protocol):
    """Anything that reacts to events: the live view, plain lines, sounds, speech, logs, history."""

    def handle(self, event: Event) -> None: ...

    def close(self) -> None: ...


class Command(str, Enum):
    """What a person can ask of the player while it plays."""

    PAUSE = "pause"  # toggles pause/resume
    NEXT = "next"
    BACK = "back"
    EXTEND = "extend"
    MUTE = "mute"  # toggles mute
    QUIT = "quit"
    ENTER = "enter"  # ends a ``duration: ready`` step


class Controls(Protocol):
    """Where commands come from: the terminal's keys, a script in tests, or nothing."""

    def wait(self, clock: Clock, deadline: float | None) -> Command | None:
        """Block until ``deadline`` on ``clock`` (None: until a command) and return the
        command that arrived first, or None when the deadline came."""


class NoControls:
    """Where commands come from when nobody can press a key: sleeps until each deadline and
    never returns a command."""

    def wait(self, clock: Clock, deadline: float | None) -> Command | None:
        if deadline is None:
            # Only a pause or a ready step waits without a deadline, and neither can
            # happen without keys; waiting forever would hang the session.
            raise RuntimeError("NoControls cannot wait without a deadline")
        clock.sleep_until(deadline)
        return None
