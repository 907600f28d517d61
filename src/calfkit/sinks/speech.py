"""Spoken cues: a sink that plays the speech plan (:mod:`calfkit.sound.plan`) along with the
player, from its own thread.

Every phrase is rendered in the background as soon as the sink is made (the player waits for
that before its lead-in, showing :meth:`SpeechSink.progress`: :meth:`SpeechSink.ready`), and
the plan is made from their exact lengths; the book keeps a bounded amount of the samples.
Each phrase then plays at its planned time after the start of the step it begins in, as the
player really reached it: pauses move what is still to come, and a skip, a step back, Enter
or ``+`` re-plans from the step that begins next. Only a key cuts a phrase (skip, back,
Enter, quit, mute). Each phrase heard is told as a ``speak`` event through ``emit``.

It keeps no time of its own: it waits on the player's clock (the one passed in), and when a
phrase is due comes from the event that hosts it (:meth:`~calfkit.player.events.Event.
clock_after` turns the plan's routine seconds into the session's, at the player's speed).
"""

from __future__ import annotations

import contextlib
import threading
from array import array
from collections.abc import Callable
from dataclasses import dataclass

from calfkit.player.clock import Clock, MonotonicClock
from calfkit.player.events import Event, EventKind
from calfkit.player.pace import LEAD_IN_SECONDS
from calfkit.sound import DEFAULT_SPOKEN
from calfkit.sound.cues import count_sound, countdown_spoken, counts_spoken
from calfkit.sound.plan import (
    MAX_RATE_FACTOR,
    LeadIn,
    Phrase,
    PhraseBook,
    PhraseKind,
    SpeechPlan,
    caution_text,
    make_plan,
    spoken_lead_in,
    texts_to_render,
)
from calfkit.sound.tones import SAMPLE_RATE, Sound
from calfkit.timeline import TickKind, Timeline

CLOSE_WAIT_SECONDS = 8.0
"""How long ``close()`` lets the last phrases (the end of the routine) be heard."""


@dataclass
class _Due:
    phrase: Phrase
    when: float  # session seconds (as the player's events count them)


