"""A session rendered offline: the player runs the routine on a fake clock, and every sound
and phrase it would make is placed at the sample its event was scheduled for.

The events are exactly those a live session emits (the same :class:`~calfkit.player.engine.
Player`, lead-in and all). The same event-to-sound map as the live sound sink decides the
beeps; :func:`phrases_to_place` places the speech by the same plan as the live speech sink
(:mod:`calfkit.sound.plan`), each phrase at exactly the sample its ``speak`` event gives, and
the lead-in as long as the spoken caution needs. ``ready`` steps last their time (``ready 30s``, or
their cue and 10 s more), since nobody presses Enter offline.

:func:`render_session` gathers it all into a :class:`Render`: the events, the placed sounds,
the chapters (:mod:`calfkit.export.chapters`: per top-level step, split to at most two
minutes) and the length of the track; its :meth:`Render.chunks` mixes the mono track a piece
at a time. The writers
(:mod:`calfkit.export.formats`) turn a render into a file.

Levelling (with voice): speech from espeak-ng comes out about 10 dB quieter than the beeps
(by RMS), and phrase to phrase its peaks vary from half to nearly full scale. So each phrase
and each beep is scaled to one loudness, :data:`LEVEL_RMS` of RMS over its sounding part
(10 ms windows louder than 1% of its peak), except that no phrase is raised past
:data:`PEAK_CEILING`. Alone, nothing then comes near full scale; where a phrase and a beep
overlap, the mixer's soft limiter (:func:`calfkit.sound.tones.limit`) bends the sum instead
of clipping it. Without voice the beeps keep the levels they were designed with.
"""

from __future__ import annotations

import math
import operator
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache

from calfkit.errors import ExportError
from calfkit.export.chapters import Chapter, chapter_marks
from calfkit.player.clock import FakeClock
from calfkit.player.engine import Player
from calfkit.player.events import Event, EventKind
from calfkit.player.pace import LEAD_IN_SECONDS
from calfkit.sound import DEFAULT_SPOKEN
from calfkit.sound.cues import SoundCues, count_sound, countdown_spoken, counts_spoken
from calfkit.sound.plan import (
    CACHE_BYTES,
    Phrase,
    PhraseBook,
    PhraseKind,
    caution_text,
    make_plan,
    session_time,
    spoken_lead_in,
    texts_to_render,
)
from calfkit.sound.speech import DEFAULT_RATE_WPM, Voice
from calfkit.sound.tones import SAMPLE_RATE, Sound, limit, render
from calfkit.timeline import TickKind, Timeline

Progress = Callable[[int, int], None]
"""Told (done, total) as rendering goes on."""


@dataclass(frozen=True)
class Speak:
    """What ``--voice`` speaks with: a speech engine (:class:`~calfkit.sound.speech.Voice`)
    at ``wpm`` words a minute; ``what`` it says besides the cues (``--speak``); ``keep``: the
    most bytes of its speech held in memory at once."""

    voice: Voice
    wpm: int = DEFAULT_RATE_WPM
    what: frozenset[str] = DEFAULT_SPOKEN
    keep: int = CACHE_BYTES


TAIL_SECONDS = 1.0
"""Silence after the last sound ends, so no player clips it."""

CHUNK_SECONDS = 10.0
"""How much of the track is mixed at a time."""

LEVEL_RMS = 4500
"""The loudness every phrase and beep is brought to with voice on: RMS over its sounding part,
about -17 dBFS (the step chime is designed at about 10,000, espeak-ng's speech at 3,000-4,000)."""

PEAK_CEILING = 29_490
"""No phrase is raised past this peak (0.9 of full scale): alone, it is never clipped."""

LEVEL_WINDOW_SECONDS = 0.01
LEVEL_GATE = 0.01
"""Windows quieter than this fraction of the peak are pauses, left out of the loudness."""

PHRASE = "speech: "
"""What a placed phrase's ``what`` begins with."""


class _Recorder:
    """Keeps every event the player emits (a Sink)."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def handle(self, event: Event) -> None:
        self.events.append(event)

    def close(self) -> None:
        pass


Samples = Callable[[], "array[int]"]
"""Gives a placed sound's samples when the mixer reaches it."""


@dataclass(frozen=True)
class Placed:
    """One sound in the track: ``length`` samples starting at sample ``at``, given by
    ``source`` when the mixer reaches them (a track's speech is never all held at once);
    ``what`` names it (a :class:`Sound`'s value, or ``"speech: "`` and the text); ``step`` is
    the flat step whose event it answers (0 before the first)."""

    at: int
    length: int
    what: str
    source: Samples = field(repr=False, compare=False)
    step: int = 0

    @property
    def samples(self) -> array[int]:
        """The sound's samples (rendered again if they are no longer kept)."""
        return self.source()

    @property
    def end(self) -> int:
        return self.at + self.length

    @property
    def is_phrase(self) -> bool:
        return self.what.startswith(PHRASE)

    @property
    def text(self) -> str:
        return self.what.removeprefix(PHRASE)


