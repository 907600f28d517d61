"""The whole session's sound track, written to a WAV file to play away from the terminal.

The session is rendered offline (:mod:`calfkit.export.render`) and mixed into the file in
chunks, so even a long routine needs little memory.
"""

from __future__ import annotations

import contextlib
import math
import os
import sys
import wave
from array import array
from collections.abc import Callable
from dataclasses import dataclass

from calfkit.errors import ExportError
from calfkit.export.render import Placed, Progress, SpeechTrack, place_sounds, session_events
from calfkit.player.events import Event
from calfkit.sound.tones import SAMPLE_RATE, limit
from calfkit.timeline import Timeline

__all__ = ["ExportError", "Exported", "export_wav", "write_track"]

TAIL_SECONDS = 1.0
"""Silence after the last sound ends, so no player clips it."""

CHUNK_SECONDS = 10.0
"""How much of the track is mixed and written at a time."""


def write_track(
    path: str | os.PathLike[str],
    placed: list[Placed],
    length: int,
    *,
    rate: int = SAMPLE_RATE,
    progress: Progress | None = None,
) -> None:
    """Mix ``placed`` into a ``length``-sample track and write it to ``path`` as a WAV file."""
    try:
        out = wave.open(os.fspath(path), "wb")  # noqa: SIM115 - closed in the finally below
    except OSError as error:
        raise ExportError(f"cannot write {os.fspath(path)}: {error.strerror or error}") from None
    try:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        chunk = round(CHUNK_SECONDS * rate)
        chunks = max(1, -(-length // chunk))
        first = 0  # placed[:first] all end before the chunk being mixed
        for index in range(chunks):
            start = index * chunk
            stop = min(length, start + chunk)
            samples = array("h", bytes(2 * (stop - start)))
            written = start  # end of what is in ``samples`` so far (sounds come sorted)
            while first < len(placed) and placed[first].end <= start:
                first += 1
            for sound in placed[first:]:
                if sound.at >= stop:
                    break
                lo = max(sound.at, start)
                hi = min(sound.end, stop)
                part = sound.samples[lo - sound.at : hi - sound.at]
                if lo >= written:
                    samples[lo - start : hi - start] = part  # on silence: no mixing needed
                else:
                    for i, value in enumerate(part, lo - start):
                        samples[i] = limit(samples[i] + value)
                written = max(written, hi)
            if sys.byteorder == "big":
                samples.byteswap()
            out.writeframes(samples.tobytes())
            if progress is not None:
                progress(index + 1, chunks)
    except OSError as error:
        raise ExportError(f"cannot write {os.fspath(path)}: {error.strerror or error}") from None
    finally:
        with contextlib.suppress(OSError):
            out.close()


@dataclass(frozen=True)
class Exported:
    """What was written: how long it lasts and how many sounds and phrases it holds."""

    seconds: float
    sounds: int
    phrases: int
    events: tuple[Event, ...] = ()  # the session's events and its ``speak`` events, in time order


def export_wav(
    timeline: Timeline,
    path: str | os.PathLike[str],
    *,
    voice: bool = False,
    warn: Callable[[str], None],
    progress: Callable[[str, int, int], None] | None = None,
    rate: int = SAMPLE_RATE,
    lead_in: float = 3.0,
    wpm: int | None = None,
) -> Exported:
    """Render ``timeline``'s session to ``path``; ``progress(stage, done, total)``."""
    # Fail on an unwritable path before any rendering.
    try:
        with open(path, "wb"):
            pass
    except OSError as error:
        raise ExportError(f"cannot write {os.fspath(path)}: {error.strerror or error}") from None
    speech: SpeechTrack | None = None
    if voice:
        speech = _speech(timeline, warn, lead_in=lead_in, wpm=wpm)
    events = session_events(timeline, lead_in=speech.lead_in if speech else lead_in)
    beeps = math.ceil(lead_in) if speech is not None and timeline.routine.caution else None
    placed = place_sounds(
        events,
        rate=rate,
        speech=speech,
        lead_in_beeps=beeps,
        progress=(lambda d, t: progress("sounds", d, t)) if progress else None,
    )
    finish = events[-1].scheduled if events else 0.0
    length = max([round((finish + TAIL_SECONDS) * rate), *(p.end for p in placed)])
    write_track(
        path,
        placed,
        length,
        rate=rate,
        progress=(lambda d, t: progress("mixing", d, t)) if progress else None,
    )
    phrases = sum(1 for p in placed if p.what.startswith("speech: "))
    told = sorted([*events, *(speech.events() if speech else [])], key=lambda e: e.scheduled)
    return Exported(
        seconds=length / rate, sounds=len(placed) - phrases, phrases=phrases, events=tuple(told)
    )


def _speech(
    timeline: Timeline, warn: Callable[[str], None], *, lead_in: float, wpm: int | None
) -> SpeechTrack | None:
    from calfkit.export.render import speech_track
    from calfkit.sound.speech import DEFAULT_RATE_WPM, find_voice

    voice = find_voice(timeline.routine.language)
    if voice is None:
        warn(
            "voice: no speech engine was found, so the file has beeps only; install espeak-ng "
            "(e.g. `sudo apt install espeak-ng`) for spoken cues"
        )
        return None
    try:
        return speech_track(timeline, voice, lead_in=lead_in, wpm=wpm or DEFAULT_RATE_WPM)
    except OSError as error:
        warn(f"voice: {error}; the file has beeps only")
        return None
