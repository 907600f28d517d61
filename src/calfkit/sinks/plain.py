"""Plain lines: one line of text per event, with the elapsed playback time.

For ``play --plain``, pipes and screen readers: no escape codes ever (control characters in
a routine's text are dropped too), each line flushed as it is written, nothing redrawn.
TICKs, which exist for redraws, print nothing. Step numbers are top-level steps, as
``show`` numbers them and ``play --from`` takes them. However a session ends (finished, ``q``,
Ctrl-C, SIGTERM), the last line is the player's figures, on a line of its own without a time.
"""

from __future__ import annotations

from typing import TextIO

from calfkit import words
from calfkit.player.events import Event, EventKind
from calfkit.sinks.summary import SKIPPED_NOTE, Summary
from calfkit.text import one_line
from calfkit.timeline import Segment, SegmentKind, Timeline

_SIMPLE = {
    EventKind.WAITING: words.PRESS_ENTER,
    EventKind.READY: "Ready",
    EventKind.PAUSE: "Paused",
    EventKind.RESUME: "Resumed",
    EventKind.MUTE: "Sound muted",
    EventKind.UNMUTE: "Sound on",
    EventKind.FINISH: "Finished",
}


def clean(text: str) -> str:
    """``text`` on one line with no control characters (so no escape sequences)."""
    # one_line() takes out the controls; the line and paragraph separators go as well.
    return " ".join("".join(ch if ch.isprintable() else " " for ch in one_line(text)).split())


class PlainSink:
    """Writes one line per event to ``stream`` (which it flushes but does not close)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self._tops: int | None = None  # top-level steps in the routine
        self._title = ""
        self._prepared: int | None = None  # the tenth of the phrases last told as rendered

    def handle(self, event: Event) -> None:
        # A lead-in second is stamped with its own time, even if it was told late (the
        # player waits for the voice's plan before it tells it).
        at = event.scheduled if event.kind is EventKind.LEAD_IN else event.actual
        for line in self.lines(event):
            self.stream.write(f"[{words.clock(at)}] {line}\n")
        # Every way of ending says what the session came to, Ctrl-C and SIGTERM too.
        if event.outcome is not None:
            self.stream.write(Summary.of_outcome(event.outcome, self._title).figures() + "\n")
        self.stream.flush()

    def close(self) -> None:
        self.stream.flush()

    def lines(self, event: Event) -> list[str]:
        """What ``event`` says, without the time; empty for events that say nothing."""
        kind = event.kind
        if kind is EventKind.START and event.timeline is not None:
            return self._start(event.timeline)
        if kind in (EventKind.STEP, EventKind.SWITCH) and event.segment is not None:
            return self._step(event, event.segment)
        if kind is EventKind.PREPARING:
            return self._preparing(event.number or 0, event.of or 0)
        if kind is EventKind.LEAD_IN:
            return [f"Starting in {event.number}"]
        if kind is EventKind.COUNT:
            reps = event.segment is not None and event.segment.kind is SegmentKind.REPS
            return [f"{'Rep ' if reps else ''}{event.number} of {event.of}"]
        if kind is EventKind.COUNTDOWN:
            return [f"{event.number}"]
        if kind is EventKind.BREATH:
            return [f"Breath {event.number} of {event.of}: {event.phase}"]
        if kind is EventKind.DOWN:
            return ["Down"]
        if kind is EventKind.SKIP:
            return [f"Skipped step {event.top_step}" if event.step else "Skipped the lead-in"]
        if kind is EventKind.BACK:
            return [f"Back to step {event.top_step}"]
        if kind is EventKind.EXTEND:
            added = words.length(float(event.number or 0))
            if event.text:
                added = f"{event.text} ({added})"  # "5 more counts (10s)"
            return [f"{added} added to step {event.top_step}"]
        if kind is EventKind.STOP:
            of = f" of {self._tops}" if self._tops is not None else ""
            where = f"step {event.top_step}{of}" if event.step else "the first step"
            at = "at" if event.step else "before"
            return [f"Stopped {at} {where} ({event.text})"]
        if kind is EventKind.FINISH and event.outcome is not None and not event.outcome.practised:
            return [f"Skipped to the end ({SKIPPED_NOTE})"]
        if kind is EventKind.WARNING and event.text:
            return [clean(event.text)]  # "+ adds no more: a step lasts 2h at most"
        simple = _SIMPLE.get(kind)
        return [simple] if simple else []

    def _preparing(self, done: int, total: int) -> list[str]:
        # A line when it begins and at each tenth, not one per phrase: a pipe is not a screen.
        tenth = 10 * done // total if total else 0
        if self._prepared is not None and tenth <= self._prepared:
            return []
        self._prepared = tenth
        return [words.preparing(done, total)]

    def _of(self, step: int) -> str:
        return f"{step}/{self._tops}" if self._tops is not None else str(step)

    def _start(self, timeline: Timeline) -> list[str]:
        routine = timeline.routine
        self._tops = len(routine.steps)
        self._title = routine.title
        steps = words.plural(self._tops, "step")
        timed = words.plural(len(timeline.segments), "timed step")
        length = words.length(timeline.total)
        lines = [f"{clean(routine.title)}: {steps} ({timed}), {length}"]
        if routine.caution:
            lines.append(f"Caution: {clean(routine.caution)}")
        return lines

    def _step(self, event: Event, segment: Segment) -> list[str]:
        head = f"step {self._of(segment.top)}  "
        if event.where:
            head += clean(event.where) + " — "
        waits = segment.until_ready and event.step_ends_at is None
        length = "until ready" if waits else words.length(segment.duration)
        lines = [f"{head}{clean(segment.text)} ({length})"]
        if segment.caution:
            lines.append(f"Caution: {clean(segment.caution)}")
        if segment.note:
            lines.append(f"Note: {clean(segment.note)}")
        return lines
