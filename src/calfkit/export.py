"""The whole session's sound track, rendered offline into a WAV file to play away from the
terminal.

The player itself runs the routine on a fake clock, and a recording sink keeps the events it
emits: exactly those the live session would. The same event-to-sound map as the live sound
sink (and, with voice, the same announcer and speech queue as the live speech sink) decide
what is heard; each sound is mixed in at the sample its event was scheduled for. ``ready``
steps last their 10 s, since nobody presses Enter in a file. The file is written in chunks,
so even a long routine needs little memory.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import wave
from array import array
from collections.abc import Callable
from dataclasses import dataclass

from calfkit.engine import Player
from calfkit.errors import CalfkitError
from calfkit.events import Event
from calfkit.sound.cues import SoundCues
from calfkit.sound.tones import SAMPLE_RATE, limit, render
from calfkit.speech import Announcer, SpeechQueue, espeak_samples
from calfkit.testing import FakeClock, RecordingSink
from calfkit.timeline import Timeline

TAIL_SECONDS = 1.0
"""Silence after the last sound ends, so no player clips it."""

CHUNK_SECONDS = 10.0
"""How much of the track is mixed and written at a time."""

Progress = Callable[[int, int], None]
"""Told (done, total) as rendering goes on."""

Speak = Callable[[str, int], "array[int] | None"]
"""Renders a phrase at a sample rate (``espeak_samples``), None if it cannot."""


class ExportError(CalfkitError):
    """The WAV file cannot be written."""


@dataclass(frozen=True)
class Placed:
    """One sound in the track: ``samples`` starting at sample ``at``; ``what`` names it."""

    at: int
    samples: array[int]
    what: str

    @property
    def end(self) -> int:
        return self.at + len(self.samples)


def session_events(timeline: Timeline) -> list[Event]:
    """The events a live session of ``timeline`` emits, with nobody touching a key."""
    sink = RecordingSink()
    Player(timeline, clock=FakeClock(), sinks=[sink]).run()
    return sink.events


def place_sounds(
    events: list[Event],
    *,
    rate: int = SAMPLE_RATE,
    speak: Speak | None = None,
    progress: Progress | None = None,
) -> list[Placed]:
    """Every sound (and, given ``speak``, every phrase) of a session, at its sample.

    Speech follows the live rules: one phrase at a time, a newer cue replaces one still
    waiting, a cue that would start too late is dropped, a count that cannot be spoken at
    its moment is beeped.
    """
    cues = SoundCues(speak_counts=speak is not None)
    announcer = Announcer(chimes=True)
    queue = SpeechQueue()
    placed: list[Placed] = []
    spoken: dict[str, array[int] | None] = {}
    free_at = 0.0  # when the phrase being said ends, in seconds

    def start(at: float) -> None:
        # Speech is free at ``at``: begin the next fresh phrase waiting, if there is one.
        nonlocal free_at
        assert speak is not None
        while (timed := queue.take_timed(at)) is not None:
            taken, since = timed
            if taken.text not in spoken:
                spoken[taken.text] = speak(taken.text, rate)
            samples = spoken[taken.text]
            if samples:
                begin = max(at, since + taken.after)  # after its chime, as live
                placed.append(Placed(round(begin * rate), samples, f"speech: {taken.text}"))
                free_at = begin + len(samples) / rate
                return
            queue.finished()
            if taken.beep is not None:
                placed.append(Placed(round(at * rate), render(taken.beep, rate), taken.beep.value))

    def settle(now: float) -> None:
        # Phrases that ended by ``now`` let the next waiting one begin at their end.
        while queue.speaking and free_at <= now:
            queue.finished()
            start(free_at)

    for done, event in enumerate(events, 1):
        sound = cues.sound_for(event)
        if sound is not None:
            placed.append(Placed(round(event.scheduled * rate), render(sound, rate), sound.value))
        if speak is not None:
            settle(event.scheduled)
            utterance = announcer.utterance(event)
            if utterance is None:
                pass
            elif queue.offer(utterance, event.scheduled):
                if not queue.speaking:
                    start(event.scheduled)
            elif utterance.beep is not None:
                beep = render(utterance.beep, rate)
                placed.append(Placed(round(event.scheduled * rate), beep, utterance.beep.value))
        if progress is not None:
            progress(done, len(events))
    if speak is not None:
        settle(float("inf"))
    return sorted(placed, key=lambda p: p.at)


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


def export_wav(
    timeline: Timeline,
    path: str | os.PathLike[str],
    *,
    voice: bool = False,
    warn: Callable[[str], None],
    progress: Callable[[str, int, int], None] | None = None,
    rate: int = SAMPLE_RATE,
) -> Exported:
    """Render ``timeline``'s session to ``path``; ``progress(stage, done, total)``."""
    # Fail on an unwritable path before any rendering.
    try:
        with open(path, "wb"):
            pass
    except OSError as error:
        raise ExportError(f"cannot write {os.fspath(path)}: {error.strerror or error}") from None
    speak: Speak | None = None
    if voice:
        if shutil.which("espeak-ng") is None:
            warn(
                "voice: espeak-ng was not found, so the file has beeps only; install espeak-ng "
                "(e.g. `sudo apt install espeak-ng`) for spoken cues"
            )
        else:
            speak = espeak_samples
    events = session_events(timeline)
    placed = place_sounds(
        events,
        rate=rate,
        speak=speak,
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
    return Exported(seconds=length / rate, sounds=len(placed) - phrases, phrases=phrases)
