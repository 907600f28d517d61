"""Sinks: what the player's events turn into — the live view, plain lines, sounds, speech, an
event log, the practice log. Each follows :class:`calfkit.player.events.Sink`.

:func:`build_sinks` is what ``calfkit play`` calls for ``--sound`` and ``--voice``. Nothing
heavy is imported here: each sink's module is imported only when it is used.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from calfkit import install_hint

if TYPE_CHECKING:
    from calfkit.player.events import Event, Sink
    from calfkit.sound.backends import Backend
    from calfkit.timeline import Timeline


def build_sinks(
    choice: str,
    voice: bool,
    warn: Callable[[str], None],
    *,
    timeline: Timeline | None = None,
    first: int = 1,
    lead_in: float = 3.0,
    speed: float = 1.0,
    wpm: int | None = None,
    emit: Callable[[Event], None] | None = None,
) -> list[Sink]:
    """The sinks for ``--sound CHOICE`` and ``--voice``: speech (if any), then sounds.

    Voice needs ``timeline`` (the session's speech is planned from it, from flat step
    ``first``); the speech sink's ``lead_in`` is the one to play (a caution lengthens it).
    ``emit`` gets its ``speak`` events. ``warn`` gets at most one line per problem (a back
    end missing or failing, no speech engine); the routine plays on.
    Only a back end named by ``--sound`` (not ``auto``) that cannot play here is an error,
    raised before anything plays: the person asked for it, so playing silently or through
    another would not be what they asked.
    """
    from calfkit.model import DEFAULT_LANGUAGE
    from calfkit.sinks.sound import SoundSink
    from calfkit.sinks.speech import SpeechSink
    from calfkit.sound import pick_backend
    from calfkit.sound.backends import BellBackend, plays_speech
    from calfkit.sound.plan import PhraseBook
    from calfkit.sound.speech import DEFAULT_RATE_WPM, find_voice, install_hint

    language = timeline.routine.language if timeline is not None else DEFAULT_LANGUAGE
    engine = find_voice(language) if voice and timeline is not None else None
    if voice and engine is None:
        warn(install_hint())
        voice = False
    if choice == "off" and not voice:
        return []
    if choice in ("auto", "off"):
        # Speech plays through the sound back end, so --sound off --voice still opens one.
        backend, fallbacks = pick_backend("auto", warn)
    else:
        backend, fallbacks = _named_backend(choice)
    sound = SoundSink(backend, fallbacks=fallbacks, warn=warn, beeps=choice != "off")
    if voice and not plays_speech(backend):
        # Speech is played by the sound back end: the bell would only ring.
        if isinstance(backend, BellBackend):
            warn("voice: spoken cues are off: they need a sound device, and only the bell works")
        else:
            warn("voice: spoken cues are off too: they need a sound device")
        voice = False
    if not voice or engine is None or timeline is None:
        if choice == "off":
            sound.close()
            return []
        return [sound]
    sound.speak_counts = True
    book = PhraseBook(engine, wpm=wpm or DEFAULT_RATE_WPM)
    speech = SpeechSink(
        book,
        timeline,
        output=sound.play_samples,
        cut=sound.cut,
        beep=sound.play if sound.beeps else None,
        warn=warn,
        emit=emit,
        first=first,
        lead_in=lead_in,
        speed=speed,
        chimes=sound.beeps,
    )
    if timeline.routine.caution:
        sound.lead_in_beeps = math.ceil(lead_in)  # the caution is said over the rest
    # Speech first: closing it lets the last phrase reach the sound sink before that closes.
    return [speech, sound]


# What a named back end needs, said when it cannot play here.
_NEEDS = {
    "simpleaudio": f"simpleaudio ({install_hint('simpleaudio')}) and a working sound device",
    "miniaudio": f"miniaudio ({install_hint('audio')}) and a working sound device",
    "system": "a command-line player (aplay from alsa-utils, paplay, or afplay on macOS) "
    "and a working sound device",
    "bell": "a terminal to ring",
}


def _named_backend(choice: str) -> tuple[Backend, list[str]]:
    """Open the back end ``--sound CHOICE`` names, or raise a :class:`CalfkitError` saying
    why it cannot play and what it needs."""
    from calfkit.errors import CalfkitError
    from calfkit.sound import alsa
    from calfkit.sound.backends import ORDER, Unavailable, open_backend

    alsa.silence_errors()
    try:
        backend = open_backend(choice, by_name=True)
    except Unavailable as why:
        needs = _NEEDS.get(choice, "its library and a sound device")
        raise CalfkitError(
            f"--sound {choice} cannot play here: {why}. It needs {needs}; "
            "--sound auto takes the first that works (see `calfkit doctor`)"
        ) from None
    # If it stops working mid-session, the next that works carries on (with a warning).
    return backend, [name for name in ORDER[ORDER.index(choice) + 1 :] if name != "off"]
