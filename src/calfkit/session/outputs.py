"""The sinks a playing session tells: sounds and speech for ``--sound`` and ``--voice``
(:func:`build_sinks`), the event log, and the practice log. Each sink's module is imported
only when it is used."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from calfkit import install_hint
from calfkit.errors import SettingError
from calfkit.session.settings import Settings

if TYPE_CHECKING:
    from calfkit.player.clock import Clock
    from calfkit.player.events import Event, Sink
    from calfkit.sinks.eventlog import EventLogSink
    from calfkit.sinks.history import HistorySink
    from calfkit.sinks.sound import SoundSink
    from calfkit.sinks.speech import SpeechSink
    from calfkit.sound.backends import Backend
    from calfkit.timeline import Timeline

__all__ = ["build_sinks", "event_log", "history_sink", "speech_sink"]


def build_sinks(
    settings: Settings,
    warn: Callable[[str], None],
    *,
    timeline: Timeline | None = None,
    first: int = 1,
    emit: Callable[[Event], None] | None = None,
    clock: Clock | None = None,
    keys: bool = False,
) -> list[Sink]:
    """The sinks for ``settings.sound`` and ``settings.voice``: speech (if any), then sounds.

    Voice needs ``timeline`` (the session's speech is planned from it, from flat step
    ``first``) and the player's ``clock``; the speech sink's ``lead_in`` is the one to play
    (a caution lengthens it). ``emit`` gets its ``speak`` events. ``warn`` gets at most one
    line per problem (a back end missing or failing, no speech engine); the routine plays on.
    ``keys``: whether the player reads keys, so that a ready step waits for Enter and the
    voice says so after its cue; without keys it lasts its time, and the voice says how long.
    Only a back end named by ``--sound`` (not ``auto``) that cannot play here is an error,
    raised before anything plays: the person asked for it, so playing silently or through
    another would not be what they asked.
    """
    from calfkit.model import DEFAULT_LANGUAGE
    from calfkit.sound.speech import install_hint as speech_hint
    from calfkit.sound.speech import pick_voice

    choice, voice = settings.sound, settings.voice
    language = timeline.routine.language if timeline is not None else DEFAULT_LANGUAGE
    engine = None
    if voice and timeline is not None:
        # Piper if it is installed with a model for the language, else the system's voice;
        # a model named but unusable is a CalfkitError, raised before anything plays.
        engine, notes = pick_voice(language, settings.voice_model)
        for note in notes:
            warn(note)
    if voice and engine is None:
        warn(speech_hint())
        voice = False
    if choice == "off" and not voice:
        return []
    sound = _sound_sink(choice, warn)
    voice = voice and _plays_speech(sound.backend, warn)
    if not voice or engine is None or timeline is None:
        if choice == "off":
            sound.close()
            return []
        return [sound]
    from calfkit.export.medium import for_live, for_track
    from calfkit.player.clock import MonotonicClock
    from calfkit.sinks.speech import SpeechSink
    from calfkit.sound.plan import PhraseBook

    sound.speak_counts = "counts" in settings.speak
    sound.speak_time = "time" in settings.speak
    speech = SpeechSink(
        PhraseBook(engine, wpm=settings.voice_rate, speed=settings.speed),
        for_live(timeline) if keys else for_track(timeline, settings.speed),
        output=sound.play_samples,
        cut=sound.cut,
        beep=sound.play if sound.beeps else None,
        warn=warn,
        emit=emit,
        first=first,
        lead_in=settings.lead_in,
        chimes=sound.beeps,
        clock=clock if clock is not None else MonotonicClock(),
        speak=settings.speak,
    )
    sound.lead_in_beeps = speech.lead_in_beeps  # a caution is said over the rest
    # Speech first: closing it lets the last phrase reach the sound sink before that closes.
    return [speech, sound]


def _sound_sink(choice: str, warn: Callable[[str], None]) -> SoundSink:
    from calfkit.sinks.sound import SoundSink
    from calfkit.sound import pick_backend

    if choice in ("auto", "off"):
        # Speech plays through the sound back end, so --sound off --voice still opens one.
        backend, fallbacks = pick_backend("auto", warn)
    else:
        backend, fallbacks = _named_backend(choice)
    return SoundSink(backend, fallbacks=fallbacks, warn=warn, beeps=choice != "off")


def _plays_speech(backend: Backend, warn: Callable[[str], None]) -> bool:
    """Whether ``backend`` can play speech; if not, say why voice is off."""
    from calfkit.sound.backends import BellBackend, plays_speech

    if plays_speech(backend):
        return True
    # Speech is played by the sound back end: the bell would only ring.
    if isinstance(backend, BellBackend):
        warn("voice: spoken cues are off: they need a sound device, and only the bell works")
    else:
        warn("voice: spoken cues are off too: they need a sound device")
    return False


# What a named back end needs, said when it cannot play here (a library's install hint only
# where the reason does not already say how it is installed, or why it is not).
_LIBRARIES = {
    "simpleaudio": ("simpleaudio", install_hint("simpleaudio")),
    "miniaudio": ("miniaudio", install_hint("audio")),
}
_NEEDS = {
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
        if choice in _LIBRARIES:
            library, hint = _LIBRARIES[choice]
            said = "" if "not installed" in str(why) else f" ({hint})"
            needs = f"{library}{said} and a working sound device"
        raise CalfkitError(
            f"--sound {choice} cannot play here: {why}. It needs {needs}; "
            "--sound auto takes the first that works (see `calfkit doctor`)"
        ) from None
    # If it stops working mid-session, the next that works carries on (with a warning).
    return backend, [name for name in ORDER[ORDER.index(choice) + 1 :] if name != "off"]


def speech_sink(sinks: Sequence[Sink]) -> SpeechSink | None:
    """The speech sink among ``sinks``, if voice is really on."""
    from calfkit.sinks.speech import SpeechSink

    return next((sink for sink in sinks if isinstance(sink, SpeechSink)), None)


def event_log(path: str, warn: Callable[[str], None]) -> EventLogSink:
    """The ``--log-events`` sink; :class:`SettingError` if ``path`` cannot be opened. A write
    that fails later ends the log with a warning through ``warn``, not the session."""
    from calfkit.sinks.eventlog import EventLogSink

    try:
        return EventLogSink(path, warn=warn)
    except OSError as error:
        why = error.strerror or error
        raise SettingError("--log-events", f"cannot write {path}: {why}") from None


def history_sink(
    settings: Settings, warn: Callable[[str], None], sinks: Sequence[Sink]
) -> HistorySink:
    """The practice log's sink, saying what really played: the sound back end's label and
    whether a voice was heard (--voice without a speech engine or device plays none)."""
    from calfkit.sinks.history import HistorySink

    label = "off"
    for sink in sinks:
        backend = getattr(sink, "backend", None)
        if backend is not None:
            label = str(getattr(backend, "label", settings.sound))
            break
    voice = settings.voice and speech_sink(sinks) is not None
    return HistorySink(
        label, voice, warn, speed=settings.speed, resume=settings.resume, rest=settings.rest_days
    )
