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
- Priority when time is short: caution > step cue > side switch > spoken count > preview.
  (calfkit speaks no time-left or note phrases.) A count that does not fit is beeped.
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
from calfkit.sound.cues import counts_spoken
from calfkit.sound.speech import DEFAULT_RATE_WPM, Voice
from calfkit.sound.tones import SAMPLE_RATE, Sound, seconds
from calfkit.timeline import Segment, SegmentKind, TickKind, Timeline

CUE_LATE_SECONDS = 0.5
"""A step's cue begins at most this long after its step does."""

MAX_SPEEDUP = 1.25
"""The most a cue is sped up to fit (1.25 = 25 % more words a minute): still clear."""

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
    PREVIEW = "preview"
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
    number: int | None = None  # a count's number
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
    """

    def __init__(
        self, voice: Voice, *, wpm: int = DEFAULT_RATE_WPM, budget: int = CACHE_BYTES
    ) -> None:
        self.voice = voice
        self.wpm = wpm
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
        """The phrase's exact spoken length (rendered, not yet converted, if need be)."""
        frames, rate = self._length(text, wpm or self.wpm)
        return frames / rate

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
    return sentence(segment.text)


def preview_text(following: Segment | None) -> str:
    return LAST_STEP_PREVIEW if following is None else f"Next: {cue_text(following)}"


def caution_text(caution: str) -> str:
    return f"Caution: {sentence(caution)}"


def count_text(number: int) -> str:
    return str(number)


def following(segments: tuple[Segment, ...], position: int) -> Segment | None:
    """The next step a preview speaks of (a side switch announces itself, so it is passed)."""
    for candidate in segments[position + 1 :]:
        if candidate.kind is not SegmentKind.SWITCH:
            return candidate
    return None


def chime_after(segment: Segment | None, chimes: bool) -> float:
    """How long after its moment a phrase waits for the chime marking it."""
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
    return seconds(sound) + AFTER_CHIME_SECONDS


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


def texts_to_render(timeline: Timeline, *, caution: bool = True) -> list[str]:
    """Every phrase a plan of ``timeline`` may need at the normal rate, in playing order."""
    segments = timeline.segments
    texts: list[str] = []
    if caution and timeline.routine.caution:
        texts.append(caution_text(timeline.routine.caution))
    for position, segment in enumerate(segments):
        if segment.caution:
            texts.append(caution_text(segment.caution))
        texts.append(cue_text(segment))
        texts.append(preview_text(following(segments, position)))
        texts.extend(count_text(number) for _, number in spoken_counts(segment))
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


