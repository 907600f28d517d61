"""The speech plan, on a fake voice whose phrases last exactly as long as each test chooses.

The fake has the real voices' interface (``render(text, wpm) -> (samples, rate)``); a phrase
sped up to W words a minute lasts its length x 170 / W, as with a real engine.
"""

from __future__ import annotations

import itertools
import math
import time
from array import array

import pytest

from calfkit.model import Count, Do, Hold, Include, Prepare, Reps, Rest, Routine, Side, Sides
from calfkit.player.clock import MonotonicClock
from calfkit.player.engine import Player
from calfkit.player.events import Command, Event, EventKind
from calfkit.sinks.speech import SpeechSink
from calfkit.sound.plan import (
    COUNTDOWN_WORDS,
    CUE_LATE_SECONDS,
    END_PHRASE,
    GAP_SECONDS,
    HALFWAY,
    LAST_STEP_PREVIEW,
    MAX_RATE_FACTOR,
    MAX_SPEEDUP,
    TEN_SECONDS,
    PhraseBook,
    PhraseKind,
    SpeechPlan,
    chime_after,
    estimate_seconds,
    make_plan,
    session_time,
    speed_wpm,
    unheard_cues,
)
from calfkit.sound.speech import DEFAULT_RATE_WPM
from calfkit.sound.tones import SAMPLE_RATE
from calfkit.testing import ScriptedControls
from calfkit.timeline import Timeline, compile_routine

RATE = 1000  # the fake's samples a second: small, exact
COUNTDOWN_TEXTS = set(COUNTDOWN_WORDS.values())


class FakeVoice:
    """Each phrase lasts ``lengths[text]`` seconds at the normal rate (else ``default``)."""

    name = "fake"

    def __init__(self, lengths: dict[str, float], default: float = 0.5) -> None:
        self.lengths = lengths
        self.default = default
        self.rendered: list[tuple[str, int]] = []

    def render(self, text: str, wpm: int) -> tuple[array[int], int]:
        self.rendered.append((text, wpm))
        seconds = self.lengths.get(text, self.default) * DEFAULT_RATE_WPM / wpm
        return array("h", bytes(2 * round(seconds * RATE))), RATE


def routine(*steps: object, caution: str | None = None) -> Timeline:
    return compile_routine(Routine(name="t", title="T", steps=tuple(steps), caution=caution))  # type: ignore[arg-type]


def plan_of(timeline: Timeline, lengths: dict[str, float], **options: object) -> SpeechPlan:
    return make_plan(timeline, PhraseBook(FakeVoice(lengths)), **options)  # type: ignore[arg-type]


def starts(plan: SpeechPlan, timeline: Timeline) -> dict[str, float]:
    return {p.text: session_time(plan, timeline, p) for p in plan.phrases}


def assert_sound(plan: SpeechPlan, timeline: Timeline) -> None:
    """What always holds: no two phrases overlap; every step's cue is in the plan once."""
    timed = sorted((session_time(plan, timeline, p), p) for p in plan.phrases)
    for (a, first), (b, _) in itertools.pairwise(timed):
        assert b >= a + first.seconds - 1e-9, (first.text, a, b)
    cues = [p.step for p in plan.phrases if p.kind in (PhraseKind.CUE, PhraseKind.SWITCH)]
    assert cues == [s.index for s in timeline.segments if s.index >= plan.first]


def step_start(plan: SpeechPlan, timeline: Timeline, step: int) -> float:
    return plan.lead_in + timeline.segments[step - 1].start


def test_a_cue_that_fits_starts_after_its_chime_and_its_whole_preview_follows() -> None:
    timeline = routine(Do(text="Rise up", duration=10), Do(text="Lower slowly", duration=10))
    plan = plan_of(timeline, {"Rise up.": 2.0, "Next: Lower slowly.": 2.0})
    assert_sound(plan, timeline)
    at = starts(plan, timeline)
    first = step_start(plan, timeline, 1)
    assert at["Rise up."] == pytest.approx(first + chime_after(timeline.segments[0], True))
    assert at["Next: Lower slowly."] == pytest.approx(at["Rise up."] + 2.0 + GAP_SECONDS)
    # The last step previews the end, and the end is said after the end chime.
    assert LAST_STEP_PREVIEW == "Last step." and LAST_STEP_PREVIEW in at
    assert at[END_PHRASE] >= step_start(plan, timeline, 2) + 10.0
    assert plan.lead_in == 3.0  # no caution: the lead-in asked for


