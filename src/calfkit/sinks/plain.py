"""Plain lines: one line of text per event, with the elapsed playback time.

For ``play --plain``, pipes and screen readers: no escape codes ever (control characters in
a routine's text are dropped too), each line flushed as it is written, nothing redrawn.
TICKs, which exist for redraws, print nothing. A session played to the end or stopped with
``q`` ends with the player's figures, on a line of its own without a time.
"""

from __future__ import annotations

import math
from typing import TextIO

from calfkit.player.events import Event, EventKind, Status
from calfkit.sinks.summary import Summary
from calfkit.text import one_line
from calfkit.timeline import Segment, Timeline

_SIMPLE = {
    EventKind.WAITING: "Press Enter when ready",
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


def clock_time(seconds: float) -> str:
    """Elapsed time as ``mm:ss`` (``h:mm:ss`` from an hour), whole seconds, rounded down."""
    whole = max(0, math.floor(seconds + 1e-9))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def span(seconds: float) -> str:
    """A length of time in words a screen reader reads well: ``45 s``, ``1 min 30 s``."""
    if seconds != int(seconds):
        return f"{seconds:g} s" if seconds < 60 else f"{seconds / 60:.1f} min"
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{hours} h" if hours else "", f"{minutes} min" if minutes else ""]
    parts.append(f"{secs} s" if secs or whole == 0 else "")
    return " ".join(p for p in parts if p)


class PlainSink:
    """Writes one line per event to ``stream`` (which it flushes but does not close)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self._steps: int | None = None
        self._title = ""

    def handle(self, event: Event) -> None:
        for line in self.lines(event):
            self.stream.write(f"[{clock_time(event.actual)}] {line}\n")
        # Not after Ctrl-C, SIGTERM or an error: there the stop line is the last word.
        outcome = event.outcome
        if outcome is not None and outcome.status in (Status.FINISHED, Status.STOPPED):
            self.stream.write(Summary.of_outcome(outcome, self._title).figures() + "\n")
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
        if kind is EventKind.LEAD_IN:
            return [f"Starting in {event.number}"]
        if kind is EventKind.COUNT:
            return [f"{event.number} of {event.of}"]
        if kind is EventKind.COUNTDOWN:
            return [f"{event.number}"]
        if kind is EventKind.BREATH:
            return [f"Breath {event.number} of {event.of}: {event.phase}"]
        if kind is EventKind.SKIP:
            return [f"Skipped step {event.step}" if event.step else "Skipped the lead-in"]
        if kind is EventKind.BACK:
            return [f"Back to step {event.step}"]
        if kind is EventKind.EXTEND:
            return [f"{span(float(event.number or 0))} added to step {event.step}"]
        if kind is EventKind.STOP:
            of = f" of {self._steps}" if self._steps is not None else ""
            where = f"step {event.step}{of}" if event.step else "the first step"
            at = "at" if event.step else "before"
            return [f"Stopped {at} {where} ({event.text})"]
        simple = _SIMPLE.get(kind)
        return [simple] if simple else []

    def _of(self, step: int) -> str:
        return f"{step}/{self._steps}" if self._steps is not None else str(step)

    def _start(self, timeline: Timeline) -> list[str]:
        routine = timeline.routine
        self._steps = len(timeline.segments)
        self._title = routine.title
        steps = "step" if self._steps == 1 else "steps"
        lines = [f"{clean(routine.title)}: {self._steps} {steps}, {span(timeline.total)}"]
        if routine.caution:
            lines.append(f"Caution: {clean(routine.caution)}")
        return lines

    def _step(self, event: Event, segment: Segment) -> list[str]:
        context = [clean(part) for part in (segment.name, *segment.where) if part]
        head = f"step {self._of(segment.index)}  "
        if context:
            head += " · ".join(context) + " — "
        waits = segment.until_ready and event.step_ends_at is None
        length = "until ready" if waits else span(segment.duration)
        lines = [f"{head}{clean(segment.text)} ({length})"]
        if segment.caution:
            lines.append(f"Caution: {clean(segment.caution)}")
        if segment.note:
            lines.append(f"Note: {clean(segment.note)}")
        return lines