def session_events(timeline: Timeline, *, lead_in: float = LEAD_IN_SECONDS) -> list[Event]:
    """The events a live session of ``timeline`` emits, with nobody touching a key."""
    recorder = _Recorder()
    Player(timeline, clock=FakeClock(), sinks=[recorder], lead_in=lead_in).run()
    return recorder.events


def _loudness(samples: array[int], rate: int) -> float:
    """RMS over the windows of ``samples`` that sound (louder than LEVEL_GATE of the peak)."""
    if not samples:
        return 0.0
    peak = max(max(samples), -min(samples))
    window = max(1, round(LEVEL_WINDOW_SECONDS * rate))
    gate = (LEVEL_GATE * peak) ** 2 * window
    energy = 0.0
    counted = 0
    for start in range(0, len(samples), window):
        part = samples[start : start + window]
        power = math.fsum(map(operator.mul, part, part))
        if power > gate * len(part) / window:
            energy += power
            counted += len(part)
    return math.sqrt(energy / counted) if counted else 0.0


def _scaled(samples: array[int], gain: float) -> array[int]:
    if gain == 1.0 or not samples:
        return samples
    if max(max(samples), -min(samples)) * gain <= 32767:
        # Nothing can clip (level_phrase's gains never let it): scaled by builtins alone, a
        # quarter of the time of a Python loop per sample (this was most of an export).
        return array("h", map(round, map(gain.__mul__, samples)))
    return array("h", [max(-32767, min(32767, round(value * gain))) for value in samples])


def level_phrase(samples: array[int], rate: int) -> array[int]:
    """``samples`` scaled to :data:`LEVEL_RMS`, but with its peak at most PEAK_CEILING."""
    loud = _loudness(samples, rate)
    if loud == 0.0:
        return samples
    peak = max(max(samples), -min(samples))
    return _scaled(samples, min(LEVEL_RMS / loud, PEAK_CEILING / peak))


def beep_gain(rate: int) -> float:
    """The one factor that brings the step chime to :data:`LEVEL_RMS`; every beep is scaled by
    it, so the beeps keep the relative levels they were designed with."""
    return LEVEL_RMS / _loudness(render(Sound.STEP, rate), rate)


@dataclass(frozen=True)
class Spoken:
    """A phrase of the speech plan at ``at`` seconds of the session."""

    at: float
    phrase: Phrase


@dataclass(frozen=True)
class SpeechTrack:
    """A session's speech, by the plan: its phrases in order, the lead-in they need, and the
    book that renders each one when the mixer reaches it."""

    lead_in: float
    spoken: tuple[Spoken, ...]
    book: PhraseBook
    lead_in_beeps: int | None = None  # the lead-in's last seconds that beep (None: all)
    what: frozenset[str] = DEFAULT_SPOKEN

    def counts(self) -> set[tuple[int, int]]:
        """(step, number) of every count said rather than beeped."""
        return {
            (s.phrase.step, s.phrase.number)
            for s in self.spoken
            if s.phrase.kind is PhraseKind.COUNT and s.phrase.number is not None
        }

    def countdowns(self) -> set[tuple[int, int]]:
        """(step, number) of every hold's countdown second said rather than beeped."""
        return {
            (s.phrase.step, s.phrase.number)
            for s in self.spoken
            if s.phrase.kind is PhraseKind.TIME and s.phrase.number is not None
        }


def speech_track(
    timeline: Timeline,
    speak: Speak,
    *,
    lead_in: float = LEAD_IN_SECONDS,
    progress: Progress | None = None,
) -> SpeechTrack:
    """The speech plan of a whole session (the plan live play follows), each phrase at the
    session time it is heard; OSError if the voice cannot render a phrase. ``progress`` is
    told (done, total) as the phrases are rendered."""
    book = PhraseBook(speak.voice, wpm=speak.wpm, budget=speak.keep)
    book.render_all(texts_to_render(timeline, speak=speak.what), progress=progress)
    if book.failure is not None:
        raise book.failure
    plan = make_plan(timeline, book, lead_in=lead_in, speak=speak.what)
    spoken = tuple(Spoken(session_time(plan, timeline, p), p) for p in plan.phrases)
    caution = timeline.routine.caution
    lead = spoken_lead_in(lead_in, book.seconds(caution_text(caution)) if caution else None)
    return SpeechTrack(plan.lead_in, spoken, book, lead.beeps, speak.what)


