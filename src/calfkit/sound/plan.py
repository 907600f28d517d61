"""The speech plan: every phrase of a session placed before the first step, from its exact
spoken length.

Live play (:class:`calfkit.sinks.speech.SpeechSink`) and ``export --voice``
(:mod:`calfkit.export.render`) both say what the plan says, when it says it. The rules:

- Each step's cue starts no later than :data:`CUE_LATE_SECONDS` after its step begins (after
  the step's chime), is heard whole, and no two phrases overlap.
- When a cue does not fit before the next step's cue, room is made in this order: its
  preview is dropped; it starts earlier, in the quiet tail of the step before (a rest, a
  ``do``/``prepare`` step, a hold or a side switch, after that step's own phrases; never over
  a count or a breath, never in a step that waits for Enter); it is spoken faster, up to
  :data:`MAX_SPEEDUP` times the rate. A step's cue is never dropped, only cut or dropped by a
  key (skip, back, Enter, quit, mute).
- At ``--speed`` other than 1 (the book's ``speed``), every phrase is rendered at the rate the
  speed needs, up to :data:`MAX_RATE_FACTOR` times the rate asked for (:func:`speed_wpm`), and
  lengths are routine seconds. Then no phrase is heard once the next step has begun, and a cue
  that cannot begin by :data:`CUE_LATE_SECONDS` after its step and end before the next one, even
  at the bound, is left out (in ``dropped``), as is anything else that does not fit.
- Priority when time is short: caution > step cue > side switch > spoken count > time left >
  preview > note. A count (or a countdown number) that does not fit is beeped. Time left, the
  preview and the note are said only in their step's own free time, never over a cue: the
  next step's cue, when it must start early, takes the room they had (they are dropped).
- What is said besides the cues is chosen (``speak``, from ``--speak``): ``notes`` (a step's
  note, once for a run of steps that show the same one), ``time`` (in a hold: "Halfway." from
  30 s, "Ten seconds." from 20 s, and "Three", "Two", "One" on its last countdown seconds),
  ``counts`` (of counts at least 1.5 s apart) and ``previews``.
- The routine's caution is spoken first, in the lead-in, which lasts as long as it needs; an
  included routine's caution is spoken when its part begins (in the quiet before it if it
  fits there, else right after its first cue).
- A preview is the whole next cue ("Next: …"), or "Last step.", or nothing.

Times inside the planner are routine offsets (a segment's ``start``); each :class:`Phrase`
is then given relative to the step it begins in (its ``host``), so that whoever plays it can
anchor it on that step's real start.
"""

from __future__ import annotations

import math
import threading
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import Enum

from calfkit.player.pace import LEAD_IN_SECONDS
from calfkit.sound import DEFAULT_SPOKEN
from calfkit.sound.cues import countdown_spoken, counts_spoken
from calfkit.sound.speech import DEFAULT_RATE_WPM, Voice
from calfkit.sound.tones import SAMPLE_RATE, Sound, seconds
from calfkit.timeline import Segment, SegmentKind, TickKind, Timeline
from calfkit.words import speaking_seconds, with_sentence

CUE_LATE_SECONDS = 0.5
"""A step's cue begins at most this long after its step does."""

MAX_SPEEDUP = 1.25
"""The most a cue is sped up to fit (1.25 = 25 % more words a minute): still clear."""

MAX_RATE_FACTOR = 2.5
"""At ``--speed`` other than 1, the most the voice's rate is raised: 2.5 times the rate asked
for (``--voice-rate``; 170 words a minute gives at most 425). Phrases that still do not fit are
left out (and logged), never said late."""


def speed_wpm(wpm: int, speed: float) -> int:
    """The rate phrases are rendered at when the session plays ``speed`` times faster: ``wpm``
    times the speed (never slower than ``wpm``), up to :data:`MAX_RATE_FACTOR` times ``wpm``."""
    return min(math.ceil(wpm * max(1.0, speed)), math.ceil(wpm * MAX_RATE_FACTOR))


GAP_SECONDS = 0.1
"""Silence kept between two phrases."""

AFTER_CHIME_SECONDS = 0.05
"""A cue begins this long after the chime marking its step has finished."""

CAUTION_AT_SECONDS = 0.3
"""The caution begins this far into the lead-in."""

AFTER_CAUTION_SECONDS = 1.0
"""The least quiet between the caution's end and the first step: after the caution comes
the lead-in's countdown as asked for (``--lead-in``), at least this long."""

END_PHRASE = "That is the end of the routine. Well done."
LAST_STEP_PREVIEW = "Last step."

QUIET_KINDS = frozenset(
    {SegmentKind.REST, SegmentKind.DO, SegmentKind.PREPARE, SegmentKind.HOLD, SegmentKind.SWITCH}
)
"""Steps whose tail (after their own phrases) may carry the next step's cue."""