def test_a_preview_that_does_not_fit_is_dropped_whole_never_cut() -> None:
    timeline = routine(Do(text="Rise up", duration=5), Do(text="Lower slowly", duration=5))
    plan = plan_of(timeline, {"Rise up.": 3.0, "Next: Lower slowly.": 2.5})
    assert_sound(plan, timeline)
    texts = [p.text for p in plan.phrases]
    assert "Next: Lower slowly." not in texts
    assert (PhraseKind.PREVIEW, 1, "Next: Lower slowly.") in plan.dropped
    assert all(not t.startswith("Next:") or t == "Next: Lower slowly." for t in texts)


def test_a_long_cue_starts_early_in_the_rest_before_it_and_that_rest_loses_its_preview() -> None:
    timeline = routine(Rest(duration=10), Do(text="Roll slowly up the calf", duration=4))
    long = "Roll slowly up the calf."
    plan = plan_of(timeline, {"Rest.": 0.6, long: 6.0, "Next: " + long: 6.5})
    assert_sound(plan, timeline)
    at = starts(plan, timeline)
    second = step_start(plan, timeline, 2)
    assert at[long] < second  # begun in the rest's quiet tail...
    assert at[long] >= at["Rest."] + 0.6  # ...after the rest's own cue
    assert at[long] + 6.0 <= second + 4.0 + CUE_LATE_SECONDS  # heard whole before the next
    assert "Next: " + long not in at
    cue = next(p for p in plan.phrases if p.text == long)
    assert cue.host == 1 and cue.step == 2 and cue.speed == 1.0


def test_a_cue_never_starts_early_over_counts_it_is_spoken_faster_instead() -> None:
    timeline = routine(
        Count(count=4, every=2, cue="Lower your heels"), Do(text="Now walk", duration=4)
    )
    plan = plan_of(timeline, {"Lower your heels.": 1.0, "Now walk.": 4.5})
    assert_sound(plan, timeline)
    cue = next(p for p in plan.phrases if p.text == "Now walk.")
    begins = session_time(plan, timeline, cue)
    second = step_start(plan, timeline, 2)
    assert second <= begins <= second + CUE_LATE_SECONDS
    assert 1.0 < cue.speed <= MAX_SPEEDUP
    assert cue.wpm > DEFAULT_RATE_WPM
    assert cue.seconds == pytest.approx(4.5 * DEFAULT_RATE_WPM / cue.wpm, abs=0.002)
    assert begins + cue.seconds <= second + 4.0 + CUE_LATE_SECONDS + 1e-9


def test_a_cue_too_long_even_at_the_fastest_is_still_said_whole_and_the_next_waits() -> None:
    timeline = routine(
        Count(count=2, every=2, cue="Count"),
        Do(text="Far too long", duration=2),
        Do(text="After", duration=5),
    )
    plan = plan_of(timeline, {"Far too long.": 8.0})
    assert_sound(plan, timeline)  # never dropped: every step's cue is there
    cue = next(p for p in plan.phrases if p.text == "Far too long.")
    assert cue.speed == pytest.approx(MAX_SPEEDUP, abs=0.01)
    after = next(p for p in plan.phrases if p.text == "After.")
    assert session_time(plan, timeline, after) >= session_time(plan, timeline, cue) + cue.seconds