class SpeechSink:
    """Says the speech plan of ``timeline`` from flat step ``first`` on, on the player's
    ``clock``.

    ``output``: plays samples (the sound sink's ``play_samples``); ``cut``: silences what
    ``output`` is playing. ``beep``: plays a count the plan could not fit. ``warn``: one line
    if the voice stops working. ``emit``: gets each ``speak`` event. ``lead_in``: the lead-in
    asked for; :attr:`lead_in` is the one the caution needs (give the player that), and
    :attr:`lead_in_beeps` how many of its last seconds beep (give the sound sink that).
    ``speak``: what is said besides the cues (``--speak``).
    """

    def __init__(
        self,
        book: PhraseBook,
        timeline: Timeline,
        *,
        output: Callable[[array[int]], None],
        cut: Callable[[], None] | None = None,
        beep: Callable[[Sound], None] | None = None,
        warn: Callable[[str], None] | None = None,
        emit: Callable[[Event], None] | None = None,
        first: int = 1,
        lead_in: float = LEAD_IN_SECONDS,
        chimes: bool = True,
        clock: Clock | None = None,
        speak: frozenset[str] = DEFAULT_SPOKEN,
    ) -> None:
        self.book = book
        self.timeline = timeline
        self._output = output
        self._cut_output = cut
        self._beep = beep
        self._warn = warn
        self._emit = emit
        self._first = first
        self._chimes = chimes
        self._speak = speak
        self._clock: Clock = clock if clock is not None else MonotonicClock()
        self._asked_lead_in = lead_in
        self._lead_in = LeadIn(lead_in)
        caution = timeline.routine.caution
        if caution:
            # The caution's length sets the lead-in, so it is rendered now (a fraction of a
            # second); everything else renders while the lead-in plays.
            try:
                self._lead_in = spoken_lead_in(lead_in, book.seconds(caution_text(caution)))
            except OSError as error:
                book.failure = error
        self.plan: SpeechPlan | None = None
        self._ready = threading.Event()
        self._condition = threading.Condition()
        self._due: list[_Due] = []
        self._speaking: tuple[Phrase, threading.Event] | None = None
        self._origin = self._clock.now()  # the clock time playback began at (START's)
        self._muted = False
        self._paused_at: float | None = None
        self._regular = True  # the next step begins as planned (no key moved it)
        self._spoken_ticks: set[tuple[int, PhraseKind, int]] = set()
        self._broken = False
        self._closed = False
        self._stopped = False
        self._lead_in_pending = False  # START came; the lead-in's phrases are not yet due
        self._progress = (0, 0)
        self.heard: list[tuple[Phrase, float, float, bool]] = []  # phrase, due, began, cut
        self._preparer = threading.Thread(target=self._prepare, name="calfkit-voice", daemon=True)
        self._preparer.start()
        self._worker = threading.Thread(target=self._run, name="calfkit-speech", daemon=True)
        self._worker.start()

    # -- preparing ---------------------------------------------------------------------

    def _prepare(self) -> None:
        try:
            if self.book.failure is None:
                texts = texts_to_render(self.timeline, speak=self._speak)
                self._progress = (0, len(texts))
                self.book.render_all(texts, progress=self._rendered)
            if self.book.failure is not None:
                raise self.book.failure
            if self.book.cancelled:
                return
            self.plan = make_plan(
                self.timeline,
                self.book,
                first=self._first,
                lead_in=self._asked_lead_in,
                chimes=self._chimes,
                speak=self._speak,
            )
            self._note_counts(self.plan)
            self._warn_dropped(self.plan)
        except OSError as error:
            self._fail(error)
        finally:
            self._ready.set()
        # Converted for the sound device in the order they are due, ahead of each, for as
        # long as the book keeps them (the rest are made when they are due).
        plan = self.plan
        if plan is not None and not self._broken:
            for phrase in plan.phrases:
                if self._stopped or self.book.cached_bytes >= self.book.budget // 2:
                    return
                with contextlib.suppress(OSError):
                    self.book.samples(phrase.text, phrase.wpm)

    def _rendered(self, done: int, total: int) -> None:
        self._progress = (done, total)

    def _warn_dropped(self, plan: SpeechPlan) -> None:
        """Sped up, say once what the plan leaves out (each is logged as it comes)."""
        if self.book.speed == 1.0 or not plan.dropped or self._warn is None:
            return
        cues = sum(1 for kind, _, _ in plan.dropped if kind in (PhraseKind.CUE, PhraseKind.SWITCH))
        total = len(self.timeline.segments) - plan.first + 1
        others = len(plan.dropped) - cues
        self._warn(
            f"voice: at --speed {self.book.speed:g}, even at {self.book.max_wpm} words a minute "
            f"(the most: {MAX_RATE_FACTOR:g}x the rate) {cues} of {total} step cues and "
            f"{others} other phrases do not fit and will not be said "
            "(each is logged as dropped with --log-events)"
        )

    @property
    def lead_in(self) -> float:
        """The lead-in to play: as asked, or longer for the caution to be said in it."""
        return self._lead_in.seconds

    @property
    def lead_in_beeps(self) -> int | None:
        """How many of the lead-in's last seconds beep (None: all of them)."""
        return self._lead_in.beeps

    def ready(self) -> bool:
        """Whether the plan is made (the player's lead-in waits for this)."""
        return self._ready.is_set()

    def progress(self) -> tuple[int, int]:
        """(phrases rendered, phrases to render) while the plan is being made."""
        return self._progress

    def wait_ready(self, timeout: float | None = None) -> bool:
        return self._ready.wait(timeout)

    def _note_counts(self, plan: SpeechPlan) -> None:
        self._spoken_ticks |= plan.said_ticks()

    def _fail(self, error: OSError) -> None:
        if self._broken or self._stopped:
            return  # stopping cut the rendering short: nothing failed
        self._broken = True
        if self._warn is not None:
            self._warn(f"voice: {error}; spoken cues are off")

    # -- events ------------------------------------------------------------------------

    def handle(self, event: Event) -> None:
        kind = event.kind
        # Phrases are anchored where the step really began: its chime sounds then too.
        if kind is EventKind.START:
            with self._condition:
                self._origin = self._clock.now() - event.actual
            # The player waits for the plan before its lead-in (telling how rendering goes):
            # the lead-in's phrases are said from when it begins.
            self._lead_in_pending = True
            if self.ready():
                self._begin_lead_in(event)
        elif kind is EventKind.LEAD_IN and self._lead_in_pending:
            self._begin_lead_in(event)
        elif kind in (EventKind.STEP, EventKind.SWITCH) and event.segment is not None:
            late = self._begin_lead_in(event) if self._lead_in_pending else 0.0
            late += self._wait_plan()
            index = event.segment.index
            if not self._regular and self.plan is not None and not self._broken:
                try:
                    self.plan = make_plan(
                        self.timeline,
                        self.book,
                        first=index,
                        lead_in=None,
                        chimes=self._chimes,
                        speak=self._speak,
                    )
                    self._note_counts(self.plan)
                except OSError as error:
                    self._fail(error)
            self._regular = True
            self._schedule(index, event, late)
        elif kind is EventKind.FINISH:
            self._schedule(len(self.timeline.segments) + 1, event)
        elif kind in (EventKind.COUNT, EventKind.COUNTDOWN) and event.segment is not None:
            self._count(event)
        elif kind is EventKind.PAUSE:
            with self._condition:
                self._paused_at = event.actual
        elif kind is EventKind.RESUME:
            with self._condition:
                if self._paused_at is not None:
                    shift = event.actual - self._paused_at
                    for due in self._due:
                        due.when += shift
                self._paused_at = None
                self._condition.notify()
        elif kind is EventKind.EXTEND:
            # The step is longer now: what was to be said early for the next step is re-planned
            # when that step begins.
            with self._condition:
                self._due = [d for d in self._due if d.phrase.step <= event.step]
                self._regular = False
        elif kind in (EventKind.SKIP, EventKind.BACK, EventKind.READY):
            self._cut(drop=True)
            self._regular = False
        elif kind is EventKind.MUTE:
            self._muted = True
            self._cut(drop=True)
            self._regular = False  # what was cut will not hold up the next step's cue
        elif kind is EventKind.UNMUTE:
            self._muted = False
        elif kind is EventKind.STOP:
            self._stopped = True
            self.book.cancel()  # what is still to render never will be needed
            self._cut(drop=True)

    def _begin_lead_in(self, began: Event) -> float:
        """The lead-in began with ``began``: its phrases are made due. Returns how long this
        waited for the plan (0 when the player's gate already did)."""
        self._lead_in_pending = False
        late = self._wait_plan()
        self._schedule(0, began, late)
        return late

    def _wait_plan(self) -> float:
        """Wait for the plan (the player's gate waited for it before the lead-in; a player
        without one is held here); how many clock seconds that took."""
        if self._ready.is_set():
            return 0.0
        began = self._clock.now()
        self._ready.wait()
        return self._clock.now() - began

    def _schedule(self, host: int, began: Event, late: float = 0.0) -> None:
        """Make due the phrases hosted by step ``host`` (0: the lead-in; one past the last:
        the end), which ``began`` now; ``late``: seconds this sink held the event up (what
        the event began, every sink after this one was told that much later)."""
        if self.plan is None or self._broken or self._muted:
            return
        if self.book.speed != 1.0 and self._emit is not None:
            self._tell_dropped(host, began)
        with self._condition:
            for phrase in self.plan.hosted(host):
                self._due.append(_Due(phrase, began.clock_after(phrase.at) + late))
            self._due.sort(key=lambda d: d.when)
            self._condition.notify()

    def _tell_dropped(self, step: int, began: Event) -> None:
        """A ``speak`` event with ``dropped`` for each phrase of ``step`` the plan left out."""
        assert self.plan is not None and self._emit is not None
        for kind, index, text in self.plan.dropped:
            if index != step or kind is PhraseKind.END:
                continue
            segment = self.timeline.segments[index - 1] if index > 0 else None
            event = Event(
                kind=EventKind.SPEAK,
                scheduled=began.actual,
                actual=began.actual,
                wall=began.wall,
                step=index,
                top_step=segment.top if segment is not None else 0,
                text=text,
                seconds=0.0,
                dropped=True,
            )
            with contextlib.suppress(Exception):  # a log that failed must not stop the voice
                self._emit(event)

    def _count(self, event: Event) -> None:
        # The sound sink leaves counts and countdown seconds that may be spoken to speech:
        # beep those not in the plan.
        segment = event.segment
        assert segment is not None
        if event.number is None:
            return
        if event.kind is EventKind.COUNT:
            if "counts" not in self._speak or event.number <= 1 or not counts_spoken(segment):
                return  # beeped by the sound sink (the first: the step's chime)
            key, sound = (segment.index, PhraseKind.COUNT, event.number), count_sound(event)
        else:
            offset = next(
                (t.offset for t in segment.ticks if t.kind is TickKind.COUNTDOWN
                 and t.number == event.number),
                0.0,
            )  # fmt: skip
            if "time" not in self._speak or not countdown_spoken(segment, event.number, offset):
                return  # beeped by the sound sink (or, on the hold's first instant, its chime)
            key, sound = (segment.index, PhraseKind.TIME, event.number), Sound.COUNTDOWN
        spoken = key in self._spoken_ticks
        if (not spoken or self._broken) and self._beep is not None and not self._muted:
            self._beep(sound)

    def _cut(self, *, drop: bool) -> None:
        with self._condition:
            if drop:
                self._due.clear()
            if self._speaking is not None:
                self._speaking[1].set()
                if self._cut_output is not None:
                    self._cut_output()
            self._condition.notify()

    # -- speaking ----------------------------------------------------------------------

    def _session_now(self) -> float:
        """Seconds since playback began, on the player's clock (as events' ``actual``)."""
        return self._clock.now() - self._origin

    def _run(self) -> None:
        while True:
            with self._condition:
                while True:
                    if self._closed and (not self._due or self._stopped):
                        return
                    if self._due and self._paused_at is None:
                        wait = self._due[0].when - self._session_now()
                        if wait <= 0:
                            due = self._due.pop(0)
                            break
                        self._condition.wait(wait)
                    else:
                        self._condition.wait()
                cut = threading.Event()
                self._speaking = (due.phrase, cut)
            try:
                self._say(due, cut)
            finally:
                with self._condition:
                    self._speaking = None

    def _say(self, due: _Due, cut: threading.Event) -> None:
        phrase = due.phrase
        if self._muted or self._broken:
            return
        try:
            samples = self.book.samples(phrase.text, phrase.wpm)
        except OSError as error:
            self._fail(error)
            return
        began = self._session_now()
        wall = self._clock.wall()
        self._output(samples)
        cut.wait(len(samples) / SAMPLE_RATE)
        was_cut = cut.is_set()
        self.heard.append((phrase, due.when, began, was_cut))
        if self._emit is not None:
            event = Event(
                kind=EventKind.SPEAK,
                scheduled=due.when,
                actual=began,
                wall=wall,
                step=phrase.step,
                top_step=phrase.top,
                text=phrase.text,
                seconds=phrase.seconds / self.book.speed,  # clock seconds
                cut=was_cut,
            )
            with contextlib.suppress(Exception):  # a log that failed must not stop the voice
                self._emit(event)

    def close(self) -> None:
        """Let the phrases still due (the end of the routine) be heard, then stop; at once if
        the session was stopped early."""
        with self._condition:
            self._closed = True
            self._condition.notify()
        if self._stopped:
            self._cut(drop=True)
        self._worker.join(CLOSE_WAIT_SECONDS)
        if self._worker.is_alive():
            self._stopped = True
            self._cut(drop=True)
            self._worker.join()