class PhraseKind(str, Enum):
    CAUTION = "caution"
    CUE = "cue"
    SWITCH = "switch"
    COUNT = "count"
    TIME = "time"
    PREVIEW = "preview"
    NOTE = "note"
    END = "end"


@dataclass(frozen=True)
class Phrase:
    """One phrase of the plan.

    ``step``: the flat step it belongs to (0: the routine's caution), ``top`` that step's
    top-level step (0 for the caution). ``host``: the flat step
    it begins in (0: the lead-in; one past the last step: after the end). ``at``: seconds
    after its host began (the lead-in begins at 0). ``speed``: 1.0, or how much it was sped up.
    """

    text: str
    kind: PhraseKind
    step: int
    host: int
    at: float
    seconds: float
    wpm: int
    speed: float = 1.0
    number: int | None = None  # a count's number, or a countdown's ("Three": 3)
    top: int = 0


@dataclass
class SpeechPlan:
    """The phrases of a session from step ``first`` on, in order; what was left out."""

    phrases: list[Phrase]
    lead_in: float  # seconds the lead-in lasts (at least what was asked for)
    first: int  # the flat step the plan begins at
    dropped: list[tuple[PhraseKind, int, str]] = field(default_factory=list)

    def hosted(self, host: int) -> list[Phrase]:
        return [phrase for phrase in self.phrases if phrase.host == host]

    def said_ticks(self) -> set[tuple[int, PhraseKind, int]]:
        """(step, COUNT or TIME, number) of every count and countdown second said, not beeped."""
        return {
            (p.step, p.kind, p.number)
            for p in self.phrases
            if p.kind in (PhraseKind.COUNT, PhraseKind.TIME) and p.number is not None
        }


CACHE_BYTES = 48 * 1024 * 1024
"""The most a :class:`PhraseBook` keeps of rendered speech (about 9 minutes of it at
44.1 kHz): a phrase past that is rendered again when it is needed, so the memory speech takes
does not grow with the routine."""