def test_the_caution_comes_first_in_a_lead_in_long_enough_for_it_and_the_countdown() -> None:
    timeline = routine(Do(text="Go", duration=5), caution="Keep the pull mild")
    plan = plan_of(timeline, {"Caution: Keep the pull mild.": 6.0})
    assert_sound(plan, timeline)
    caution = plan.phrases[0]
    assert caution.kind is PhraseKind.CAUTION and caution.step == 0 and caution.host == 0
    assert plan.lead_in >= 6.0 + 3.0  # the caution, then the 3 s countdown asked for
    assert session_time(plan, timeline, caution) + 6.0 <= plan.lead_in - 3.0 + 1e-9
    # Re-planned after a key (no lead-in): no caution.
    again = plan_of(timeline, {}, lead_in=None)
    assert all(p.kind is not PhraseKind.CAUTION for p in again.phrases)


def test_an_included_routines_caution_is_said_when_its_part_begins() -> None:
    part = Routine(
        name="part", title="Part", caution="Never beyond vertical",
        steps=(Do(text="Raise the leg", duration=6),),
    )  # fmt: skip
    quiet_before = routine(Rest(duration=12), Include(ref="part", routine=part))
    plan = plan_of(quiet_before, {"Caution: Never beyond vertical.": 3.0})
    assert_sound(plan, quiet_before)
    caution = next(p for p in plan.phrases if p.kind is PhraseKind.CAUTION)
    cue = next(p for p in plan.phrases if p.text == "Raise the leg.")
    assert caution.step == 2 and caution.host == 1  # in the rest, before the part's cue
    assert session_time(plan, quiet_before, caution) < session_time(plan, quiet_before, cue)
    assert quiet_before.segments[1].caution == "Never beyond vertical"
    # With no quiet before it (a count), it comes right after the part's first cue.
    no_quiet = routine(Count(count=3, every=1), Include(ref="part", routine=part))
    plan = plan_of(no_quiet, {"Caution: Never beyond vertical.": 3.0})
    assert_sound(plan, no_quiet)
    kinds = [p.kind for p in plan.phrases if p.step == 2]
    assert kinds[:2] == [PhraseKind.CUE, PhraseKind.CAUTION]


def test_counts_are_spoken_when_speech_is_free_and_beeped_when_a_cue_holds_it() -> None:
    timeline = routine(Count(count=4, every=2, cue="Lower your heels"))
    plan = plan_of(timeline, {"Lower your heels.": 2.5, "2": 0.4, "3": 0.4, "4": 0.4})
    assert_sound(plan, timeline)
    numbers = [p.number for p in plan.phrases if p.kind is PhraseKind.COUNT]
    assert numbers == [3, 4]  # count 2 (at 2 s) falls inside the 2.8 s cue
    assert (PhraseKind.COUNT, 1, "2") in plan.dropped
    # The preview goes in a gap between counts (assert_sound: over none of them).
    preview = next(p for p in plan.phrases if p.kind is PhraseKind.PREVIEW)
    assert preview.text == LAST_STEP_PREVIEW and 2.8 <= preview.at <= 4.0 - 0.5


def test_the_reps_of_a_reps_step_are_counted_out_loud_between_its_cue_and_the_next() -> None:
    timeline = routine(Reps(reps=4, up=1, down=2, cue="Heel raises"))
    plan = plan_of(timeline, {"Heel raises.": 1.5, "2": 0.4, "3": 0.4, "4": 0.4})
    assert_sound(plan, timeline)
    counts = [(p.number, p.text) for p in plan.phrases if p.kind is PhraseKind.COUNT]
    assert counts == [(2, "2"), (3, "3"), (4, "4")]  # rep 1 is the step's own chime and cue


def test_a_side_switch_is_announced_and_the_step_before_previews_past_it() -> None:
    timeline = routine(
        Sides(sides=(Side.RIGHT, Side.LEFT), steps=(Hold(text="Hold {side}", duration=8),))
    )
    plan = plan_of(timeline, {})
    assert_sound(plan, timeline)
    texts = [p.text for p in plan.phrases]
    assert "Switch to your left side." in texts
    assert texts[texts.index("Hold right.") + 1] == "Next: Hold left."


