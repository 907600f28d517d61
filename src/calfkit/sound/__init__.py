"""Sound for calfkit: tones synthesised in code, played through the first back end that works.

:func:`build_sinks` is what ``calfkit play`` calls: it picks the back end for ``--sound`` and
adds spoken cues for ``--voice``. Everything heavy is imported only when it is needed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from calfkit.events import Sink
    from calfkit.sound.backends import Backend

CHOICES = ("auto", "simpleaudio", "miniaudio", "system", "bell", "off")
"""The values ``--sound`` accepts."""


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


def build_sinks(choice: str, voice: bool, warn: Callable[[str], None]) -> list[Sink]:
    """The sinks for ``--sound CHOICE`` and ``--voice``: speech (if any), then sounds.

    ``warn`` gets at most one line per problem (a back end missing or failing, no speech
    engine); the routine always plays on.
    """
    from calfkit.sound.backends import BellBackend, plays_speech
    from calfkit.sound.sink import SoundSink
    from calfkit.speech import (
        EspeakSpeaker,
        SpeechSink,
        find_speaker,
        install_hint,
        speech_available,
    )

    if voice and not speech_available():
        warn(install_hint())
        voice = False
    if choice == "off" and not voice:
        return []
    # Speech plays through the sound back end, so --sound off --voice still opens one.
    backend, fallbacks = pick_backend("auto" if choice == "off" else choice, warn)
    sound = SoundSink(backend, fallbacks=fallbacks, warn=warn, beeps=choice != "off")
    speaker = find_speaker(sound.play_samples) if voice else None
    if isinstance(speaker, EspeakSpeaker) and not plays_speech(backend):
        # espeak-ng's speech is played by the sound back end: the bell would only ring.
        if isinstance(backend, BellBackend):
            warn("voice: spoken cues are off: they need a sound device, and only the bell works")
        else:
            warn("voice: spoken cues are off too: they need a sound device")
        speaker = None
    if speaker is None:
        if choice == "off":
            sound.close()
            return []
        return [sound]
    sound.speak_counts = True
    beep = sound.play if sound.beeps else None
    speech = SpeechSink(speaker, beep=beep, warn=warn, chimes=sound.beeps)
    # Speech first: closing it lets the last phrase reach the sound sink before that closes.
    return [speech, sound]