class PhraseBook:
    """Every phrase's exact length, and its samples on demand, from a
    :class:`~calfkit.sound.speech.Voice`; thread-safe, whichever engine renders.

    Lengths are kept for every phrase ever rendered (a few bytes each). Samples are kept in a
    cache of at most ``budget`` bytes: identical phrases are rendered once while they fit, and
    one that was dropped is rendered again, cut or padded to the length the plan was made
    from, so an engine that varies from one render to the next cannot move anything.
    :meth:`render_all` renders a list in the background (for the lead-in), telling its
    progress and stopping early when :meth:`cancel` is called; lengths asked for before then
    are rendered on demand.

    ``speed``: how many times faster than written the session plays. Phrases are then rendered
    at :func:`speed_wpm` (``wpm`` is that rate, ``base_wpm`` the one asked for, ``max_wpm`` the
    bound) and :meth:`seconds` gives their length in routine seconds (clock seconds times the
    speed), the time the plan works in.
    """

    def __init__(
        self,
        voice: Voice,
        *,
        wpm: int = DEFAULT_RATE_WPM,
        speed: float = 1.0,
        budget: int = CACHE_BYTES,
    ) -> None:
        self.voice = voice
        self.speed = speed
        self.base_wpm = wpm
        self.max_wpm = wpm if speed == 1.0 else math.ceil(wpm * MAX_RATE_FACTOR)
        self.wpm = wpm if speed == 1.0 else speed_wpm(wpm, speed)
        self.budget = budget
        self._lengths: dict[tuple[str, int], tuple[int, int]] = {}  # frames, rate
        self._cache: OrderedDict[tuple[str, str, int], array[int]] = OrderedDict()
        self._cached_bytes = 0
        self._lock = threading.Lock()
        self._cancelled = threading.Event()
        self.failure: OSError | None = None
        self.renders = 0  # how many times the voice was asked (for bench/voice.py)

    # -- the bounded cache -------------------------------------------------------------

    def _get(self, key: tuple[str, str, int]) -> array[int] | None:
        with self._lock:
            found = self._cache.get(key)
            if found is not None:
                self._cache.move_to_end(key)
            return found

    def _put(self, key: tuple[str, str, int], samples: array[int], *, evict: bool) -> None:
        size = len(samples) * samples.itemsize
        with self._lock:
            if key in self._cache or size > self.budget:
                return
            if evict:
                while self._cached_bytes + size > self.budget and self._cache:
                    _, old = self._cache.popitem(last=False)
                    self._cached_bytes -= len(old) * old.itemsize
            if self._cached_bytes + size <= self.budget:
                self._cache[key] = samples
                self._cached_bytes += size

    @property
    def cached_bytes(self) -> int:
        """How many bytes of samples the cache holds now (never more than ``budget``)."""
        return self._cached_bytes

    # -- rendering ---------------------------------------------------------------------

    def _render(self, text: str, wpm: int, *, evict: bool) -> tuple[array[int], int]:
        """The phrase as the voice renders it (from the cache if it is there)."""
        key = (text, wpm)
        with self._lock:
            known = self._lengths.get(key)
        if known is not None:
            cached = self._get(("voice", text, wpm))
            if cached is not None:
                return cached, known[1]
        samples, rate = self.voice.render(text, wpm)
        self.renders += 1
        if known is None:
            with self._lock:
                known = self._lengths.setdefault(key, (len(samples), rate))
        frames, first_rate = known
        if rate != first_rate:
            from calfkit.sound.wav import resample

            samples = resample(samples, rate, first_rate)
        samples = fitted(samples, frames)
        self._put(("voice", text, wpm), samples, evict=evict)
        return samples, first_rate

    def samples(self, text: str, wpm: int | None = None) -> array[int]:
        """The phrase at ``SAMPLE_RATE``, ready to play: exactly :meth:`frames` long."""
        from calfkit.sound.wav import resample

        wpm = wpm or self.wpm
        ready = self._get(("ready", text, wpm))
        if ready is None:
            samples, rate = self._render(text, wpm, evict=True)
            ready = fitted(resample(samples, rate, SAMPLE_RATE), self.frames(text, wpm))
            self._put(("ready", text, wpm), ready, evict=True)
        return ready

    def frames(self, text: str, wpm: int | None = None) -> int:
        """How many samples :meth:`samples` gives for the phrase (rendered if need be)."""
        from calfkit.sound.wav import resampled_length

        frames, rate = self._length(text, wpm or self.wpm)
        return resampled_length(frames, rate, SAMPLE_RATE)

    def _length(self, text: str, wpm: int) -> tuple[int, int]:
        with self._lock:
            known = self._lengths.get((text, wpm))
        if known is None:
            self._render(text, wpm, evict=False)  # kept only while there is room
            with self._lock:
                known = self._lengths[(text, wpm)]
        return known

    def seconds(self, text: str, wpm: int | None = None) -> float:
        """The phrase's exact spoken length in routine seconds (rendered, not yet converted,
        if need be): its clock length times the speed."""
        frames, rate = self._length(text, wpm or self.wpm)
        return frames / rate * self.speed

    def known(self, text: str, wpm: int | None = None) -> bool:
        """Whether the phrase's length is known (it has been rendered once)."""
        with self._lock:
            return (text, wpm or self.wpm) in self._lengths

    def render_all(
        self, texts: Iterable[str], *, progress: Callable[[int, int], None] | None = None
    ) -> None:
        """Render ``texts`` (at the normal rate), telling ``progress`` (done, total) after
        each; the first failure is kept in ``failure``. Stops early once cancelled."""
        texts = list(texts)
        for done, text in enumerate(texts, 1):
            if self._cancelled.is_set():
                return
            try:
                self.seconds(text)
            except OSError as error:
                if not self._cancelled.is_set():  # a render cut short by cancelling is not one
                    self.failure = error
                return
            if progress is not None:
                progress(done, len(texts))

    def cancel(self) -> None:
        """Stop :meth:`render_all` after the phrase it is rendering."""
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()


def fitted(samples: array[int], frames: int) -> array[int]:
    """``samples`` cut or padded with silence to exactly ``frames``."""
    if len(samples) == frames:
        return samples
    if len(samples) > frames:
        return samples[:frames]
    return samples + array(samples.typecode, bytes(samples.itemsize * (frames - len(samples))))


def caution_lead_in(asked: float, caution_seconds: float) -> float:
    """The lead-in a spoken caution needs: the caution, then the countdown asked for (at
    least :data:`AFTER_CAUTION_SECONDS` of it)."""
    return CAUTION_AT_SECONDS + caution_seconds + max(AFTER_CAUTION_SECONDS, asked)


@dataclass(frozen=True)
class LeadIn:
    """The lead-in a session with voice plays: ``seconds`` long, and beeping only its last
    ``beeps`` seconds, the countdown asked for, where a spoken caution fills what comes before
    (None: every second beeps). Live play and export both take it from :func:`spoken_lead_in`."""

    seconds: float
    beeps: int | None = None


def spoken_lead_in(asked: float, caution_seconds: float | None) -> LeadIn:
    """The lead-in for ``asked`` seconds of countdown, after a caution that takes
    ``caution_seconds`` to say (None: no caution is said)."""
    if caution_seconds is None:
        return LeadIn(asked)
    return LeadIn(caution_lead_in(asked, caution_seconds), math.ceil(asked))


def sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if not text or text[-1] in ".!?" else text + "."


def cue_text(segment: Segment) -> str:
    """The cue as said at its step: its text, and what the medium adds after it."""
    if segment.said_after:
        return with_sentence(sentence(segment.text), segment.said_after)
    return sentence(segment.text)


def preview_text(following: Segment | None) -> str:
    """A preview says what the next step asks, not how it waits ("Next: Lie down.")."""
    return LAST_STEP_PREVIEW if following is None else f"Next: {sentence(following.text)}"


def caution_text(caution: str) -> str:
    return f"Caution: {sentence(caution)}"


def count_text(number: int) -> str:
    return str(number)


HALFWAY = "Halfway."
TEN_SECONDS = "Ten seconds."
HALFWAY_MIN_SECONDS = 30.0
"""A hold this long or longer hears "Halfway." at its middle."""
TEN_SECONDS_MIN_SECONDS = 20.0
"""A hold this long or longer hears "Ten seconds." ten seconds before it ends."""
COUNTDOWN_WORDS = {3: "Three", 2: "Two", 1: "One"}
"""The last countdown seconds of a hold, said instead of beeped (``time``)."""


def note_text(note: str) -> str:
    return sentence(note)


def time_phrases(segment: Segment) -> list[tuple[float, str, int | None]]:
    """(offset, text, countdown number) of the time-left phrases of a hold, in order."""
    if segment.kind is not SegmentKind.HOLD or segment.until_ready:
        return []
    length = segment.duration
    found: list[tuple[float, str, int | None]] = []
    if length >= HALFWAY_MIN_SECONDS:
        found.append((length / 2, HALFWAY, None))
    if length >= TEN_SECONDS_MIN_SECONDS:
        found.append((length - 10.0, TEN_SECONDS, None))
    for tick in segment.ticks:
        if tick.kind is TickKind.COUNTDOWN and countdown_spoken(segment, tick.number, tick.offset):
            found.append((tick.offset, COUNTDOWN_WORDS[tick.number], tick.number))
    return sorted(found, key=lambda item: item[0])


def new_note(segments: tuple[Segment, ...], position: int, first: int) -> str | None:
    """The note said with a step: its own, unless the step before (in this plan) showed the
    same one (a block's note is said once, on the block's first step)."""
    segment = segments[position]
    if not segment.note or not segment.note.strip():
        return None
    if position > first and segments[position - 1].note == segment.note:
        return None
    return note_text(segment.note)


def following(segments: tuple[Segment, ...], position: int) -> Segment | None:
    """The next step a preview speaks of (a side switch announces itself, so it is passed)."""
    for candidate in segments[position + 1 :]:
        if candidate.kind is not SegmentKind.SWITCH:
            return candidate
    return None


START_SLACK_SECONDS = 0.05
"""Clock seconds a sound device may take to start a phrase after its moment (up to 33 ms was
seen through ALSA on a busy 2-core machine)."""


def chime_wait_most(speed: float) -> float:
    """Played ``speed`` times faster, a step's chime lasts longer in routine time; its cue
    waits for it at most this long (routine seconds), so that it still begins within
    :data:`CUE_LATE_SECONDS` when the device takes :data:`START_SLACK_SECONDS` of the clock
    to start it: 0.4 s at ``--speed 2``, 0.3 s at 4. A chime's tail may then sound under the
    cue's first syllable: of a step's 0.23 s chime 0.03 s at ``--speed 2`` and 0.16 s at 4;
    of a rest's 0.40 s chime 0.2 s at 2 and 0.33 s at 4."""
    return max(0.0, CUE_LATE_SECONDS - START_SLACK_SECONDS * speed)


def chime_after(segment: Segment | None, chimes: bool, speed: float = 1.0) -> float:
    """How long after its moment (in routine seconds, the session played ``speed`` times
    faster) a phrase waits for the chime marking it."""
    if not chimes:
        return 0.0
    if segment is None:
        sound = Sound.END
    elif segment.kind is SegmentKind.SWITCH:
        sound = Sound.SWITCH
    elif segment.kind is SegmentKind.REST:
        sound = Sound.REST
    else:
        sound = Sound.STEP
    wait = (seconds(sound) + AFTER_CHIME_SECONDS) * speed
    if segment is not None and speed != 1.0:
        return min(wait, chime_wait_most(speed))
    return wait


def spoken_counts(segment: Segment) -> list[tuple[float, int]]:
    """(offset, number) of a count step's counts that may be spoken (not the first: the
    step's chime marks it)."""
    if not counts_spoken(segment):
        return []
    return [
        (tick.offset, tick.number)
        for tick in segment.ticks
        if tick.kind is TickKind.COUNT and tick.number > 1
    ]