def test_replanning_from_a_step_does_not_move_its_cue_into_the_step_before() -> None:
    timeline = routine(Rest(duration=10), Do(text="Long one", duration=3))
    lengths = {"Long one.": 5.0}
    whole = plan_of(timeline, lengths)
    assert next(p for p in whole.phrases if p.step == 2).host == 1
    again = plan_of(timeline, lengths, first=2, lead_in=None)
    cue = next(p for p in again.phrases if p.step == 2)
    assert cue.host == 2 and cue.speed > 1.0  # no tail to start in: faster
    assert_sound(again, timeline)


def test_a_step_waiting_for_enter_lends_no_quiet_to_the_next_cue() -> None:
    timeline = routine(Prepare(text="Fetch the roller", duration=10, until_ready=True),
                       Do(text="Long one", duration=3))  # fmt: skip
    plan = plan_of(timeline, {"Long one.": 5.0})
    cue = next(p for p in plan.phrases if p.step == 2)
    assert cue.host == 2


def test_validate_estimate_flags_a_cue_that_cannot_fit_and_passes_one_that_can() -> None:
    long_text = "Raise your hips and roll slowly up the calf, pausing on each tender spot you find."
    tight = routine(Count(count=3, every=1), Do(text=long_text, duration=3))
    (unheard,) = unheard_cues(tight)
    assert unheard.segment.index == 2 and unheard.needs > unheard.has
    roomy = routine(Rest(duration=20), Do(text=long_text, duration=3))
    assert unheard_cues(roomy) == []  # the rest before it is quiet enough to start in
    assert estimate_seconds("one two three", 340) < estimate_seconds("one two three", 170)


# ---- the live sink: the plan's phrases at their times, and keys that cut them --------------


class Heard:
    def __init__(self) -> None:
        self.samples: list[int] = []
        self.cuts = 0
        self.events: list[Event] = []

    def output(self, samples: array[int]) -> None:
        self.samples.append(len(samples))

    def cut(self) -> None:
        self.cuts += 1


def play_with_speech(
    timeline: Timeline, lengths: dict[str, float], keys: list[tuple[float, Command]]
) -> tuple[SpeechSink, Heard]:
    heard = Heard()
    sink = SpeechSink(
        PhraseBook(FakeVoice(lengths, default=0.2)),
        timeline,
        output=heard.output,
        cut=heard.cut,
        emit=heard.events.append,
        lead_in=0.0,
    )
    began = time.monotonic()
    controls = ScriptedControls(keys, origin=began)
    Player(timeline, clock=MonotonicClock(), sinks=[sink], controls=controls, lead_in=0.0,
           lead_in_gate=sink.ready).run()  # fmt: skip
    return sink, heard


def test_live_phrases_are_speak_events_and_a_skip_cuts_the_one_being_said() -> None:
    timeline = routine(Do(text="First", duration=3), Do(text="Second", duration=1.5))
    _, heard = play_with_speech(timeline, {"First.": 1.5, "Second.": 0.4}, [(0.8, Command.NEXT)])
    speak = [e for e in heard.events if e.kind is EventKind.SPEAK]
    first = next(e for e in speak if e.text == "First.")
    assert first.cut and first.step == 1 and first.seconds == pytest.approx(1.5)
    assert heard.cuts >= 1
    second = next(e for e in speak if e.text == "Second.")
    assert not second.cut and second.step == 2
    # Step 2 began at the skip (0.8 s): its cue follows its chime then.
    assert 0.8 <= second.actual < 3.0  # re-planned at the skip (the plan had it at 3.28 s)
    assert second.to_json()["seconds"] == pytest.approx(0.4)
    assert "cut" not in second.to_json() and first.to_json()["cut"] is True
    assert speak[-1].text == END_PHRASE
    # Each phrase names its top-level step as every other event does (the end is told with
    # the last step's numbers).
    assert (first.top_step, second.top_step) == (1, 2)
    assert speak[-1].top_step == timeline.segments[speak[-1].step - 1].top