class _Levelled:
    """Each phrase's samples at the track's rate, levelled (:func:`level_phrase`), made when
    the mixer reaches it; the last few are kept (counts and sides say the same again soon)."""

    KEEP = 16

    def __init__(self, book: PhraseBook, rate: int, level: bool) -> None:
        self.book = book
        self.rate = rate
        self.level = level
        self._kept: OrderedDict[tuple[str, int], array[int]] = OrderedDict()

    def length(self, phrase: Phrase) -> int:
        from calfkit.sound.wav import resampled_length

        return resampled_length(self.book.frames(phrase.text, phrase.wpm), SAMPLE_RATE, self.rate)

    def source(self, phrase: Phrase) -> Samples:
        return lambda: self.samples(phrase)

    def samples(self, phrase: Phrase) -> array[int]:
        from calfkit.sound.wav import resample

        key = (phrase.text, phrase.wpm)
        found = self._kept.get(key)
        if found is not None:
            self._kept.move_to_end(key)
            return found
        try:
            samples = self.book.samples(phrase.text, phrase.wpm)
        except OSError as error:
            raise ExportError(f"voice: {error}") from None
        if self.rate != SAMPLE_RATE:
            samples = resample(samples, SAMPLE_RATE, self.rate)
        if self.level:
            samples = level_phrase(samples, self.rate)
        self._kept[key] = samples
        if len(self._kept) > self.KEEP:
            self._kept.popitem(last=False)
        return samples


def _beep(sound: Sound, rate: int, gain: float | None) -> Samples:
    """A beep's samples, scaled by ``gain`` if given (each beep is made once: cached)."""
    return lambda: _beep_samples(sound, rate, gain)


@cache
def _beep_samples(sound: Sound, rate: int, gain: float | None) -> array[int]:
    samples = render(sound, rate)
    return samples if gain is None else _scaled(samples, gain)


def phrases_to_place(
    events: list[Event], speech: SpeechTrack, *, rate: int = SAMPLE_RATE, level: bool = False
) -> list[Placed]:
    """Every phrase of the plan (and a beep for each count it could not say), at its sample;
    ``level``: each phrase and beep brought to one loudness. ``events`` are the session's,
    played with ``speech.lead_in``."""
    phrases = _Levelled(speech.book, rate, level)
    gain = beep_gain(rate) if level else None
    placed: list[Placed] = []
    for spoken in speech.spoken:
        phrase = spoken.phrase
        at = round(spoken.at * rate)
        text = PHRASE + phrase.text
        placed.append(Placed(at, phrases.length(phrase), text, phrases.source(phrase), phrase.step))
    said = (speech.counts(), speech.countdowns())
    for event in events:
        beep = _unsaid_beep(event, speech.what, *said)
        if beep is not None:
            placed.append(Placed(round(event.scheduled * rate), len(render(beep, rate)),
                                 beep.value, _beep(beep, rate, gain), event.step))  # fmt: skip
    return placed


def _unsaid_beep(
    event: Event,
    what: frozenset[str],
    counts: set[tuple[int, int]],
    countdowns: set[tuple[int, int]],
) -> Sound | None:
    """The beep for a count or countdown second left to speech that the plan could not say."""
    segment = event.segment
    if event.number is None or segment is None:
        return None
    if event.kind is EventKind.COUNT and "counts" in what:
        unsaid = (event.step, event.number) not in counts
        if event.number > 1 and counts_spoken(segment) and unsaid:
            return count_sound(event)
    elif event.kind is EventKind.COUNTDOWN and "time" in what:
        offset = next(
            (t.offset for t in segment.ticks if t.kind is TickKind.COUNTDOWN
             and t.number == event.number),
            0.0,
        )  # fmt: skip
        unsaid = (event.step, event.number) not in countdowns
        if countdown_spoken(segment, event.number, offset) and unsaid:
            return Sound.COUNTDOWN
    return None


def place_sounds(
    events: list[Event],
    *,
    rate: int = SAMPLE_RATE,
    speech: SpeechTrack | None = None,
    lead_in_beeps: int | None = None,
    progress: Progress | None = None,
) -> list[Placed]:
    """Every sound (and, given ``speech``, every phrase, levelled) of a session, at its sample,
    in order. ``lead_in_beeps``: beep only the lead-in's last N seconds (a caution is spoken
    over the rest)."""
    cues = SoundCues(
        speak_counts=speech is not None and "counts" in speech.what,
        speak_time=speech is not None and "time" in speech.what,
        lead_in_beeps=lead_in_beeps,
    )
    gain = beep_gain(rate) if speech is not None else None
    lengths: dict[Sound, int] = {}
    placed: list[Placed] = []
    for done, event in enumerate(events, 1):
        sound = cues.sound_for(event)
        if sound is not None:
            if sound not in lengths:
                lengths[sound] = len(render(sound, rate))
            placed.append(Placed(round(event.scheduled * rate), lengths[sound], sound.value,
                                 _beep(sound, rate, gain), event.step))  # fmt: skip
        if progress is not None:
            progress(done, len(events))
    if speech is not None:
        placed.extend(phrases_to_place(events, speech, rate=rate, level=True))
    return sorted(placed, key=lambda p: p.at)


