"""A session rendered offline: the player runs the routine on a fake clock, and every sound
and phrase it would make is placed at the sample its event was scheduled for.

The events are exactly those a live session emits. The same event-to-sound map as the live
sound sink decides the beeps, and with voice the same speech plan as the live speech sink
(:mod:`calfkit.sound.plan`) places every phrase. ``ready`` steps last their 10 s, since
nobody presses Enter offline.
Writers (:mod:`calfkit.export.wav`) turn the placed sounds into a file.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable
from dataclasses import dataclass

from calfkit.player.clock import FakeClock
from calfkit.player.engine import Player
from calfkit.player.events import Event, EventKind
from calfkit.sound.cues import SoundCues, count_sound, counts_spoken
from calfkit.sound.plan import (
    Phrase,
    PhraseBook,
    PhraseKind,
    make_plan,
    session_time,
    texts_to_render,
)
from calfkit.sound.speech import DEFAULT_RATE_WPM, Voice
from calfkit.sound.tones import SAMPLE_RATE, render
from calfkit.timeline import Timeline

Progress = Callable[[int, int], None]
"""Told (done, total) as rendering goes on."""


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


def session_events(timeline: Timeline, *, lead_in: float = 3.0) -> list[Event]:
    """The events a live session of ``timeline`` emits, with nobody touching a key."""
    recorder = _Recorder()
    Player(timeline, clock=FakeClock(), sinks=[recorder], lead_in=lead_in).run()
    return recorder.events


@dataclass(frozen=True)
class Spoken:
    """A phrase of the speech plan at ``at`` seconds of the session, with its samples."""

    at: float
    phrase: Phrase
    samples: array[int]


@dataclass(frozen=True)
class SpeechTrack:
    """The session's speech: its phrases in order, and the lead-in they need."""

    lead_in: float
    spoken: list[Spoken]

    def counts(self) -> set[tuple[int, int]]:
        """(step, number) of every count said rather than beeped."""
        return {
            (s.phrase.step, s.phrase.number)
            for s in self.spoken
            if s.phrase.kind is PhraseKind.COUNT and s.phrase.number is not None
        }

    def events(self) -> list[Event]:
        """A ``speak`` event per phrase, in session time, as ``play --log-events`` has them."""
        return [
            Event(
                kind=EventKind.SPEAK,
                scheduled=s.at,
                actual=s.at,
                wall=0.0,
                step=s.phrase.step,
                text=s.phrase.text,
                seconds=s.phrase.seconds,
            )
            for s in self.spoken
        ]


def speech_track(
    timeline: Timeline, voice: Voice, *, lead_in: float = 3.0, wpm: int = DEFAULT_RATE_WPM
) -> SpeechTrack:
    """The speech plan of a whole session (the same plan live play follows), with each
    phrase at the session time it is heard; OSError if ``voice`` cannot render a phrase."""
    book = PhraseBook(voice, wpm=wpm)
    book.render_all(texts_to_render(timeline))
    if book.failure is not None:
        raise book.failure
    plan = make_plan(timeline, book, lead_in=lead_in)
    spoken = [
        Spoken(session_time(plan, timeline, p), p, book.samples(p.text, p.wpm))
        for p in plan.phrases
    ]
    return SpeechTrack(plan.lead_in, spoken)


def place_sounds(
    events: list[Event],
    *,
    rate: int = SAMPLE_RATE,
    speech: SpeechTrack | None = None,
    lead_in_beeps: int | None = None,
    progress: Progress | None = None,
) -> list[Placed]:
    """Every sound (and, given ``speech``, every phrase of its plan) of a session, at its
    sample. ``events`` must come from a session with ``speech.lead_in``. A count the plan
    could not say is beeped."""
    cues = SoundCues(speak_counts=speech is not None, lead_in_beeps=lead_in_beeps)
    placed: list[Placed] = []
    said = speech.counts() if speech is not None else set()
    for done, event in enumerate(events, 1):
        sound = cues.sound_for(event)
        if (
            sound is None
            and speech is not None
            and event.kind is EventKind.COUNT
            and event.number is not None
            and event.number > 1
            and counts_spoken(event.segment)
            and (event.step, event.number) not in said
        ):
            sound = count_sound(event)
        if sound is not None:
            placed.append(Placed(round(event.scheduled * rate), render(sound, rate), sound.value))
        if progress is not None:
            progress(done, len(events))
    if speech is not None:
        for spoken in speech.spoken:
            samples = spoken.samples
            if rate != SAMPLE_RATE:
                from calfkit.sound.wav import resample

                samples = resample(samples, SAMPLE_RATE, rate)
            placed.append(Placed(round(spoken.at * rate), samples, f"speech: {spoken.phrase.text}"))
    return sorted(placed, key=lambda p: p.at)
