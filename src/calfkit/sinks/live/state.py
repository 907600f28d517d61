"""What the live view knows, folded from the player's events: pure data, no drawing.

:class:`ViewState` takes each event in turn and keeps what the screen depends on: the step in
progress, what is left of it and of the routine, the count or breath, lead-in, waiting,
paused and muted, the warnings and when each goes. It says in words what the frame shows
(the digits' text, the detail line, "Next"), so it is tested without rich; the layout and
drawing are :mod:`calfkit.sinks.live.compose` and :mod:`calfkit.sinks.live.layout`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from calfkit.model import unreachable
from calfkit.player.events import Event, EventKind
from calfkit.sinks.summary import Summary
from calfkit.text import clean, one_line
from calfkit.timeline import SegmentKind, counted
from calfkit.words import countdown

if TYPE_CHECKING:
    from calfkit.player.events import Outcome
    from calfkit.timeline import Segment, Timeline


def kind_label(kind: SegmentKind) -> str:
    """What kind of step, in the words of the detail line under the digits."""
    match kind:
        case SegmentKind.PREPARE:
            return "Get ready"
        case SegmentKind.DO:
            return "Do"
        case SegmentKind.HOLD:
            return "Hold"
        case SegmentKind.COUNT:
            return "Count"
        case SegmentKind.REPS:
            return "Reps"
        case SegmentKind.BREATHE:
            return "Breathe"
        case SegmentKind.REST:
            return "Rest"
        case SegmentKind.SWITCH:
            return "Switch sides"
        case _:
            unreachable(kind)


@dataclass
class ViewState:
    """Everything the view shows, as of the last event folded in (:meth:`fold`).

    Times are the routine seconds the events carry, whatever the player's speed. A warning
    (:meth:`warn`) shows until the next step begins; one given before the first step stays
    through the first step.
    """

    timeline: Timeline | None = None
    title: str = ""
    caution: str | None = None  # the routine's own, cleaned for the screen
    equipment: tuple[str, ...] = ()
    segment: Segment | None = None
    where: str = ""  # the block path the player gave for ``segment``
    step_left: float | None = None
    counter: str | None = None  # the count or breath in words
    big_counter: str | None = None  # what the counter says in block digits
    lead_in: int | None = None
    preparing: tuple[int, int] | None = None  # phrases rendered, of how many (before it)
    waiting: bool = False
    paused: bool = False
    muted: bool = False
    routine_left: float | None = None
    extra: float = 0.0  # seconds ``+`` added to the step in progress
    count: int | None = None  # the count in progress, on a count step
    tempo: str | None = None  # on a reps step: "up" from each rep's count, then "down"
    next_text: str | None = None  # the next step's cue, as the player said it
    steps_entered: int = 0
    outcome: Outcome | None = None  # what the FINISH or STOP event said it came to
    help: bool = False  # the keys' help shows over the step (the time runs on under it)
    ending: tuple[str, ...] | None = None  # the end screen shows, with these lines under it
    # Warnings shown now, each with the count of steps entered at which it goes.
    _warnings: list[tuple[str, int]] = field(default_factory=list)
    warned: int = 0  # warnings ever given, so a new one always redraws

    # -- folding ----------------------------------------------------------------------------

    def fold(self, event: Event) -> None:
        """Take in one event (a WARNING's text is a warning; SPEAK changes nothing)."""
        kind = event.kind
        if kind is EventKind.WARNING:
            if event.text:
                self.warn(event.text)
            return
        if kind is EventKind.SPEAK:
            return  # heard, not seen
        # The player says how much is left, in routine seconds, with every event.
        if event.routine_left is not None:
            self.routine_left = event.routine_left
        if event.step_left is not None:
            self.step_left = event.step_left

        if kind is EventKind.START:
            self._start(event)
        elif kind is EventKind.PREPARING:
            self.preparing = (event.number or 0, event.of or 0)
        elif kind is EventKind.LEAD_IN:
            self.lead_in = event.number
        elif kind in (EventKind.STEP, EventKind.SWITCH):
            self._enter(event)
        elif kind is EventKind.COUNT:
            self.count = event.number
            # "of", not "/": a slash in block digits reads as a broken staircase from the floor.
            self.counter = f"{event.number} of {event.of}"
            self.big_counter = self.counter
            self.tempo = "up"
        elif kind is EventKind.DOWN:
            self.tempo = "down"
        elif kind is EventKind.BREATH:
            self.counter = f"breath {event.number} of {event.of} · {event.phase}"
            phase = "in" if event.phase == "inhale" else "out"
            self.big_counter = f"{phase} {event.number}"
        elif kind in (EventKind.WAITING, EventKind.READY):
            self.waiting = kind is EventKind.WAITING
        elif kind in (EventKind.PAUSE, EventKind.RESUME):
            self.paused = kind is EventKind.PAUSE
        elif kind is EventKind.EXTEND:
            self.extra += float(event.number or 0)
            if event.of is not None and self.count is not None:
                self.counter = f"{self.count} of {event.of}"  # more counts to come: "4 of 14"
                self.big_counter = self.counter
        elif kind in (EventKind.MUTE, EventKind.UNMUTE):
            self.muted = kind is EventKind.MUTE
        elif kind in (EventKind.FINISH, EventKind.STOP):
            self.outcome = event.outcome

    def _start(self, event: Event) -> None:
        if event.timeline is None:
            return
        self.timeline = event.timeline
        routine = event.timeline.routine
        self.title = one_line(routine.title)
        caution = routine.caution
        self.caution = None if caution is None else clean(caution, layout=True)
        self.equipment = tuple(one_line(item) for item in routine.equipment)
        if self.routine_left is None:
            self.routine_left = event.timeline.total

    def _enter(self, event: Event) -> None:
        self.steps_entered += 1
        self._warnings = [w for w in self._warnings if self.steps_entered < w[1]]
        self.segment = event.segment
        self.where = event.where
        self.next_text = event.next_text
        self.lead_in = None
        self.extra = 0.0
        self.count = None
        self.tempo = None
        self.counter = None
        self.big_counter = None
        self.waiting = False
        if self.segment is not None and event.step_left is None:
            self.step_left = self.segment.duration

    def warn(self, text: str) -> None:
        """Show ``text`` until the next step begins."""
        until = self.steps_entered + 1 if self.steps_entered else 2
        self._warnings.append((text, until))
        self.warned += 1

    # -- what it comes to -------------------------------------------------------------------

    @property
    def warnings(self) -> list[str]:
        """The warnings shown now, oldest first."""
        return [text for text, until in self._warnings if self.steps_entered < until]

    def looks(self) -> tuple[object, ...]:
        """Everything the view's picture depends on (two equal looks draw the same frame)."""
        return (
            self.segment,
            self.step_left,
            self.routine_left,
            self.counter,
            self.tempo,
            self.lead_in,
            self.preparing,
            self.waiting,
            self.paused,
            self.muted,
            self.extra,
            self.warned,
            self.steps_entered,
            self.help,
            self.ending,
        )

    def counter_text(self) -> str | None:
        """What the digits say: the count or breath on a step that counts, else the time left
        in the step; nothing before the first step or while waiting for Enter."""
        segment = self.segment
        if segment is None or self.waiting:
            return None
        if self.big_counter is not None and counted(segment.kind) is not None:
            return self.big_counter
        left = segment.duration if self.step_left is None else self.step_left
        return countdown(left)

    def detail(self) -> str:
        """The small line under the digits: what kind of step, the breath in words, where."""
        if self.segment is None:
            return ""
        kind = self.segment.kind
        parts = [kind_label(kind)]
        if self.counter is not None and counted(kind) == "breath":
            parts.append(self.counter)
        if self.tempo is not None and counted(kind) == "rep":
            parts.append(self.tempo)
        if self.where:
            parts.append(self.where)
        return " · ".join(parts)

    def next_line(self) -> str:
        """What comes next, e.g. "Next: Lower your heels"; nothing before the first step."""
        if self.segment is None:
            return ""
        if self.next_text is None:
            return "Next: finish"
        return f"Next: {self.next_text}"

    def step_caution(self) -> str | None:
        """The caution shown with the step in progress. Without a lead-in the routine's own
        would never be seen: it is kept for the first step; an included routine's caution
        shows while its part's first step plays."""
        shown = None if self.segment is None else self.segment.caution
        if self.caution and self.steps_entered == 1:
            shown = self.caution if shown is None else f"{self.caution} {shown}"
        return shown

    def progress(self) -> tuple[float, float, float]:
        """The routine's total, the seconds of it done and the seconds left, for the bar."""
        total = self.timeline.total if self.timeline is not None else 0.0
        left = total if self.routine_left is None else self.routine_left
        # Time ``+`` added is not progress: the bar stays at the step's end while it plays.
        done = max(0.0, total + self.extra - left)
        if self.segment is not None:
            done = min(done, self.segment.end)
        return total, done, left

    def summary(self) -> Summary | None:
        """The end-of-session figures, once playback has finished or stopped."""
        if self.outcome is None:
            return None
        return Summary.of_outcome(self.outcome, self.title or "the routine")
