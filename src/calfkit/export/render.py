"""A session rendered offline: the player runs the routine on a fake clock, and every sound
and phrase it would make is placed at the sample its event was scheduled for.

The events are exactly those a live session emits. The same event-to-sound map as the live
sound sink (and, with voice, the same announcer and speech queue as the live speech sink)
decide what is heard. ``ready`` steps last their 10 s, since nobody presses Enter offline.
Writers (:mod:`calfkit.export.wav`) turn the placed sounds into a file.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable
from dataclasses import dataclass

from calfkit.player.clock import FakeClock
from calfkit.player.engine import Player
from calfkit.player.events import Event
from calfkit.sound.cues import SoundCues
from calfkit.sound.speech import Announcer, SpeechQueue
from calfkit.sound.tones import SAMPLE_RATE, render
from calfkit.timeline import Timeline

Progress = Callable[[int, int], None]
"""Told (done, total) as rendering goes on."""

Speak = Callable[[str, int], "array[int] | None"]
"""Renders a phrase at a sample rate (``espeak_samples``), None if it cannot."""


class _Recorder:
    """Keeps every event the player emits (a Sink)."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def handle(self, event: Event) -> None:
        self.events.append(event)

    def close(self) -> None:
        pass


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
    recorder = _Recorder()
    Player(timeline, clock=FakeClock(), sinks=[recorder]).run()
    return recorder.events


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