def test_live_mute_cuts_and_says_nothing_until_unmuted() -> None:
    timeline = routine(
        Do(text="First", duration=1.0),
        Do(text="Second", duration=1.0),
        Do(text="Third", duration=1.0),
    )
    _, heard = play_with_speech(
        timeline,
        {"First.": 0.6},
        [(0.4, Command.MUTE), (1.5, Command.MUTE)],
    )
    texts = [(e.text, e.cut) for e in heard.events if e.kind is EventKind.SPEAK]
    assert ("First.", True) in texts
    assert all(text != "Second." for text, _ in texts)  # muted through step 2
    assert ("Third.", False) in texts


# ---- the phrase book: lengths for every phrase, samples within a budget ----------------------


class WanderingVoice(FakeVoice):
    """Like FakeVoice, but each render of a phrase is a little longer than the last (as an
    engine with random variation may be), and its samples say which render they came from."""

    def render(self, text: str, wpm: int) -> tuple[array[int], int]:
        samples, rate = super().render(text, wpm)
        again = sum(1 for seen in self.rendered if seen == (text, wpm))
        return array("h", [again] * (len(samples) + 7 * again)), rate


def test_the_book_keeps_every_length_but_no_more_samples_than_its_budget() -> None:
    voice = FakeVoice({}, default=1.0)  # 1,000 samples, 2,000 bytes at the fake's rate
    book = PhraseBook(voice, budget=10_000)  # type: ignore[arg-type]
    texts = [f"Phrase {n}." for n in range(40)]
    book.render_all(texts)
    assert book.cached_bytes <= 10_000
    assert all(book.known(text) and book.seconds(text) == 1.0 for text in texts)
    assert len(voice.rendered) == 40  # lengths asked again are not rendered again
    for text in texts:  # every phrase played: dropped ones are rendered again, in budget
        assert len(book.samples(text)) == book.frames(text) == SAMPLE_RATE
        assert book.cached_bytes <= 10_000
    assert len(voice.rendered) > 40


def test_identical_phrases_are_rendered_once_while_they_fit() -> None:
    voice = FakeVoice({}, default=0.2)
    book = PhraseBook(voice)  # type: ignore[arg-type]
    book.render_all(["Two.", "Three.", "Two.", "Three."])
    for _ in range(3):
        book.samples("Two.")
    assert voice.rendered == [("Two.", DEFAULT_RATE_WPM), ("Three.", DEFAULT_RATE_WPM)]


def test_a_phrase_rendered_again_keeps_the_length_the_plan_was_made_from() -> None:
    voice = WanderingVoice({}, default=0.5)
    book = PhraseBook(voice, budget=0)  # type: ignore[arg-type]
    planned = book.frames("Hold.")
    first, second = book.samples("Hold."), book.samples("Hold.")
    assert len(voice.rendered) == 3  # kept nothing: rendered for the length and each time
    assert len(first) == len(second) == planned
    assert first != second  # really rendered again (the fake says which render)


def test_cancelling_stops_rendering_all_after_the_phrase_in_hand_and_is_no_failure() -> None:
    voice = FakeVoice({})
    book = PhraseBook(voice)  # type: ignore[arg-type]
    told: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        told.append((done, total))
        if done == 3:
            book.cancel()

    book.render_all([f"Step {n}." for n in range(10)], progress=progress)
    assert told == [(1, 10), (2, 10), (3, 10)]
    assert len(voice.rendered) == 3 and book.failure is None and book.cancelled


# ---- time left, notes, and what --speak leaves out ------------------------------------------


def test_a_long_hold_hears_halfway_ten_seconds_and_three_two_one_at_their_moments() -> None:
    timeline = routine(Hold(text="Hold the stretch", duration=40), Rest(duration=5))
    plan = plan_of(timeline, {}, speak=frozenset({"time"}))
    assert_sound(plan, timeline)
    hold = step_start(plan, timeline, 1)
    said = [
        (p.text, round(session_time(plan, timeline, p) - hold, 6), p.number)
        for p in plan.phrases
        if p.kind is PhraseKind.TIME
    ]
    assert said == [
        (HALFWAY, 20.0, None),
        (TEN_SECONDS, 30.0, None),
        ("Three", 37.0, 3),
        ("Two", 38.0, 2),
        ("One", 39.0, 1),
    ]
    assert plan.said_ticks() == {(1, PhraseKind.TIME, n) for n in (1, 2, 3)}
    assert not any(p.kind in (PhraseKind.PREVIEW, PhraseKind.NOTE) for p in plan.phrases)