def texts_to_render(
    timeline: Timeline, *, caution: bool = True, speak: frozenset[str] = DEFAULT_SPOKEN
) -> list[str]:
    """Every phrase a plan of ``timeline`` may need at the normal rate, in playing order."""
    segments = timeline.segments
    texts: list[str] = []
    if caution and timeline.routine.caution:
        texts.append(caution_text(timeline.routine.caution))
    for position, segment in enumerate(segments):
        if segment.caution:
            texts.append(caution_text(segment.caution))
        texts.append(cue_text(segment))
        if "counts" in speak:
            texts.extend(count_text(number) for _, number in spoken_counts(segment))
        if "time" in speak:
            texts.extend(text for _, text, _ in time_phrases(segment))
        if "previews" in speak:
            texts.append(preview_text(following(segments, position)))
        if "notes" in speak and segment.note and segment.note.strip():
            texts.append(note_text(segment.note))
    texts.append(END_PHRASE)
    return list(dict.fromkeys(texts))


@dataclass
class _Slot:
    text: str
    kind: PhraseKind
    step: int
    start: float
    seconds: float
    wpm: int
    speed: float = 1.0
    number: int | None = None

    @property
    def end(self) -> float:
        return self.start + self.seconds

    def clashes(self, start: float, end: float) -> bool:
        """Whether it overlaps ``start``..``end`` or comes within GAP_SECONDS of it."""
        return self.start < end + GAP_SECONDS and start < self.end + GAP_SECONDS


def _fit(length: float, low: float, high: float, taken: list[_Slot]) -> float | None:
    """The earliest start from ``low`` for a phrase of ``length`` that ends by ``high`` and
    keeps GAP_SECONDS from every slot in ``taken``; None if there is none."""
    for begin in sorted({low, *(t.end + GAP_SECONDS for t in taken if t.end + GAP_SECONDS > low)}):
        if begin + length > high:
            return None
        if not any(t.clashes(begin, begin + length) for t in taken):
            return begin
    return None


@dataclass
class _Planner:
    """What :func:`make_plan` keeps while it walks the steps."""

    book: PhraseBook
    speak: frozenset[str]
    slots: list[_Slot] = field(default_factory=list)
    dropped: list[tuple[PhraseKind, int, str]] = field(default_factory=list)
    hard_free: float = -math.inf  # where the last phrase that must stay ends
    # The step before's phrases that yield to this step's cue: its preview (dropped whenever
    # the cue starts early), its time left and note (dropped where the cue needs their room).
    preview_before: _Slot | None = None
    soft_before: list[_Slot] = field(default_factory=list)

    def place(self, slot: _Slot) -> _Slot:
        self.slots.append(slot)
        self.hard_free = max(self.hard_free, slot.end)
        return slot

    def drop(self, slot: _Slot) -> None:
        self.slots.remove(slot)
        self.dropped.append((slot.kind, slot.step, slot.text))

    def make_room(self, start: float, end: float) -> None:
        """The step before's preview goes, and whichever of its soft phrases are in the way."""
        if self.preview_before is not None:
            self.drop(self.preview_before)
            self.preview_before = None
        for slot in [s for s in self.soft_before if s.clashes(start, end)]:
            self.soft_before.remove(slot)
            self.drop(slot)


