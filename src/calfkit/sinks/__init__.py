"""Sinks: what the player's events turn into — the live view, plain lines, sounds, speech, an
event log, the practice log. Each follows :class:`calfkit.player.events.Sink`.

:func:`build_sinks` is what ``calfkit play`` calls for ``--sound`` and ``--voice``. Nothing
heavy is imported here: each sink's module is imported only when it is used.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from calfkit.player.events import Sink


def build_sinks(choice: str, voice: bool, warn: Callable[[str], None]) -> list[Sink]:
    """The sinks for ``--sound CHOICE`` and ``--voice``: speech (if any), then sounds.

    ``warn`` gets at most one line per problem (a back end missing or failing, no speech
    engine); the routine always plays on.
    """
    from calfkit.sinks.sound import SoundSink
    from calfkit.sinks.speech import SpeechSink
    from calfkit.sound import pick_backend
    from calfkit.sound.backends import BellBackend, plays_speech
    from calfkit.sound.speech import EspeakSpeaker, find_speaker, install_hint, speech_available

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