def test_a_short_hold_hears_only_its_last_seconds_and_a_20_s_hold_no_halfway() -> None:
    timeline = routine(Hold(text="Hold", duration=20), Hold(text="Again", duration=8))
    plan = plan_of(timeline, {}, speak=frozenset({"time"}))
    by_step = [(p.step, p.text) for p in plan.phrases if p.kind is PhraseKind.TIME]
    assert by_step == [
        (1, TEN_SECONDS), (1, "Three"), (1, "Two"), (1, "One"),
        (2, "Three"), (2, "Two"), (2, "One"),
    ]  # fmt: skip


def test_time_left_yields_to_the_next_cue_that_must_start_early_and_is_beeped() -> None:
    long = "Lie down on your back and bring both knees up to your chest slowly."
    timeline = routine(
        Hold(text="Hold", duration=12), Do(text=long, duration=4), Do(text="Walk", duration=5)
    )
    plan = plan_of(timeline, {"Hold.": 0.5, long: 6.0}, speak=frozenset({"time"}))
    assert_sound(plan, timeline)
    at = starts(plan, timeline)
    second = step_start(plan, timeline, 2)
    assert at[long] < second - 1.5  # it needed the hold's tail...
    # ...so the countdown words it would have covered were dropped (their beeps sound); the
    # one before it is still said.
    dropped = {text for kind, step, text in plan.dropped if kind is PhraseKind.TIME}
    assert dropped == {"Two", "One"}
    assert at["Three"] == pytest.approx(second - 3.0)
    assert plan.said_ticks() == {(1, PhraseKind.TIME, 3)}


def test_a_note_follows_its_cue_before_the_preview_and_a_block_note_is_said_once() -> None:
    timeline = routine(
        Do(text="Rise up", duration=12, note="Weight on all ten toes"),
        Do(text="Lower", duration=12, note="Weight on all ten toes"),
        Do(text="Walk", duration=12, note="Easy steps"),
    )
    plan = plan_of(timeline, {"Next: Lower.": 1.0, "Weight on all ten toes.": 1.5})
    assert_sound(plan, timeline)
    step1 = [(p.kind, p.text) for p in plan.phrases if p.step == 1]
    assert step1 == [
        (PhraseKind.CUE, "Rise up."),
        (PhraseKind.NOTE, "Weight on all ten toes."),
        (PhraseKind.PREVIEW, "Next: Lower."),
    ]
    notes = [(p.step, p.text) for p in plan.phrases if p.kind is PhraseKind.NOTE]
    assert notes == [(1, "Weight on all ten toes."), (3, "Easy steps.")]  # not again on step 2
    # Planned from step 2 (after a skip), its note is said: the person did not hear it there.
    again = plan_of(timeline, {}, first=2, lead_in=None)
    assert [p.step for p in again.phrases if p.kind is PhraseKind.NOTE] == [2, 3]


def test_when_time_is_short_the_note_goes_before_the_preview_and_neither_is_cut() -> None:
    timeline = routine(Do(text="Rise up", duration=4, note="Slowly"), Do(text="Lower", duration=4))
    plan = plan_of(timeline, {"Rise up.": 1.5, "Next: Lower.": 1.5, "Slowly.": 1.5})
    assert_sound(plan, timeline)
    texts = [p.text for p in plan.phrases if p.step == 1]
    assert texts == ["Rise up.", "Next: Lower."]
    assert (PhraseKind.NOTE, 1, "Slowly.") in plan.dropped