@dataclass(frozen=True)
class Render:
    """A whole session, ready to write: its events, sounds, chapters and length in samples."""

    timeline: Timeline
    rate: int
    events: tuple[Event, ...]
    placed: tuple[Placed, ...]
    chapters: tuple[Chapter, ...]
    length: int

    @property
    def seconds(self) -> float:
        return self.length / self.rate

    @property
    def phrases(self) -> int:
        return sum(1 for p in self.placed if p.is_phrase)

    @property
    def sounds(self) -> int:
        return len(self.placed) - self.phrases

    def chunks(self, progress: Progress | None = None) -> Iterator[array[int]]:
        """The mixed track, :data:`CHUNK_SECONDS` at a time, in order."""
        return mix(list(self.placed), self.length, rate=self.rate, progress=progress)


def render_session(
    timeline: Timeline,
    *,
    lead_in: float = LEAD_IN_SECONDS,
    speak: Speak | None = None,
    rate: int = SAMPLE_RATE,
    sound: bool = True,
    progress: Progress | None = None,
    voice_progress: Progress | None = None,
) -> Render:
    """Run ``timeline``'s session offline. ``sound=False`` (a workout file) places nothing.

    With ``speak``, the lead-in is as long as the spoken caution needs (``lead_in`` is the
    countdown after it), and ``voice_progress`` is told how rendering the phrases goes;
    ExportError if the voice cannot render a phrase. The phrases' samples are rendered
    again as the track is mixed if they were not kept (:class:`~calfkit.sound.plan.PhraseBook`
    keeps a bounded amount), so no length of routine needs more memory than another."""
    speech: SpeechTrack | None = None
    beeps: int | None = None
    if speak is not None and sound:
        try:
            speech = speech_track(timeline, speak, lead_in=lead_in, progress=voice_progress)
        except OSError as error:
            raise ExportError(f"voice: {error}") from None
        beeps = speech.lead_in_beeps
        lead_in = speech.lead_in
    events = session_events(timeline, lead_in=lead_in)
    placed = (
        place_sounds(events, rate=rate, speech=speech, lead_in_beeps=beeps, progress=progress)
        if sound
        else []
    )
    finish = events[-1].scheduled if events else 0.0
    length = max([round((finish + TAIL_SECONDS) * rate), *(p.end for p in placed)])
    return Render(
        timeline=timeline,
        rate=rate,
        events=tuple(events),
        placed=tuple(placed),
        chapters=tuple(chapter_marks(events, rate, length)),
        length=length,
    )


def mix(
    placed: list[Placed],
    length: int,
    *,
    rate: int = SAMPLE_RATE,
    progress: Progress | None = None,
) -> Iterator[array[int]]:
    """``placed`` (sorted by start) mixed into a ``length``-sample track, a chunk at a time.

    Where sounds overlap, their sum goes through the soft limiter; elsewhere samples are
    copied as they are. Each sound's samples are asked for when the mix reaches it and let go
    once it has passed, so memory stays the same however long the track.
    """
    chunk = round(CHUNK_SECONDS * rate)
    chunks = max(1, -(-length // chunk))
    first = 0  # placed[:first] all end before the chunk being mixed
    sounding: dict[int, array[int]] = {}  # by index: sounds begun and not yet over
    for index in range(chunks):
        start = index * chunk
        stop = min(length, start + chunk)
        samples = array("h", bytes(2 * (stop - start)))
        written = start  # end of what is in ``samples`` so far (sounds come sorted)
        while first < len(placed) and placed[first].end <= start:
            first += 1
        for k in [k for k in sounding if placed[k].end <= start]:
            del sounding[k]
        for k in range(first, len(placed)):
            sound = placed[k]
            if sound.at >= stop:
                break
            lo = max(sound.at, start)
            hi = min(sound.end, stop)
            if hi <= lo:
                continue
            whole = sounding.get(k)
            if whole is None:
                whole = sounding[k] = _exactly(sound)
            part = whole[lo - sound.at : hi - sound.at]
            if lo >= written:
                samples[lo - start : hi - start] = part  # on silence: no mixing needed
            else:
                for i, value in enumerate(part, lo - start):
                    samples[i] = limit(samples[i] + value)
            written = max(written, hi)
        yield samples
        if progress is not None:
            progress(index + 1, chunks)


def _exactly(sound: Placed) -> array[int]:
    """``sound``'s samples, exactly as long as it was placed for (a mix never shifts)."""
    samples = sound.samples
    if len(samples) != sound.length:
        raise ValueError(f"{sound.what!r} is {len(samples)} samples, placed as {sound.length}")
    return samples
