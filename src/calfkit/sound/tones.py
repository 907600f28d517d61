"""The sounds calfkit plays, synthesised in code: short sine tones with soft edges.

Each :class:`Sound` is a few notes (a note may glide from one pitch to another). Every note
fades in and out along a raised-cosine curve so nothing clicks, and the sounds differ in
pitch, length and shape so they can be told apart by ear with eyes closed.
"""

from __future__ import annotations

import math
from array import array
from dataclasses import dataclass
from enum import Enum
from functools import cache

SAMPLE_RATE = 44_100
"""Samples per second of every sound calfkit makes (16-bit signed, mono)."""

FADE_SECONDS = 0.008
"""Raised-cosine fade at each end of a note: enough to avoid clicks, short enough to be crisp."""

PEAK = 0.45
"""Loudness of one sound as a fraction of full scale, leaving headroom when sounds overlap."""


class Sound(str, Enum):
    """A kind of moment the routine marks with a sound."""

    LEAD_IN = "lead_in"
    STEP = "step"
    COUNT = "count"
    LAST_COUNT = "last_count"
    COUNTDOWN = "countdown"
    SWITCH = "switch"
    REST = "rest"
    INHALE = "inhale"
    EXHALE = "exhale"
    DOWN = "down"
    END = "end"


@dataclass(frozen=True)
class Note:
    """A tone from ``start_hz`` gliding to ``end_hz`` over ``seconds``, at ``level`` of PEAK."""

    start_hz: float
    seconds: float
    end_hz: float | None = None  # None: a steady pitch
    level: float = 1.0

    @property
    def final_hz(self) -> float:
        return self.start_hz if self.end_hz is None else self.end_hz


# The design: the step chime rises, rest falls and is lower and softer, counts are short high
# ticks with a longer, higher last one, the hold countdown sits between them, the switch is a
# three-note "ding-dong-ding", breaths glide up (in) and down (out), a rep's "down" is a short
# high glide down, the end is an arpeggio.
NOTES: dict[Sound, tuple[Note, ...]] = {
    Sound.LEAD_IN: (Note(440.0, 0.08, level=0.8),),
    Sound.STEP: (Note(659.3, 0.09), Note(880.0, 0.14)),
    Sound.COUNT: (Note(1046.5, 0.05),),
    Sound.LAST_COUNT: (Note(1568.0, 0.18),),
    Sound.COUNTDOWN: (Note(1174.7, 0.10),),
    Sound.SWITCH: (Note(784.0, 0.10), Note(587.3, 0.10), Note(784.0, 0.14)),
    Sound.REST: (Note(523.3, 0.16, level=0.7), Note(392.0, 0.24, level=0.7)),
    Sound.INHALE: (Note(330.0, 0.40, end_hz=494.0, level=0.8),),
    Sound.EXHALE: (Note(494.0, 0.50, end_hz=330.0, level=0.8),),
    Sound.DOWN: (Note(880.0, 0.22, end_hz=587.3, level=0.8),),
    Sound.END: (Note(523.3, 0.12), Note(659.3, 0.12), Note(784.0, 0.12), Note(1046.5, 0.36)),
}


def seconds(sound: Sound) -> float:
    """How long ``sound`` lasts."""
    return sum(note.seconds for note in NOTES[sound])


def _note(note: Note, rate: int) -> array[int]:
    count = round(note.seconds * rate)
    fade = min(round(FADE_SECONDS * rate), count // 2)
    amplitude = PEAK * note.level * 32767
    end_hz = note.final_hz
    out = array("h", bytes(2 * count))
    phase = 0.0
    for i in range(count):
        # The pitch glides linearly; the phase is its running integral, so no jumps.
        hz = note.start_hz + (end_hz - note.start_hz) * (i / count)
        envelope = 1.0
        if i < fade:
            envelope = 0.5 - 0.5 * math.cos(math.pi * i / fade)
        elif i >= count - fade:
            envelope = 0.5 - 0.5 * math.cos(math.pi * (count - 1 - i) / fade)
        out[i] = int(amplitude * envelope * math.sin(phase))
        phase += 2.0 * math.pi * hz / rate
    return out


@cache
def _render(sound: Sound, rate: int) -> bytes:
    samples = array("h")
    for note in NOTES[sound]:
        samples.extend(_note(note, rate))
    return samples.tobytes()


def render(sound: Sound, rate: int = SAMPLE_RATE) -> array[int]:
    """The samples of ``sound`` (16-bit signed mono at ``rate``); a fresh copy each call."""
    samples = array("h")
    samples.frombytes(_render(sound, rate))
    return samples


KNEE = 24_000
"""Mixed samples louder than this are bent smoothly toward full scale rather than clipped."""


def limit(value: int) -> int:
    """A sum of overlapping samples brought into 16 bits without clipping's crackle.

    Up to :data:`KNEE` a value is kept as it is; past it, a tanh curve (same slope at the knee,
    so no kink) approaches full scale without reaching it. Speech and a beep overlapping
    (up to about 1.4 times full scale) stay clean.
    """
    if -KNEE <= value <= KNEE:
        return value
    room = 32767 - KNEE
    bent = KNEE + int(room * math.tanh((abs(value) - KNEE) / room))
    return bent if value > 0 else -bent