def test_speak_none_says_only_cues_cautions_switches_and_the_end() -> None:
    timeline = routine(
        Hold(text="Hold", duration=40, note="Breathe"),
        Count(count=3, every=2, cue="Lower"),
        caution="Gently",
    )
    plan = plan_of(timeline, {}, speak=frozenset())
    kinds = {p.kind for p in plan.phrases}
    assert kinds == {PhraseKind.CAUTION, PhraseKind.CUE, PhraseKind.END}
    everything = plan_of(timeline, {})
    assert {p.kind for p in everything.phrases} == {
        PhraseKind.CAUTION, PhraseKind.CUE, PhraseKind.END, PhraseKind.TIME,
        PhraseKind.COUNT, PhraseKind.PREVIEW, PhraseKind.NOTE,
    }  # fmt: skip


def test_an_export_beeps_the_countdown_seconds_the_plan_could_not_say_and_no_others() -> None:
    from calfkit.export.render import Speak, render_session

    long = "Lie down on your back and bring both knees up to your chest slowly."
    timeline = routine(
        Hold(text="Hold", duration=12),
        Do(text=long, duration=4),
        Hold(text="Again", duration=12),
    )
    voice = FakeVoice({"Hold.": 0.5, long: 6.0})
    made = render_session(timeline, speak=Speak(voice, what=frozenset({"time"})), rate=RATE * 8)  # type: ignore[arg-type]
    beeps = [p.step for p in made.placed if p.what == "countdown"]
    said = [(p.step, p.text) for p in made.placed if p.is_phrase and p.text in COUNTDOWN_TEXTS]
    # Hold 1's last two seconds gave way to the long cue: beeped. The rest were said, and
    # not beeped.
    assert beeps == [1, 1]
    assert said == [(1, "Three"), (3, "Three"), (3, "Two"), (3, "One")]


# ---- at --speed other than 1 -----------------------------------------------------------------


def test_sped_up_phrases_are_rendered_at_the_speeds_rate_up_to_the_bound() -> None:
    voice = FakeVoice({"Rise up.": 2.0})
    twice = PhraseBook(voice, speed=2.0)  # type: ignore[arg-type]
    assert twice.wpm == 2 * DEFAULT_RATE_WPM
    # Routine seconds: 2 s of speech at twice the rate, times the speed, is the routine's 2 s.
    assert twice.seconds("Rise up.") == pytest.approx(2.0)
    four = PhraseBook(voice, speed=4.0)  # type: ignore[arg-type]
    assert four.wpm == four.max_wpm == math.ceil(DEFAULT_RATE_WPM * MAX_RATE_FACTOR)
    assert four.seconds("Rise up.") == pytest.approx(2.0 * DEFAULT_RATE_WPM / four.wpm * 4.0)
    assert speed_wpm(DEFAULT_RATE_WPM, 0.5) == DEFAULT_RATE_WPM  # slower never drawls
    assert PhraseBook(voice).wpm == DEFAULT_RATE_WPM  # as written: as asked


@pytest.mark.parametrize("speed", [1.0, 1.5, 2.0, 4.0])
def test_sped_up_a_cue_waits_for_its_steps_chime_in_clock_time_up_to_half_a_second(
    speed: float,
) -> None:
    """Played faster, the chime lasts longer in routine seconds: the cue waits for the chime
    to end, as at speed 1, unless that would start it later than 0.5 s (of routine time)
    after its step less 50 ms of the clock, which a sound device may take to start it (at
    --speed 4 the cues planned 0.45 s after their step began up to 0.58 s after it)."""
    from calfkit.sound.tones import Sound, seconds

    timeline = routine(*[Do(text=f"Move {k}", duration=8) for k in range(1, 4)])
    lengths = {f"Move {k}.": 1.0 for k in range(1, 4)}
    plan = make_plan(timeline, PhraseBook(FakeVoice(lengths), speed=speed))  # type: ignore[arg-type]
    cues = [p for p in plan.phrases if p.kind is PhraseKind.CUE]
    assert len(cues) == 3
    chime_ends = seconds(Sound.STEP) * speed  # routine seconds the step's chime sounds
    for cue in cues:
        after = session_time(plan, timeline, cue) - step_start(plan, timeline, cue.step)
        most = 0.5 - 0.05 * speed if speed != 1 else 1.0
        assert after <= most + 1e-9
        assert after == pytest.approx(min(chime_ends + 0.05 * speed, most))
        if speed <= 1.5:
            assert after >= chime_ends  # the whole chime, then the cue


