"""Which sound marks which event: the one mapping both the live player and the WAV export use.

A tick that falls on the very start of its segment (the first count, the first inhale, a
countdown as long as its hold) is marked by the step's own start sound, so two sounds never
land on the same instant.
"""

from __future__ import annotations

import math

from calfkit.player.events import Event, EventKind
from calfkit.sound.tones import Sound
from calfkit.timeline import Segment, SegmentKind, TickKind

SAME_INSTANT = 1e-6
"""Events this close (in seconds) fall on the same instant."""

COUNTED_KINDS = frozenset({SegmentKind.COUNT, SegmentKind.REPS})
"""Steps whose counts (a reps step's: each rep's start) may be spoken."""

SPOKEN_COUNT_MIN_SECONDS = 1.5
"""With voice on, counts are spoken (not beeped) when they are at least this far apart."""


def count_interval(segment: Segment) -> float:
    """Seconds between two counts of a count segment (its whole length for a single count)."""
    counts = [tick for tick in segment.ticks if tick.kind is TickKind.COUNT]
    return segment.duration / len(counts) if counts else segment.duration


def counts_spoken(segment: Segment | None) -> bool:
    """Whether a count or reps segment's counts leave room to be spoken rather than beeped."""
    return (
        segment is not None
        and segment.kind in COUNTED_KINDS
        and count_interval(segment) >= SPOKEN_COUNT_MIN_SECONDS
    )


SPOKEN_COUNTDOWN = 3
"""With voice on (and ``--speak time``), a hold's last countdown seconds up to this one are
spoken ("Three", "Two", "One") rather than beeped, where the speech plan has room."""


def countdown_spoken(segment: Segment | None, number: int | None, offset: float) -> bool:
    """Whether a hold's countdown second ``number`` (at ``offset`` into it) may be spoken: one
    of the last three, not on the hold's first instant (its chime marks that)."""
    return (
        segment is not None
        and segment.kind is SegmentKind.HOLD
        and not segment.until_ready
        and number is not None
        and 1 <= number <= SPOKEN_COUNTDOWN
        and offset > SAME_INSTANT
    )


def count_sound(event: Event) -> Sound:
    """The beep for a count: the last one of a step sounds different."""
    last = event.number is not None and event.number == event.of
    return Sound.LAST_COUNT if last else Sound.COUNT


class SoundCues:
    """Which sound marks each event; remembers when the step in progress began.

    ``speak_counts``: voice is on, so counts that leave room are spoken instead of beeped.
    ``speak_time``: voice is on with ``time``, so a hold's last three countdown seconds are
    left to speech (which beeps those it could not fit).
    ``lead_in_beeps``: beep only the lead-in's last N seconds (None: all of them); the caution
    is spoken over the rest, which stays quiet.
    """

    def __init__(
        self,
        *,
        speak_counts: bool = False,
        speak_time: bool = False,
        lead_in_beeps: int | None = None,
    ) -> None:
        self.speak_counts = speak_counts
        self.speak_time = speak_time
        self.lead_in_beeps = lead_in_beeps
        self._step_at: float | None = None

    def sound_for(self, event: Event) -> Sound | None:
        """The sound that marks ``event``, or None for events heard as silence."""
        kind = event.kind
        if kind in (EventKind.STEP, EventKind.SWITCH):
            self._step_at = event.scheduled
        if kind is EventKind.LEAD_IN:
            quiet = (
                self.lead_in_beeps is not None
                and event.number is not None
                and event.number > self.lead_in_beeps
            )
            return None if quiet else Sound.LEAD_IN
        if kind is EventKind.STEP:
            if event.segment is not None and event.segment.kind is SegmentKind.REST:
                return Sound.REST
            return Sound.STEP
        if kind is EventKind.SWITCH:
            return Sound.SWITCH
        if kind is EventKind.FINISH:
            return Sound.END
        if kind not in (EventKind.COUNT, EventKind.COUNTDOWN, EventKind.BREATH, EventKind.DOWN):
            return None
        if self._step_at is not None and abs(event.scheduled - self._step_at) < SAME_INSTANT:
            return None  # the step's start sound marks it
        if kind is EventKind.COUNT:
            if self.speak_counts and counts_spoken(event.segment):
                return None
            return count_sound(event)
        if kind is EventKind.COUNTDOWN:
            if self.speak_time and self._countdown_spoken(event):
                return None
            return Sound.COUNTDOWN
        if kind is EventKind.DOWN:
            return Sound.DOWN
        return Sound.INHALE if event.phase == "inhale" else Sound.EXHALE

    def _countdown_spoken(self, event: Event) -> bool:
        # A countdown on the hold's first instant never gets here (its chime marks it).
        return countdown_spoken(event.segment, event.number, math.inf)