def make_plan(
    timeline: Timeline,
    book: PhraseBook,
    *,
    first: int = 1,
    lead_in: float | None = LEAD_IN_SECONDS,
    chimes: bool = True,
    speak_counts: bool = True,
) -> SpeechPlan:
    """Place every phrase of ``timeline`` from flat step ``first`` on.

    ``lead_in``: the lead-in asked for (the caution makes it longer if need be); None when
    playing resumes at ``first`` without one (after a skip, back or extension), which also
    leaves the caution out. Raises OSError when the voice cannot render a phrase.
    """
    segments = timeline.segments
    start_at = first - 1
    if start_at >= len(segments):
        return SpeechPlan([], lead_in or 0.0, first)
    slots: list[_Slot] = []
    dropped: list[tuple[PhraseKind, int, str]] = []
    wpm = book.wpm
    base = segments[start_at].start
    hard_free = -math.inf  # where the last phrase that must stay ends
    quiet_from: float | None = None  # the step before's quiet tail begins here (None: none)
    preview_before: _Slot | None = None  # the step before's preview: it yields to this cue

    lead = 0.0 if lead_in is None else lead_in
    if lead_in is not None and timeline.routine.caution:
        text = caution_text(timeline.routine.caution)
        length = book.seconds(text)
        lead = caution_lead_in(lead, length)
        slot = _Slot(text, PhraseKind.CAUTION, 0, base - lead + CAUTION_AT_SECONDS, length, wpm)
        slots.append(slot)
        hard_free = slot.end
    if lead_in is not None:
        quiet_from = max(hard_free, base - lead)

    def place(slot: _Slot) -> _Slot:
        nonlocal hard_free
        slots.append(slot)
        hard_free = max(hard_free, slot.end)
        return slot

    for position in range(start_at, len(segments)):
        segment = segments[position]
        step = segment.index
        if position + 1 < len(segments):
            nxt = segments[position + 1]
            following_start = nxt.start
            after_next = nxt.start + chime_after(nxt, chimes)
        else:
            following_start = segment.end
            after_next = segment.end + chime_after(None, chimes)
        natural = segment.start + chime_after(segment, chimes)
        limit = following_start + CUE_LATE_SECONDS  # where the next cue must be able to begin
        free = max(hard_free + GAP_SECONDS, natural)
        # Earliest a phrase of this step may begin in the step before's quiet tail.
        early = None if quiet_from is None else max(quiet_from, hard_free + GAP_SECONDS)

        def drop_preview_before() -> None:
            nonlocal preview_before
            if preview_before is not None:
                slots.remove(preview_before)
                dropped.append((PhraseKind.PREVIEW, preview_before.step, preview_before.text))
                preview_before = None

        # An included routine's caution: in the quiet before its part if it fits, else after
        # the part's first cue (it outranks the cue, so neither is dropped).
        caution_after: str | None = None
        if segment.caution:
            text = caution_text(segment.caution)
            length = book.seconds(text)
            begin = natural - GAP_SECONDS - length
            if early is not None and begin >= early:
                drop_preview_before()
                place(_Slot(text, PhraseKind.CAUTION, step, begin, length, wpm))
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
        if free + need <= limit:
            cue = place(_Slot(text, kind, step, free, length, wpm))
        else:
            earlier: float | None = None
            if early is not None:
                # Start earlier, ending where the next cue would begin if it can.
                earlier = max(early, min(natural, after_next - GAP_SECONDS - need))
                if earlier + need > limit:
                    earlier = None
            if earlier is not None:
                drop_preview_before()
                cue = place(_Slot(text, kind, step, earlier, length, wpm))
            else:
                # Faster, from the earliest moment it may begin.
                fast_start = free
                if early is not None and early < free:
                    drop_preview_before()
                    fast_start = early
                room = limit - fast_start - reserve
                factor = MAX_SPEEDUP if room <= 0 else min(MAX_SPEEDUP, need / room)
                faster = min(math.ceil(wpm * factor), math.ceil(wpm * MAX_SPEEDUP))
                fast_length = book.seconds(text, faster)
                if fast_length >= length:  # the engine could not go faster: keep its best
                    faster, fast_length = wpm, length
                cue = place(
                    _Slot(text, kind, step, fast_start, fast_length, faster, speed=faster / wpm)
                )
        preview_before = None
        if caution_after is not None:
            length = book.seconds(caution_after)
            place(
                _Slot(caution_after, PhraseKind.CAUTION, step, cue.end + GAP_SECONDS, length, wpm)
            )

        # Counts: each at its moment if speech is free for it, else beeped.
        counts: list[_Slot] = []
        if speak_counts and not (segment.until_ready):
            moments = spoken_counts(segment)
            for k, (offset, number) in enumerate(moments):
                at = segment.start + offset
                ends_by = (
                    segment.start + moments[k + 1][0] if k + 1 < len(moments) else after_next
                ) - GAP_SECONDS
                text = count_text(number)
                length = book.seconds(text)
                if at >= hard_free + GAP_SECONDS and at + length <= ends_by:
                    counts.append(place(_Slot(text, PhraseKind.COUNT, step, at, length, wpm,
                                              number=number)))  # fmt: skip
                else:
                    dropped.append((PhraseKind.COUNT, step, text))

        # The preview: whole, in a gap before the next cue, never over a count.
        text = preview_text(following(segments, position))
        length = book.seconds(text)
        candidates = [hard_free + GAP_SECONDS]
        if counts:
            candidates = [cue.end + GAP_SECONDS] + [c.end + GAP_SECONDS for c in counts]
        placed_preview = None
        for begin in candidates:
            clash = any(c.start < begin + length + GAP_SECONDS and begin < c.end for c in counts)
            if (
                not clash
                and begin >= cue.end + GAP_SECONDS
                and begin + length <= after_next - GAP_SECONDS
            ):
                placed_preview = _Slot(text, PhraseKind.PREVIEW, step, begin, length, wpm)
                break
        if placed_preview is None:
            dropped.append((PhraseKind.PREVIEW, step, text))
        else:
            slots.append(placed_preview)
        preview_before = placed_preview
        ready = segment.until_ready
        quiet_from = hard_free if segment.kind in QUIET_KINDS and not ready else None

    last = segments[-1]
    text = END_PHRASE
    length = book.seconds(text)
    begin = max(hard_free + GAP_SECONDS, last.end + chime_after(None, chimes))
    slots.append(_Slot(text, PhraseKind.END, last.index, begin, length, wpm))

    slots.sort(key=lambda s: s.start)
    phrases = [_hosted(slot, segments, start_at, base - lead) for slot in slots]
    return SpeechPlan(phrases, lead, first, dropped)


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

WORD_SECONDS = 0.22
PAUSE_SECONDS = 0.55
PHRASE_SECONDS = 0.2
"""At :data:`~calfkit.sound.speech.DEFAULT_RATE_WPM`, a phrase takes about WORD_SECONDS a
word, PAUSE_SECONDS at each comma or full stop and PHRASE_SECONDS of silence around it:
fitted to espeak-ng's own lengths for the built-in cues (worst error under 0.75 s). Engines
speak short words faster than their nominal rate, so words x 60 / rate would overstate it."""


def estimate_seconds(text: str, wpm: int = DEFAULT_RATE_WPM) -> float:
    """About how long ``text`` takes to say at ``wpm``, from its words and pauses alone."""
    words = len(text.split())
    pauses = 0
    for mark in ",;:.!?":
        pauses += text.count(mark)
    scale = DEFAULT_RATE_WPM / wpm
    return (words * WORD_SECONDS + pauses * PAUSE_SECONDS) * scale + PHRASE_SECONDS


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
    estimates: dict[str, float] = {}
    chimes: dict[SegmentKind, float] = {}
    before: Segment | None = None
    before_needs = 0.0
    for segment in segments:
        needs = estimates.get(segment.text)
        if needs is None:
            needs = estimates[segment.text] = estimate_seconds(cue_text(segment), wpm)
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