def sped_up_routine() -> tuple[Timeline, dict[str, float]]:
    steps = [Do(text=f"Move {k}", duration=4) for k in range(1, 9)]
    # Cue k lasts k x 1.5 s at the normal rate: the first few fit at 4x, the last never do.
    lengths = {f"Move {k}.": 1.5 * k for k in range(1, 9)}
    return routine(*steps, caution="Keep it mild"), lengths


def test_sped_up_every_cue_is_on_time_and_done_by_the_next_step_or_dropped() -> None:
    timeline, lengths = sped_up_routine()
    lengths["Caution: Keep it mild."] = 12.0
    plan = make_plan(timeline, PhraseBook(FakeVoice(lengths), speed=4.0))  # type: ignore[arg-type]
    spoken = {p.step: p for p in plan.phrases if p.kind is PhraseKind.CUE}
    dropped = {step for kind, step, _ in plan.dropped if kind is PhraseKind.CUE}
    assert spoken and dropped  # both happen in this routine
    for segment in timeline.segments:
        assert (segment.index in spoken) != (segment.index in dropped), segment.index
        cue = spoken.get(segment.index)
        if cue is not None:
            begins = session_time(plan, timeline, cue)
            assert begins <= step_start(plan, timeline, segment.index) + CUE_LATE_SECONDS
    # No phrase of a step is heard once the next step has begun.
    for phrase in plan.phrases:
        if phrase.kind in (PhraseKind.END, PhraseKind.CAUTION) or phrase.step == 0:
            continue
        ends = session_time(plan, timeline, phrase) + phrase.seconds
        assert ends <= plan.lead_in + timeline.segments[phrase.step - 1].end + 1e-9, phrase
    # The caution, said at 2.5x the rate, fits the lead-in, which lasts as long as it takes.
    caution = plan.phrases[0]
    assert caution.kind is PhraseKind.CAUTION
    assert caution.seconds == pytest.approx(12.0 * DEFAULT_RATE_WPM / caution.wpm * 4.0)
    assert session_time(plan, timeline, caution) + caution.seconds <= plan.lead_in - 3.0 + 1e-9


def test_at_speed_one_a_long_cue_is_still_never_dropped() -> None:
    timeline, lengths = sped_up_routine()
    plan = make_plan(timeline, PhraseBook(FakeVoice(lengths)))  # type: ignore[arg-type]
    assert_sound(plan, timeline)
    assert not [d for d in plan.dropped if d[0] is PhraseKind.CUE]


def test_sped_up_live_dropped_cues_are_logged_as_dropped_speak_events_with_one_warning() -> None:
    timeline, lengths = sped_up_routine()
    heard, warnings = Heard(), []
    sink = SpeechSink(
        PhraseBook(FakeVoice(lengths), speed=4.0),  # type: ignore[arg-type]
        timeline,
        output=heard.output,
        emit=heard.events.append,
        warn=warnings.append,
        lead_in=0.0,
    )
    Player(timeline, clock=MonotonicClock(), sinks=[sink], speed=4.0, lead_in=0.0,
           lead_in_gate=sink.ready).run()  # fmt: skip
    sink.close()
    assert sink.plan is not None
    left_out = [d for d in sink.plan.dropped if d[0] is PhraseKind.CUE]
    assert len(warnings) == 1
    assert f"{len(left_out)} of {len(timeline.segments)} step cues" in warnings[0]
    speak = [e for e in heard.events if e.kind is EventKind.SPEAK]
    logged = {(e.step, e.text) for e in speak if e.dropped}
    assert {(step, text) for _, step, text in left_out} <= logged
    assert all(e.to_json()["dropped"] is True for e in speak if e.dropped)
    said = {e.step for e in speak if not e.dropped and e.text and e.text.startswith("Move")}
    assert said | {step for _, step, _ in left_out} == {s.index for s in timeline.segments}
