"""How calfkit words times and numbers for people: the one family of formatters every command
and sink uses, so that one kind of figure always reads the same way (docs/format.md says
which is used where).

- :func:`length`: how long something lasts, as planned: ``45s``, ``2.5s``, ``4m 36s``,
  ``1h 5m``. Totals and step lengths in ``show``, ``list``, plain lines, ``validate``.
- :func:`clock`: a time on a clock, to the nearest second: ``00:03``, ``04:36``, ``1:02:05``.
  Time played and paused (the end summary, ``history``), plain lines' timestamps.
- :func:`countdown`: the same clock face for time still to go, rounded up so that it reads
  ``00:00`` only when nothing is left: the live view's countdowns and time left.
- :func:`exact_length`: a length to the millisecond, for a message about a limit.
- :func:`ordinal` and :func:`when`: "3rd", and "yesterday".

Nothing here imports anything of calfkit's: every layer may use it.
"""

from __future__ import annotations

import math
from datetime import date, datetime, tzinfo

# Half a microsecond: float sums such as 0.1 * 3 land a hair off a whole second, and must
# still round (and round up) as the whole second they mean.
_EPSILON = 5e-7


def _whole_seconds(seconds: float) -> int:
    """To the nearest second, halves up (2.5 s -> 3), never below zero."""
    if not math.isfinite(seconds):
        return 0
    return max(0, math.floor(seconds + 0.5 + _EPSILON))


def _face(whole: int) -> str:
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes:02d}:{secs:02d}"


def clock(seconds: float) -> str:
    """A time on a clock, to the nearest second: ``00:03`` for 3.004 s, ``1:02:05``."""
    return _face(_whole_seconds(seconds))


def countdown(seconds: float) -> str:
    """Time still to go on a clock face, rounded up: ``00:01`` for 0.2 s, ``00:00`` at the end."""
    if not math.isfinite(seconds):
        return _face(0)
    return _face(max(0, math.ceil(seconds - _EPSILON)))


def length(seconds: float) -> str:
    """How long something lasts: ``45s``, ``1.5s``, ``2m``, ``4m 36s``, ``1h 5m``.

    Under a minute to a tenth of a second (steps may be that short), and a time above zero
    but under 0.05 s to the ten-thousandth, so that it never reads ``0s``; from a minute on, to
    the nearest second, hours and minutes only from an hour on.
    """
    if not math.isfinite(seconds):
        return "forever"
    seconds = max(0.0, seconds)
    if 0 < seconds < 0.05:  # a tempo or a count can be this short: never "0s" for it
        text = f"{seconds:.4f}".rstrip("0").rstrip(".")
        return f"{text}s" if text != "0" else "under 0.0001s"
    if seconds < 59.95:
        text = f"{seconds:.1f}".rstrip("0").rstrip(".")
        return f"{text}s"
    whole = _whole_seconds(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        minutes += secs >= 30  # to the nearest minute: seconds are noise at this scale
        if minutes == 60:
            hours, minutes = hours + 1, 0
        return f"{hours}h {minutes}m" if minutes else f"{hours}h"
    return f"{minutes}m {secs}s" if secs else f"{minutes}m"


def exact_length(seconds: float) -> str:
    """A length to the millisecond, like ``24h 0m 1.2s``: a total just past a limit shows
    that it is past it."""
    if math.isinf(seconds):
        return "forever"
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{int(hours)}h {int(minutes)}m {round(secs, 3):g}s"


def ordinal(number: int) -> str:
    """1 -> "1st", 2 -> "2nd", 11 -> "11th", 23 -> "23rd"."""
    if 10 <= number % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def tempo(up: float, top: float, down: float, bottom: float) -> str:
    """A rep's tempo: ``1s up, 1s at the top, 3s down`` (a pause of 0 is not said)."""
    parts = [f"{length(up)} up"]
    if top:
        parts.append(f"{length(top)} at the top")
    parts.append(f"{length(down)} down")
    if bottom:
        parts.append(f"{length(bottom)} at the bottom")
    return ", ".join(parts)


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """``1 step``, ``3 steps``; ``nouns`` where adding an s is wrong."""
    return f"{count} {noun if count == 1 else (nouns or noun + 's')}"


def when(moment: datetime, today: date, tz: tzinfo | None = None) -> str:
    """A past moment as a person says it: "today", "yesterday", "3 days ago", "2024-05-01"."""
    local = moment.astimezone(tz) if tz is not None else moment.astimezone()
    days = (today - local.date()).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 14:
        return f"{days} days ago"
    return local.date().isoformat()


# ---- how long words take to say: validate's estimate and a ready step's default time -------

NORMAL_WPM = 170
"""calfkit's normal speaking rate, in words a minute (every engine's ``--voice-rate`` default)."""
WORD_SECONDS = 0.22
PAUSE_SECONDS = 0.55
PHRASE_SECONDS = 0.2
"""At :data:`NORMAL_WPM`, a phrase takes about WORD_SECONDS a
word, PAUSE_SECONDS at each comma or full stop and PHRASE_SECONDS of silence around it:
fitted to espeak-ng's own lengths for the built-in cues (worst error under 0.75 s). Engines
speak short words faster than their nominal rate, so words x 60 / rate would overstate it."""


def speaking_seconds(text: str, pace: float = 1.0) -> float:
    """About how long ``text`` takes to say, from its words and pauses alone, ``pace`` times
    the normal rate (2.0: twice as fast)."""
    count = len(text.split())
    pauses = 0
    for mark in ",;:.!?":
        pauses += text.count(mark)
    return (count * WORD_SECONDS + pauses * PAUSE_SECONDS) / pace + PHRASE_SECONDS


PRESS_ENTER = "Press Enter when you are ready"
"""How a ready step waits, live: shown by the view and the plain lines, and said after its cue
by the voice (a track says the time it gives instead; a watch, "Press lap when ready.")."""


def with_sentence(text: str, sentence: str) -> str:
    """``text`` and then ``sentence``, as two sentences ("Lie down" + "Go on" -> "Lie down. Go
    on.")."""
    end = "" if not text or text.rstrip()[-1] in ".!?" else "."
    return f"{text.rstrip()}{end} {sentence.rstrip('.')}."


def time_given(seconds: float) -> str:
    """What a track says after a ready step's cue: "You have 30 seconds" (a track has no Enter
    key, so the step is a timed wait, said out loud)."""
    return f"You have {seconds:g} {'second' if seconds == 1 else 'seconds'}"


def ready_announcement(text: str, seconds: float) -> str:
    """A ready step's cue as a track says it: "Roll the mat. You have 30 seconds." """
    return with_sentence(text, time_given(seconds))


def preparing(done: int, total: int) -> str:
    """ "Preparing the voice: 340 of 2,000 phrases" (before the lead-in, while they render)."""
    return f"Preparing the voice: {done:,} of {total:,} phrases"
