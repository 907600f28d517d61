"""Sound for calfkit: tones synthesised in code, played through the first back end that works,
and speech engines.

:func:`pick_backend` opens the back end for ``--sound``; the sinks that play along with the
player (:mod:`calfkit.sinks.sound`, :mod:`calfkit.sinks.speech`) use it. Nothing here imports
the sinks. Everything heavy is imported only when it is needed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from calfkit.words import NORMAL_WPM

if TYPE_CHECKING:
    from calfkit.sound.backends import Backend

CHOICES = ("auto", "simpleaudio", "miniaudio", "system", "bell", "off")

DEFAULT_RATE_WPM = NORMAL_WPM
"""Words per minute for every speech engine: calm, but quick enough to fit between counts."""

MIN_RATE_WPM = 80
MAX_RATE_WPM = 450
"""The ``--voice-rate`` range every engine can speak at (here, light, for the command line)."""

SPOKEN_EXTRAS = ("notes", "time", "counts", "previews")
"""What ``--voice`` may say besides the cues, cautions, side switches and the closing phrase
(``--speak``): each step's note, time left in holds ("Halfway.", "Ten seconds.", "Three",
"Two", "One"), the counts of slow counts, and a preview of the next cue."""

DEFAULT_SPOKEN = frozenset(SPOKEN_EXTRAS)
"""All of them: with eyes shut, every built-in routine can be followed by ear."""


def parse_spoken(text: str) -> frozenset[str]:
    """``--speak``'s value (``notes,time``; ``all``; ``none``) as the set of extras; ValueError
    naming the word that is none of them."""
    words = [word.strip().lower() for word in text.split(",") if word.strip()]
    choices = ", ".join(SPOKEN_EXTRAS)
    if not words:
        raise ValueError(f"name one or more of {choices}, or all, or none")
    if words == ["all"]:
        return DEFAULT_SPOKEN
    if words == ["none"]:
        return frozenset()
    for word in words:
        if word not in SPOKEN_EXTRAS:
            raise ValueError(f"{word!r} is not one of {choices}, all or none")
    return frozenset(words)


"""The values ``--sound`` accepts: the one list (``play``, ``export``, ``doctor`` and the back
ends' order all come from it); after ``auto``, the order ``auto`` tries them in."""


def pick_backend(choice: str, warn: Callable[[str], None]) -> tuple[Backend, list[str]]:
    """Open the back end for ``choice`` and list the ones to fall back to, in order.

    ``auto`` silently takes the first that works; a back end asked for by name that cannot
    play here gives one warning line and the next that works instead.
    """
    from calfkit.sound import alsa
    from calfkit.sound.backends import ORDER, OffBackend, Unavailable, open_backend, open_first

    if choice not in CHOICES:
        raise ValueError(f"unknown sound choice {choice!r}")
    alsa.silence_errors()
    if choice == "off":
        return OffBackend(), []
    if choice == "auto":
        names = [name for name in ORDER if name != "off"]
        backend, skipped = open_first(names, by_name=False)
        if isinstance(backend, OffBackend):
            warn("sound: no sound back end works here; playing silently (see `calfkit doctor`)")
            return backend, []
        return backend, names[len(skipped) + 1 :]
    later = [name for name in ORDER[ORDER.index(choice) + 1 :] if name != "off"]
    try:
        return open_backend(choice, by_name=True), later
    except Unavailable as why:
        backend, skipped = open_first(later, by_name=False)
        instead = "sound is off" if isinstance(backend, OffBackend) else f"using {backend.label}"
        warn(f"sound: {choice} is not available ({why}); {instead}")
        return backend, later[len(skipped) + 1 :]