def make_plan(
    timeline: Timeline,
    book: PhraseBook,
    *,
    first: int = 1,
    lead_in: float | None = LEAD_IN_SECONDS,
    chimes: bool = True,
    speak_counts: bool = True,
    speak: frozenset[str] = DEFAULT_SPOKEN,
) -> SpeechPlan:
    """Place every phrase of ``timeline`` from flat step ``first`` on.

    ``lead_in``: the lead-in asked for (the caution makes it longer if need be); None when
    playing resumes at ``first`` without one (after a skip, back or extension), which also
    leaves the caution out. ``speak``: what is said besides the cues (``--speak``); counts
    only with ``speak_counts`` too. Raises OSError when the voice cannot render a phrase.
    """
    segments = timeline.segments
    start_at = first - 1
    if start_at >= len(segments):
        return SpeechPlan([], lead_in or 0.0, first)
    if not speak_counts:
        speak = speak - {"counts"}
    plan = _Planner(book, speak)
    base = segments[start_at].start
    quiet_from: float | None = None  # the step before's quiet tail begins here (None: none)

    lead = 0.0 if lead_in is None else lead_in
    if lead_in is not None and timeline.routine.caution:
        text = caution_text(timeline.routine.caution)
        length = book.seconds(text)
        lead = caution_lead_in(lead, length)
        start = base - lead + CAUTION_AT_SECONDS
        plan.place(_Slot(text, PhraseKind.CAUTION, 0, start, length, book.wpm))
    if lead_in is not None:
        quiet_from = max(plan.hard_free, base - lead)

    for position in range(start_at, len(segments)):
        segment = segments[position]
        if position + 1 < len(segments):
            after_next = segments[position + 1].start + chime_after(
                segments[position + 1], chimes, book.speed
            )
            limit = segments[position + 1].start + CUE_LATE_SECONDS
        else:
            after_next = segment.end + chime_after(None, chimes, book.speed)
            limit = segment.end + CUE_LATE_SECONDS
        if book.speed != 1.0:
            # Sped up, nothing of a step is heard once the next step has begun.
            limit = after_next = segment.end
        _place_cue(plan, segment, quiet_from, limit, after_next, chimes)
        plan.soft_before = _place_extras(plan, segments, position, start_at, after_next)
        quiet = segment.kind in QUIET_KINDS and not segment.until_ready
        quiet_from = plan.hard_free if quiet else None

    last = segments[-1]
    text = END_PHRASE
    length = book.seconds(text)
    begin = max(plan.hard_free + GAP_SECONDS, last.end + chime_after(None, chimes, book.speed))
    plan.slots.append(_Slot(text, PhraseKind.END, last.index, begin, length, book.wpm))

    plan.slots.sort(key=lambda s: s.start)
    phrases = [_hosted(slot, segments, start_at, base - lead) for slot in plan.slots]
    return SpeechPlan(phrases, lead, start_at + 1, plan.dropped)


def _place_cue(
    plan: _Planner,
    segment: Segment,
    quiet_from: float | None,
    limit: float,
    after_next: float,
    chimes: bool,
) -> None:
    """A step's cue (and an included routine's caution): at its moment, else earlier in the
    quiet tail before, else faster; never dropped."""
    book, wpm, step = plan.book, plan.book.wpm, segment.index
    natural = segment.start + chime_after(segment, chimes, book.speed)
    free = max(plan.hard_free + GAP_SECONDS, natural)
    # Earliest a phrase of this step may begin in the step before's quiet tail.
    early = None if quiet_from is None else max(quiet_from, plan.hard_free + GAP_SECONDS)

    # An included routine's caution: in the quiet before its part if it fits, else after
    # the part's first cue (it outranks the cue, so neither is dropped).
    caution_after: str | None = None
    if segment.caution:
        text = caution_text(segment.caution)
        length = book.seconds(text)
        begin = natural - GAP_SECONDS - length
        if early is not None and begin >= early:
            plan.make_room(begin, begin + length)
            plan.place(_Slot(text, PhraseKind.CAUTION, step, begin, length, wpm))
            early = None
        else:
            caution_after = text

    kind = PhraseKind.SWITCH if segment.kind is SegmentKind.SWITCH else PhraseKind.CUE
    text = cue_text(segment)
    length = book.seconds(text)
    reserve = 0.0
    if caution_after is not None:
        reserve = GAP_SECONDS + book.seconds(caution_after)
    need = length + reserve
    cue: _Slot | None
    if free + need <= limit:
        cue = plan.place(_Slot(text, kind, step, free, length, wpm))
    elif book.speed != 1.0:
        cue = _place_sped_up(plan, segment, kind, free, early, limit, reserve)
    else:
        earlier: float | None = None
        if early is not None:
            # Start earlier, ending where the next cue would begin if it can.
            earlier = max(early, min(natural, after_next - GAP_SECONDS - need))
            if earlier + need > limit:
                earlier = None
        if earlier is not None:
            plan.make_room(earlier, earlier + need)
            cue = plan.place(_Slot(text, kind, step, earlier, length, wpm))
        else:
            # Faster, from the earliest moment it may begin.
            fast_start = free
            if early is not None and early < free:
                fast_start = early
            room = limit - fast_start - reserve
            factor = MAX_SPEEDUP if room <= 0 else min(MAX_SPEEDUP, need / room)
            faster = min(math.ceil(wpm * factor), math.ceil(wpm * MAX_SPEEDUP))
            fast_length = book.seconds(text, faster)
            if fast_length >= length:  # the engine could not go faster: keep its best
                faster, fast_length = wpm, length
            if fast_start < free:
                plan.make_room(fast_start, fast_start + fast_length + reserve)
            cue = plan.place(
                _Slot(text, kind, step, fast_start, fast_length, faster, speed=faster / wpm)
            )
    plan.preview_before = None
    plan.soft_before = []
    if caution_after is not None:
        length = book.seconds(caution_after)
        begin = (natural if cue is None else cue.end) + GAP_SECONDS
        if book.speed != 1.0 and begin + length > limit:
            plan.dropped.append((PhraseKind.CAUTION, step, caution_after))
        else:
            plan.place(_Slot(caution_after, PhraseKind.CAUTION, step, begin, length, wpm))


