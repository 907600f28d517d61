"""What the engine tells its sinks, and the small Protocols that sinks and key sources follow.

The engine never prints or plays: it emits :class:`Event` objects to every :class:`Sink`, and
the last of them carries the session's :class:`Outcome`. Times are seconds since playback
began on the player's clock, pauses included; lengths a person reads (``step_left``,
``routine_left``) are routine seconds, so no sink ever converts a speed. Each event says where
it stands (flat step, top-level step, the block path) and what comes next, so no sink walks
the timeline for it. Commands come from a :class:`Controls`: the
terminal's keys (:mod:`calfkit.terminal.keys`), a script in tests, or :class:`NoControls`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Protocol

from calfkit.player.pace import AS_WRITTEN, Pace

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


# A session played to its end counts as practice ("finished") only when the steps played to
# their end make up at least this share of the routine time it set out to play; otherwise it
# ended "skipped" (docs/history.md).
PRACTISED_SHARE = 0.5


@dataclass(frozen=True)
class Outcome:
    """What a session came to; the CLI's summary and history read it."""

    status: Status
    step: int  # the flat step in progress at the end (the last when finished), 0 if none began
    steps_total: int  # flat steps in the whole timeline
    steps_done: int  # distinct steps played to their end (or ended with Enter)
    steps_skipped: int  # distinct steps left with ``n`` and never played to their end
    # Clock seconds from the first step's start to the end, pauses and the lead-in left out
    # (the summary and history both show this figure).
    played_seconds: float
    paused_seconds: float
    lead_in_seconds: float = 0.0  # clock seconds of get-ready countdown played
    top_step: int = 0  # the top-level step of ``step`` (what ``play --from`` takes), 0 if none
    tops_total: int = 0  # top-level steps in the routine
    planned_seconds: float = 0.0  # routine seconds from the first step played to the end
    done_seconds: float = 0.0  # routine seconds of the steps played to their end

    @property
    def practised(self) -> bool:
        """Played to the end with at least :data:`PRACTISED_SHARE` of it really played (not
        skipped): what history records as "finished" and counts for the week and streak."""
        if self.status is not Status.FINISHED:
            return False
        return self.done_seconds >= PRACTISED_SHARE * self.planned_seconds - 1e-9


class EventKind(str, Enum):
    START = "start"  # playback begins; ``timeline`` is set
    # Before the lead-in, the player waits for what must be ready first (the voice's phrases
    # being rendered): ``number`` of ``of`` done so far.
    PREPARING = "preparing"
    LEAD_IN = "lead_in"  # get-ready countdown: ``number`` seconds to go
    STEP = "step"  # a segment begins (every kind but SWITCH)
    SWITCH = "switch"  # a side-switch segment begins
    TICK = "tick"  # a whole second passed inside a segment (for redraws); ``number`` = seconds left
    COUNT = "count"  # ``number`` of ``of`` (on a reps step: rep ``number`` begins)
    DOWN = "down"  # rep ``number`` of ``of`` of a reps step: time to lower
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
    wall: float  # Unix time when it fired (read from the player's clock)
    step: int = 0  # flat step number, 1-based; 0 before the first step
    top_step: int = 0  # the top-level step it belongs to (``play --from``, ``show``); 0 before
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
    # Where the step stands, as a person reads it: "Legs turned out · Round 2 of 3 · Right side"
    # (the block's name, then the rounds, sides and included routines it sits in).
    where: str = ""
    # Routine seconds left in the step in progress (None in the lead-in) and in the whole
    # routine, as of this event: what a countdown shows, at any speed, paused or not.
    step_left: float | None = None
    routine_left: float | None = None
    # The segment after this one (None at the last), and the next that is not a side switch.
    next_segment: Segment | None = None
    next_move: Segment | None = None
    # Clock seconds played so far (from the first step's start, pauses left out) and paused.
    played: float = 0.0
    paused: float = 0.0
    seconds: float | None = None  # SPEAK: the phrase's spoken length
    cut: bool = False  # SPEAK: a key cut it short
    dropped: bool = False  # SPEAK: left out by the speech plan (sped up: no time to say it)
    pace: Pace = AS_WRITTEN  # how fast the session plays

    def clock_after(self, routine_seconds: float) -> float:
        """When ``routine_seconds`` of routine time after this event will have played, in
        seconds since playback began (as ``actual``), if no key changes the plan."""
        return self.actual + self.pace.clock_seconds(routine_seconds)

    @property
    def next_text(self) -> str | None:
        """The next step's cue, or None at the last step."""
        return self.next_segment.text if self.next_segment is not None else None

    def to_json(self) -> dict[str, object]:
        """The event-log object (cli.md): always event, step, top_step, scheduled, actual,
        wall; ``ends_in`` (routine seconds left) where known; ``where``, ``note`` (the step's
        own, else its block's) and ``next`` on a new step."""
        out: dict[str, object] = {
            "event": self.kind.value,
            "step": self.step,
            "top_step": self.top_step,
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
        if self.routine_left is not None:
            out["ends_in"] = round(self.routine_left, 6)
        if self.kind in (EventKind.STEP, EventKind.SWITCH):
            if self.where:
                out["where"] = self.where
            if self.segment is not None and self.segment.note is not None:
                out["note"] = self.segment.note
            out["next"] = self.next_text
        if self.seconds is not None:
            out["seconds"] = round(self.seconds, 6)
        if self.cut:
            out["cut"] = True
        if self.dropped:
            out["dropped"] = True
        return out


class Sink(Protocol):
    """Anything that reacts to events: the live view, plain lines, sounds, speech, logs, history.

    ``handle`` runs on the player's thread and must be quick: slow work (opening files and
    databases, setting up sound) belongs in the sink's constructor, in a ``prepare(timeline)``
    method, which the player calls before its clock starts, or on a thread of the sink's own.
    """

    def handle(self, event: Event) -> None: ...

    def close(self) -> None: ...


def prepare_sinks(sinks: Iterable[object], timeline: Timeline) -> None:
    """Call ``prepare(timeline)`` on every sink that has one (before the player's clock starts)."""
    for sink in sinks:
        prepare = getattr(sink, "prepare", None)
        if callable(prepare):
            prepare(timeline)


class Fanout:
    """Many sinks told as one, in order (itself a :class:`Sink`): each is told every event, and
    closed, even if one before it fails; the first failure is raised once all have had their
    turn, unless ``forgiving`` (stopping for an error already on its way out)."""

    def __init__(self, sinks: Iterable[Sink]) -> None:
        self.sinks: list[Sink] = list(sinks)

    def prepare(self, timeline: Timeline) -> None:
        prepare_sinks(self.sinks, timeline)

    def handle(self, event: Event, *, forgiving: bool = False) -> None:
        self._each(lambda sink: sink.handle(event), forgiving=forgiving)

    def close(self, *, forgiving: bool = False) -> None:
        self._each(lambda sink: sink.close(), forgiving=forgiving)

    def _each(self, act: Callable[[Sink], None], *, forgiving: bool) -> None:
        first: Exception | None = None
        for sink in self.sinks:
            try:
                act(sink)
            except Exception as error:
                first = first or error
        if first is not None and not forgiving:
            raise first


class Command(str, Enum):
    """What a person can ask of the player while it plays."""

    PAUSE = "pause"  # toggles pause/resume
    NEXT = "next"
    BACK = "back"
    EXTEND = "extend"
    MUTE = "mute"  # toggles mute
    QUIT = "quit"
    ENTER = "enter"  # ends a ``duration: ready`` step
    HELP = "help"  # shows the keys; the view's business (the key source), the player ignores it


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