def _place_sped_up(
    plan: _Planner,
    segment: Segment,
    kind: PhraseKind,
    free: float,
    early: float | None,
    limit: float,
    reserve: float,
) -> _Slot | None:
    """A cue when the session plays sped up and it does not fit at the plan's rate: faster,
    up to the book's bound, from the earliest moment it may begin (in the quiet tail of the
    step before, else by :data:`CUE_LATE_SECONDS` after its step); left out (None, and noted
    in ``dropped``) if it would still begin later or be heard once the next step begins."""
    book, step, text = plan.book, segment.index, cue_text(segment)
    begin = free if early is None else min(early, free)
    fastest = max(book.wpm, book.max_wpm)
    length = book.seconds(text, fastest)
    room = limit - begin - reserve
    if begin > segment.start + CUE_LATE_SECONDS + 1e-9 or length > room + 1e-9:
        plan.dropped.append((kind, step, text))
        return None
    # The slowest rate between the plan's and the bound that fits (a few renders at most).
    rate = fastest
    for candidate in range(book.wpm, fastest, max(1, (fastest - book.wpm) // 4)):
        candidate_length = book.seconds(text, candidate)
        if candidate_length <= room:
            rate, length = candidate, candidate_length
            break
    if begin < free:
        plan.make_room(begin, begin + length + reserve)
    return plan.place(_Slot(text, kind, step, begin, length, rate, speed=rate / book.wpm))


def _place_extras(
    plan: _Planner,
    segments: tuple[Segment, ...],
    position: int,
    start_at: int,
    after_next: float,
) -> list[_Slot]:
    """A step's counts (kept: the next cue never goes over them), then its time left, preview
    and note, by priority, each whole in the step's own free time; returns the ones that
    yield to the next step's cue (time left, note)."""
    segment = segments[position]
    said_end = plan.hard_free
    high = after_next - GAP_SECONDS
    taken = _place_counts(plan, segment, high)
    soft = _place_time_left(plan, segment, said_end, high, taken)
    low = said_end + GAP_SECONDS
    if plan.book.speed != 1.0:
        low = max(low, segment.start)  # its cue may have been left out: not before its step
    soft += _place_preview_and_note(plan, segments, position, start_at, low, high, taken)
    return soft


def _place_counts(plan: _Planner, segment: Segment, high: float) -> list[_Slot]:
    """Counts: each at its moment if speech is free for it, else beeped."""
    book, step = plan.book, segment.index
    taken: list[_Slot] = []
    if "counts" not in plan.speak or segment.until_ready:
        return taken
    moments = spoken_counts(segment)
    for k, (offset, number) in enumerate(moments):
        at = segment.start + offset
        ends_by = segment.start + moments[k + 1][0] - GAP_SECONDS if k + 1 < len(moments) else high
        text = count_text(number)
        length = book.seconds(text)
        if at >= plan.hard_free + GAP_SECONDS and at + length <= ends_by:
            slot = _Slot(text, PhraseKind.COUNT, step, at, length, book.wpm, number=number)
            taken.append(plan.place(slot))
        else:
            plan.dropped.append((PhraseKind.COUNT, step, text))
    return taken


def _place_time_left(
    plan: _Planner, segment: Segment, said_end: float, high: float, taken: list[_Slot]
) -> list[_Slot]:
    """Time left: each at its moment, if it is said whole before the next one is due. Adds
    what it places to ``taken`` and returns it."""
    book, step = plan.book, segment.index
    soft: list[_Slot] = []
    if "time" not in plan.speak:
        return soft
    moments_left = time_phrases(segment)
    for k, (offset, text, second) in enumerate(moments_left):
        at = segment.start + offset
        ends_by = high
        if k + 1 < len(moments_left):
            ends_by = min(high, segment.start + moments_left[k + 1][0] - GAP_SECONDS)
        length = book.seconds(text)
        if (
            at >= said_end + GAP_SECONDS
            and at + length <= ends_by
            and not any(t.clashes(at, at + length) for t in taken)
        ):
            slot = _Slot(text, PhraseKind.TIME, step, at, length, book.wpm, number=second)
            plan.slots.append(slot)
            taken.append(slot)
            soft.append(slot)
        else:
            plan.dropped.append((PhraseKind.TIME, step, text))
    return soft


def _place_preview_and_note(
    plan: _Planner,
    segments: tuple[Segment, ...],
    position: int,
    start_at: int,
    low: float,
    high: float,
    taken: list[_Slot],
) -> list[_Slot]:
    """The preview and the note, in the gaps left: the note first if both fit that way.
    Returns the note's slot, if placed (it yields to the next step's cue)."""
    book, wpm, speak = plan.book, plan.book.wpm, plan.speak
    step = segments[position].index
    preview = preview_text(following(segments, position)) if "previews" in speak else None
    note = new_note(segments, position, start_at) if "notes" in speak else None
    preview_len = book.seconds(preview) if preview is not None else 0.0
    note_len = book.seconds(note) if note is not None else 0.0
    note_at: float | None = None
    preview_at: float | None = None
    if preview is not None and note is not None:
        note_at = _fit(note_len, low, high, taken)
        if note_at is not None:
            after_note = [*taken, _Slot(note, PhraseKind.NOTE, step, note_at, note_len, wpm)]
            preview_at = _fit(preview_len, low, high, after_note)
            if preview_at is None:
                note_at = None
    if preview is not None and preview_at is None:
        preview_at = _fit(preview_len, low, high, taken)
    if preview is not None:
        if preview_at is None:
            plan.dropped.append((PhraseKind.PREVIEW, step, preview))
        else:
            slot = _Slot(preview, PhraseKind.PREVIEW, step, preview_at, preview_len, wpm)
            plan.slots.append(slot)
            taken.append(slot)
            plan.preview_before = slot
    if note is None:
        return []
    if note_at is None:
        note_at = _fit(note_len, low, high, taken)
    if note_at is None:
        plan.dropped.append((PhraseKind.NOTE, step, note))
        return []
    slot = _Slot(note, PhraseKind.NOTE, step, note_at, note_len, wpm)
    plan.slots.append(slot)
    return [slot]


def _hosted(slot: _Slot, segments: tuple[Segment, ...], start_at: int, lead_start: float) -> Phrase:
    host, host_start = 0, lead_start
    if slot.kind is PhraseKind.END:
        host, host_start = len(segments) + 1, segments[-1].end
    else:
        for segment in segments[start_at:]:
            if segment.start <= slot.start + 1e-9:
                host, host_start = segment.index, segment.start
            else:
                break
    return Phrase(
        text=slot.text,
        kind=slot.kind,
        step=slot.step,
        host=host,
        at=slot.start - host_start,
        seconds=slot.seconds,
        wpm=slot.wpm,
        speed=slot.speed,
        number=slot.number,
        top=segments[slot.step - 1].top if slot.step > 0 else 0,
    )


def session_time(plan: SpeechPlan, timeline: Timeline, phrase: Phrase) -> float:
    """When ``phrase`` begins, in seconds since playback began, if nobody touches a key."""
    segments = timeline.segments
    base = segments[plan.first - 1].start
    if phrase.host == 0:
        return phrase.at
    if phrase.host > len(segments):
        return plan.lead_in + segments[-1].end - base + phrase.at
    return plan.lead_in + segments[phrase.host - 1].start - base + phrase.at


# ---- validate's estimate: no speech engine needed -------------------------------------------


def estimate_seconds(text: str, wpm: int = DEFAULT_RATE_WPM) -> float:
    """About how long ``text`` takes to say at ``wpm``, from its words and pauses alone."""
    return speaking_seconds(text, wpm / DEFAULT_RATE_WPM)


@dataclass(frozen=True)
class Unheard:
    """A cue that cannot be said in its step and the quiet before it, at the normal rate."""

    segment: Segment
    needs: float
    has: float


def unheard_cues(timeline: Timeline, *, wpm: int = DEFAULT_RATE_WPM) -> list[Unheard]:
    """Cues too long for the time their step and the quiet tail before it leave, estimated."""
    segments = timeline.segments
    found: list[Unheard] = []
    # A routine says the same few cues again and again (rounds, sides): each text and each
    # kind's chime is worked out once, and a step's estimate serves again for the next step.
    estimates: dict[tuple[str, str | None], float] = {}
    chimes: dict[SegmentKind, float] = {}
    before: Segment | None = None
    before_needs = 0.0
    for segment in segments:
        key = (segment.text, segment.said_after)
        needs = estimates.get(key)
        if needs is None:
            needs = estimates[key] = estimate_seconds(cue_text(segment), wpm)
        chime = chimes.get(segment.kind)
        if chime is None:
            chime = chimes[segment.kind] = chime_after(segment, True)
        # The next step (or the end of the routine) begins at the segment's end.
        has = segment.end + CUE_LATE_SECONDS - segment.start - chime
        if before is not None and before.kind in QUIET_KINDS and not before.until_ready:
            # What the step before leaves once its own cue is said.
            said = before_needs + chimes[before.kind]
            has += max(0.0, before.duration - said - GAP_SECONDS)
        if needs > has:
            found.append(Unheard(segment, needs, has))
        before, before_needs = segment, needs
    return found
