"""The player on a fake clock: exact event times for every step kind and every key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calfkit.library import load
from calfkit.model import (
    Breathe,
    Count,
    Do,
    Hold,
    Prepare,
    Repeat,
    Reps,
    Rest,
    Routine,
    Side,
    Sides,
    Step,
)
from calfkit.player.clock import MonotonicClock
from calfkit.player.engine import Player, extension
from calfkit.player.events import Command, Event, EventKind, NoControls, Outcome, Status
from calfkit.testing import FakeClock, RecordingSink, ScriptedControls, play_fast
from calfkit.timeline import Timeline, compile_routine

BUILTINS = sorted((Path(__file__).parent.parent.parent / "routines").glob("*.yaml"))
K = EventKind
P, N, B, X, M, Q, E = (
    Command.PAUSE,
    Command.NEXT,
    Command.BACK,
    Command.EXTEND,
    Command.MUTE,
    Command.QUIT,
    Command.ENTER,
)


def timeline(*steps: Step) -> Timeline:
    return compile_routine(Routine(name="test", title="Test", steps=steps))


def trace(events: list[Event]) -> list[tuple[object, ...]]:
    """Events without TICKs, as (kind, step, scheduled[, number][, phase])."""
    out: list[tuple[object, ...]] = []
    for e in events:
        if e.kind is K.TICK:
            continue
        row: tuple[object, ...] = (e.kind.value, e.step, e.scheduled)
        if e.number is not None:
            row += (e.number,)
        if e.phase is not None:
            row += (e.phase,)
        out.append(row)
    return out


EVERY_KIND = timeline(
    Prepare(text="Lie down", duration=2),
    Hold(text="Hold", duration=4),
    Count(count=3, every=2),
    Breathe(breaths=2, inhale=1, exhale=2),
    Rest(duration=2),
)


def test_every_step_kind_fires_its_events_at_exact_times() -> None:
    played = play_fast(EVERY_KIND)
    assert trace(played.events) == [
        ("start", 0, 0.0),
        ("step", 1, 0.0),
        ("step", 2, 2.0),
        ("countdown", 2, 3.0, 3),
        ("countdown", 2, 4.0, 2),
        ("countdown", 2, 5.0, 1),
        ("step", 3, 6.0),
        ("count", 3, 6.0, 1),
        ("count", 3, 8.0, 2),
        ("count", 3, 10.0, 3),
        ("step", 4, 12.0),
        ("breath", 4, 12.0, 1, "inhale"),
        ("breath", 4, 13.0, 1, "exhale"),
        ("breath", 4, 15.0, 2, "inhale"),
        ("breath", 4, 16.0, 2, "exhale"),
        ("step", 5, 18.0),
        ("finish", 5, 20.0),
    ]
    assert all(e.actual == e.scheduled for e in played.events)
    assert played.outcome == Outcome(
        status=Status.FINISHED,
        step=5,
        steps_total=5,
        steps_done=5,
        steps_skipped=0,
        played_seconds=20.0,
        paused_seconds=0.0,
        top_step=5,
        tops_total=5,
        planned_seconds=20.0,
        done_seconds=20.0,
    )


def test_start_comes_first_with_the_timeline_and_steps_carry_their_text() -> None:
    played = play_fast(EVERY_KIND)
    start = played.events[0]
    assert (start.kind, start.timeline, start.step, start.ends_at) == (
        K.START,
        EVERY_KIND,
        0,
        20.0,
    )
    steps = played.sink.of(K.STEP)
    assert [e.text for e in steps] == ["Lie down", "Hold", "Count to 3", "Breathe", "Rest"]
    assert [e.segment for e in steps] == list(EVERY_KIND.segments)
    assert [e.step_ends_at for e in steps] == [2.0, 6.0, 12.0, 18.0, 20.0]
    assert {e.ends_at for e in steps} == {20.0}


def test_start_says_when_the_routine_ends_whatever_the_clock_reads_at_the_start() -> None:
    # A real clock does not start at 0: START's end time must not come from a stale anchor.
    sink = RecordingSink()
    clock = FakeClock(start=5000.0)
    Player(EVERY_KIND, clock=clock, sinks=[sink], lead_in=3, speed=2).run()
    start = sink.events[0]
    assert start.kind is K.START
    assert start.ends_at == (3 + 20) / 2
    assert {e.ends_at for e in sink.of(K.LEAD_IN, K.STEP)} == {11.5}


def test_the_clock_only_ever_waits_for_a_scheduled_event() -> None:
    played = play_fast(EVERY_KIND)
    scheduled = {e.scheduled for e in played.events}
    assert set(played.clock.sleeps) <= scheduled
    assert played.clock.sleeps == sorted(played.clock.sleeps)


def test_ticks_mark_whole_seconds_with_the_seconds_left() -> None:
    played = play_fast(timeline(Do(text="a", duration=3), Do(text="b", duration=2.5)))
    ticks = [(e.step, e.scheduled, e.number) for e in played.sink.of(K.TICK)]
    assert ticks == [(1, 1.0, 2), (1, 2.0, 1), (2, 4.0, 2), (2, 5.0, 1)]


def test_a_cue_fires_before_the_redraw_tick_at_the_same_moment() -> None:
    played = play_fast(timeline(Hold(text="Hold", duration=3)))
    assert played.sink.kinds(ticks=True)[2:6] == [K.COUNTDOWN, K.COUNTDOWN, K.TICK, K.COUNTDOWN]


def test_lead_in_counts_down_then_the_first_step_starts() -> None:
    played = play_fast(EVERY_KIND, lead_in=3)
    assert trace(played.events)[:5] == [
        ("start", 0, 0.0),
        ("lead_in", 0, 0.0, 3),
        ("lead_in", 0, 1.0, 2),
        ("lead_in", 0, 2.0, 1),
        ("step", 1, 3.0),
    ]
    assert played.sink.of(K.FINISH)[0].scheduled == 23.0
    assert played.sink.of(K.LEAD_IN)[0].ends_at == 23.0


def test_a_fractional_lead_in_starts_on_its_exact_time() -> None:
    played = play_fast(EVERY_KIND, lead_in=2.5)
    assert played.sink.times(K.LEAD_IN) == [0.0, 0.5, 1.5]
    assert played.sink.of(K.STEP)[0].scheduled == 2.5


def test_speed_divides_every_time_including_the_lead_in() -> None:
    played = play_fast(EVERY_KIND, lead_in=3, speed=4)
    assert played.sink.times(K.LEAD_IN) == [0.0, 0.25, 0.5]
    assert played.sink.times(K.STEP) == [0.75, 1.25, 2.25, 3.75, 5.25]
    assert played.sink.times(K.COUNT) == [2.25, 2.75, 3.25]
    assert played.sink.times(K.FINISH) == [5.75]
    # Clock seconds, the lead-in left out (as the summary and history show them).
    assert played.outcome.played_seconds == 5.0
    assert played.outcome.lead_in_seconds == 0.75


def test_from_starts_at_a_top_level_step() -> None:
    tl = timeline(
        Do(text="one", duration=5),
        Repeat(rounds=2, steps=(Do(text="two", duration=3),)),
        Do(text="three", duration=4),
    )
    played = play_fast(tl, start_top=2)
    assert trace(played.events) == [
        ("start", 0, 0.0),
        ("step", 2, 0.0),
        ("step", 3, 3.0),
        ("step", 4, 6.0),
        ("finish", 4, 10.0),
    ]
    assert played.sink.of(K.STEP)[0].ends_at == 10.0
    assert played.outcome.steps_done == 3
    assert played.outcome.steps_total == 4


def test_start_step_begins_mid_round_at_a_timed_step_after_the_lead_in() -> None:
    tl = timeline(
        Do(text="one", duration=5),
        Repeat(rounds=2, steps=(Do(text="two", duration=3),)),
        Do(text="three", duration=4),
    )
    played = play_fast(tl, start_step=3, lead_in=2.0)
    assert trace(played.events)[1:] == [
        ("lead_in", 0, 0.0, 2),
        ("lead_in", 0, 1.0, 1),
        ("step", 3, 2.0),
        ("step", 4, 5.0),
        ("finish", 4, 9.0),
    ]
    assert played.sink.of(K.STEP)[0].top_step == 2
    assert played.player.start_top == 2
    with pytest.raises(ValueError, match="must be a timed step"):
        Player(tl, clock=FakeClock(), sinks=[], start_step=5)


@pytest.mark.parametrize("start_top", [0, 4])
def test_from_outside_the_routine_is_refused(start_top: int) -> None:
    with pytest.raises(ValueError, match="between 1 and 3"):
        Player(
            timeline(Do(text="a", duration=1), Do(text="b", duration=1), Do(text="c", duration=1)),
            clock=FakeClock(),
            sinks=[],
            start_top=start_top,
        )


def test_rounds_play_with_rest_between_but_not_after_the_last() -> None:
    tl = timeline(Repeat(rounds=3, rest_between=5, steps=(Do(text="Rise", duration=4),)))
    played = play_fast(tl)
    steps = [
        (e.text, e.scheduled, e.segment.where if e.segment else None)
        for e in played.sink.of(K.STEP)
    ]
    assert steps == [
        ("Rise", 0.0, ("Round 1 of 3",)),
        ("Rest", 4.0, ("Round 1 of 3",)),
        ("Rise", 9.0, ("Round 2 of 3",)),
        ("Rest", 13.0, ("Round 2 of 3",)),
        ("Rise", 18.0, ("Round 3 of 3",)),
    ]
    assert played.sink.times(K.FINISH) == [22.0]


def test_sides_play_the_same_steps_with_a_switch_between() -> None:
    tl = timeline(
        Sides(
            sides=(Side.RIGHT, Side.LEFT),
            switch=5,
            steps=(Hold(text="Press your {side} heel", duration=10),),
        )
    )
    played = play_fast(tl)
    assert [(e.kind, e.text, e.scheduled) for e in played.sink.of(K.STEP, K.SWITCH)] == [
        (K.STEP, "Press your right heel", 0.0),
        (K.SWITCH, "Switch to your left side", 10.0),
        (K.STEP, "Press your left heel", 15.0),
    ]
    assert played.sink.times(K.COUNTDOWN) == [7.0, 8.0, 9.0, 22.0, 23.0, 24.0]


READY = timeline(
    Do(text="Set up the roller", duration=10.0, until_ready=True),
    Hold(text="Roll", duration=5),
)


def test_a_ready_step_lasts_ten_seconds_where_keys_cannot_be_read() -> None:
    played = play_fast(READY, keys=[(3.0, E)])
    assert trace(played.events)[:3] == [("start", 0, 0.0), ("step", 1, 0.0), ("step", 2, 10.0)]
    assert K.WAITING not in played.sink.kinds()
    assert played.sink.times(K.FINISH) == [15.0]


def test_a_ready_step_waits_for_enter_when_keys_can_be_read() -> None:
    played = play_fast(READY, keys=[(37.5, E)], keys_interactive=True)
    assert trace(played.events) == [
        ("start", 0, 0.0),
        ("step", 1, 0.0),
        ("waiting", 1, 0.0),
        ("ready", 1, 37.5),
        ("step", 2, 37.5),
        ("countdown", 2, 39.5, 3),
        ("countdown", 2, 40.5, 2),
        ("countdown", 2, 41.5, 1),
        ("finish", 2, 42.5),
    ]
    first, waiting = played.sink.of(K.STEP)[0], played.sink.of(K.WAITING)[0]
    assert (first.step_ends_at, first.ends_at) == (None, None)
    assert (waiting.step_ends_at, waiting.ends_at) == (None, None)
    assert played.sink.of(K.STEP)[1].ends_at == 42.5
    assert played.sink.of(K.TICK)[0].step == 2
    assert played.outcome.steps_done == 2


def test_pause_shifts_every_remaining_deadline_by_exactly_the_paused_time() -> None:
    plain = play_fast(EVERY_KIND)
    paused = play_fast(EVERY_KIND, keys=[(7.25, P), (19.0, P)])
    shift = 19.0 - 7.25
    before = [e for e in plain.events if e.scheduled <= 7.25]
    after = [e for e in plain.events if e.scheduled > 7.25]
    got = [e for e in paused.events if e.kind not in (K.PAUSE, K.RESUME)]
    assert [(e.kind, e.scheduled) for e in got] == [(e.kind, e.scheduled) for e in before] + [
        (e.kind, e.scheduled + shift) for e in after
    ]
    pause, resume = paused.sink.of(K.PAUSE)[0], paused.sink.of(K.RESUME)[0]
    assert (pause.scheduled, pause.step_ends_at, pause.ends_at) == (7.25, None, None)
    assert (resume.scheduled, resume.step_ends_at, resume.ends_at) == (19.0, 23.75, 31.75)
    assert paused.outcome.paused_seconds == shift
    assert paused.outcome.played_seconds == 20.0


def test_pause_during_the_lead_in_delays_the_first_step() -> None:
    played = play_fast(EVERY_KIND, lead_in=3, keys=[(1.5, P), (4.0, P)])
    assert played.sink.times(K.LEAD_IN) == [0.0, 1.0, 4.5]
    assert played.sink.of(K.STEP)[0].scheduled == 5.5


def test_extend_lengthens_only_the_step_in_progress() -> None:
    tl = timeline(Hold(text="Hold", duration=30), Do(text="Next", duration=5))
    played = play_fast(tl, keys=[(10.0, X)])
    assert trace(played.events) == [
        ("start", 0, 0.0),
        ("step", 1, 0.0),
        ("extend", 1, 10.0, 10),
        ("countdown", 1, 37.0, 3),
        ("countdown", 1, 38.0, 2),
        ("countdown", 1, 39.0, 1),
        ("step", 2, 40.0),
        ("finish", 2, 45.0),
    ]
    extend = played.sink.of(K.EXTEND)[0]
    assert (extend.step_ends_at, extend.ends_at) == (40.0, 45.0)
    assert played.sink.of(K.STEP)[1].step_ends_at == 45.0
    ticks = [(e.scheduled, e.number) for e in played.sink.of(K.TICK) if e.step == 1]
    assert ticks[9:12] == [(10.0, 20), (11.0, 29), (12.0, 28)]
    assert ticks[-1] == (39.0, 1)


def test_extending_late_in_a_hold_replays_the_countdown_at_the_new_end() -> None:
    tl = timeline(Hold(text="Hold", duration=10))
    played = play_fast(tl, keys=[(8.5, X), (9.0, X)])
    assert played.sink.times(K.COUNTDOWN) == [7.0, 8.0, 27.0, 28.0, 29.0]
    assert played.sink.times(K.FINISH) == [30.0]


def test_extend_keeps_counts_in_place_and_adds_counts_worth_ten_seconds_after_them() -> None:
    played = play_fast(timeline(Count(count=3, every=2)), keys=[(1.0, X)])
    # 5 more counts of 2 s: nothing stands still at "3 / 3" for 10 s.
    assert played.sink.times(K.COUNT) == [0.0, 2.0, 4.0, 6.0, 8.0, 10.0, 12.0, 14.0]
    assert [(e.number, e.of) for e in played.sink.of(K.COUNT)] == [(1, 3)] + [
        (n, 8) for n in range(2, 9)
    ]
    extend = played.sink.of(K.EXTEND)[0]
    assert (extend.number, extend.of, extend.text) == (10, 8, "5 more counts")
    assert played.sink.times(K.FINISH) == [16.0]


def test_extend_on_a_count_adds_at_least_ten_seconds_of_counts_in_its_rhythm() -> None:
    played = play_fast(timeline(Count(count=4, every=3)), keys=[(10.0, X)])
    # ceil(10 / 3) = 4 more counts: 12 s, and "4 / 8" straight away.
    extend = played.sink.of(K.EXTEND)[0]
    assert (extend.of, extend.text, extend.step_left) == (8, "4 more counts", 14.0)
    assert played.sink.times(K.COUNT)[4:] == [12.0, 15.0, 18.0, 21.0]
    assert played.sink.times(K.FINISH) == [24.0]


def test_extend_on_breathing_adds_whole_breaths() -> None:
    played = play_fast(timeline(Breathe(breaths=2, inhale=2, exhale=3)), keys=[(1.0, X)])
    # Breaths of 5 s: two more make 10 s.
    breaths = [(e.scheduled, e.number, e.of, e.phase) for e in played.sink.of(K.BREATH)]
    assert breaths[-4:] == [
        (10.0, 3, 4, "inhale"),
        (12.0, 3, 4, "exhale"),
        (15.0, 4, 4, "inhale"),
        (17.0, 4, 4, "exhale"),
    ]
    assert played.sink.of(K.EXTEND)[0].text == "2 more breaths"
    assert played.sink.times(K.FINISH) == [20.0]


def test_extend_stops_at_the_two_hour_step_limit_and_says_so_once() -> None:
    tl = timeline(Hold(text="Hold", duration=60), Do(text="Next", duration=5))
    keys = [(1.0 + i / 1000, X) for i in range(2000)] + [(2.0, N)] + [(2.5, X)] * 2
    played = play_fast(tl, keys=keys)
    on_hold = [e for e in played.sink.of(K.EXTEND) if e.step == 1]
    assert len(on_hold) == (7200 - 60) // 10  # up to exactly 2 h, then no more
    assert max(e.step_left or 0 for e in on_hold) <= 7200
    warnings = played.sink.of(K.WARNING)
    assert [(w.step, w.text) for w in warnings] == [(1, "+ adds no more: a step lasts 2h at most")]
    # The next step starts afresh: + works there again.
    assert [e.step for e in played.sink.of(K.EXTEND)][-2:] == [2, 2]


def test_extend_on_a_count_stops_where_one_more_press_would_pass_two_hours() -> None:
    # 7 s counts: each + adds 2 counts (14 s); the step may reach 7196 s but never 7210 s.
    played = play_fast(timeline(Count(count=2, every=7)), keys=[(1.0, X)] * 600)
    extends = played.sink.of(K.EXTEND)
    assert len(extends) == (7200 - 14) // 14
    assert extends[-1].of == 2 + 2 * len(extends)
    counts = played.sink.of(K.COUNT)
    assert len(counts) == extends[-1].of and counts[-1].number == counts[-1].of
    assert played.sink.times(K.FINISH) == [14.0 + 14 * len(extends)]
    assert len(played.sink.of(K.WARNING)) == 1


def test_extend_on_a_very_fast_count_stops_at_the_routines_event_limit_and_says_so_once() -> None:
    # 1 ms counts: each + adds 10,000 counts. Unbounded, a held + planned millions of them
    # (2 h of 0.1 ms counts is 72 million) and the player's memory grew past the machine's;
    # a step stays within the 100,000 timed events a whole routine may have.
    played = play_fast(timeline(Count(count=1000, every=0.001)), keys=[(0.5, X)] * 20)
    extends = played.sink.of(K.EXTEND)
    assert [e.of for e in extends] == [1000 + 10_000 * n for n in range(1, 10)]
    assert [w.text for w in played.sink.of(K.WARNING)] == [
        "+ adds no more: a step has 100,000 timed events at most"
    ]
    assert len(played.sink.of(K.COUNT)) == 91_000


def test_extending_a_hold_again_and_again_keeps_ticks_and_countdown_in_step() -> None:
    played = play_fast(timeline(Hold(text="Hold", duration=5)), keys=[(1.0, X), (2.5, X)])
    ticks = [(e.scheduled, e.number) for e in played.sink.of(K.TICK)]
    # A key at the same moment as a TICK acts after it: 1 s in, 4 s were left of 5.
    assert ticks == [(1.0, 4), (2.0, 13)] + [(float(s), 25 - s) for s in range(3, 25)]
    assert played.sink.times(K.COUNTDOWN) == [22.0, 23.0, 24.0]
    assert played.sink.times(K.FINISH) == [25.0]


def test_extend_while_paused_counts_from_the_resumed_clock() -> None:
    played = play_fast(
        timeline(Hold(text="Hold", duration=10)), keys=[(2.0, P), (3.0, X), (5.0, P)]
    )
    assert played.sink.of(K.EXTEND)[0].step_ends_at is None
    assert played.sink.times(K.FINISH) == [23.0]


def test_skip_goes_to_the_next_step_from_now() -> None:
    played = play_fast(EVERY_KIND, keys=[(3.5, N)])
    assert trace(played.events)[:6] == [
        ("start", 0, 0.0),
        ("step", 1, 0.0),
        ("step", 2, 2.0),
        ("countdown", 2, 3.0, 3),
        ("skip", 2, 3.5),
        ("step", 3, 3.5),
    ]
    assert played.sink.times(K.COUNT) == [3.5, 5.5, 7.5]
    assert played.sink.times(K.FINISH) == [17.5]
    assert (played.outcome.steps_done, played.outcome.steps_skipped) == (4, 1)


def test_skipping_the_last_step_finishes() -> None:
    played = play_fast(timeline(Do(text="a", duration=5)), keys=[(1.0, N)])
    assert trace(played.events) == [
        ("start", 0, 0.0),
        ("step", 1, 0.0),
        ("skip", 1, 1.0),
        ("finish", 1, 1.0),
    ]
    assert played.outcome.status is Status.FINISHED


def test_skip_during_the_lead_in_starts_at_once() -> None:
    played = play_fast(EVERY_KIND, lead_in=3, keys=[(0.5, N)])
    assert trace(played.events)[:4] == [
        ("start", 0, 0.0),
        ("lead_in", 0, 0.0, 3),
        ("skip", 0, 0.5),
        ("step", 1, 0.5),
    ]
    assert played.sink.times(K.FINISH) == [20.5]


def test_skip_while_paused_resumes_then_skips() -> None:
    played = play_fast(EVERY_KIND, keys=[(1.0, P), (4.0, N)])
    assert trace(played.events)[:5] == [
        ("start", 0, 0.0),
        ("step", 1, 0.0),
        ("pause", 1, 1.0),
        ("resume", 1, 4.0),
        ("skip", 1, 4.0),
    ]
    assert played.sink.of(K.STEP)[1].scheduled == 4.0


def test_back_restarts_the_step_and_again_goes_to_the_step_before() -> None:
    played = play_fast(EVERY_KIND, keys=[(5.0, B), (6.5, B)])
    assert trace(played.events)[:10] == [
        ("start", 0, 0.0),
        ("step", 1, 0.0),
        ("step", 2, 2.0),
        ("countdown", 2, 3.0, 3),
        ("countdown", 2, 4.0, 2),
        ("countdown", 2, 5.0, 1),
        ("back", 2, 5.0),
        ("step", 2, 5.0),
        ("countdown", 2, 6.0, 3),
        ("back", 1, 6.5),
    ]
    assert trace(played.events)[10:12] == [("step", 1, 6.5), ("step", 2, 8.5)]
    assert played.sink.times(K.FINISH) == [26.5]


def test_back_on_the_first_step_restarts_it() -> None:
    played = play_fast(EVERY_KIND, keys=[(0.5, B)])
    assert trace(played.events)[:4] == [
        ("start", 0, 0.0),
        ("step", 1, 0.0),
        ("back", 1, 0.5),
        ("step", 1, 0.5),
    ]


def test_back_two_seconds_or_more_after_a_step_began_restarts_it() -> None:
    played = play_fast(EVERY_KIND, keys=[(4.0, B)])
    assert [(e.step, e.scheduled) for e in played.sink.of(K.BACK)] == [(2, 4.0)]


def test_quit_stops_with_the_step_reached() -> None:
    played = play_fast(EVERY_KIND, keys=[(7.0, Q)])
    stop = played.events[-1]
    assert (stop.kind, stop.text, stop.step, stop.scheduled) == (K.STOP, "quit", 3, 7.0)
    assert played.outcome == Outcome(
        status=Status.STOPPED,
        step=3,
        steps_total=5,
        steps_done=2,
        steps_skipped=0,
        played_seconds=7.0,
        paused_seconds=0.0,
        top_step=3,
        tops_total=5,
        planned_seconds=20.0,
        done_seconds=6.0,
    )
    assert played.sink.closed


def test_quit_while_paused_counts_the_pause() -> None:
    played = play_fast(EVERY_KIND, keys=[(3.0, P), (9.0, Q)])
    assert (played.outcome.played_seconds, played.outcome.paused_seconds) == (3.0, 6.0)


@pytest.mark.parametrize("keys", [[], [(7.0, Q)], [(3.0, P), (9.0, Q)], [(1.0, N), (2.0, N)]])
def test_the_final_event_carries_the_outcome_and_no_other_event_does(
    keys: list[tuple[float, Command]],
) -> None:
    played = play_fast(EVERY_KIND, keys=keys, lead_in=2)
    *before, final = played.events
    assert final.kind in (K.FINISH, K.STOP)
    assert final.outcome is played.outcome
    assert all(e.outcome is None for e in before)


def test_the_outcome_tells_the_lead_in_apart_pauses_left_out() -> None:
    played = play_fast(EVERY_KIND, lead_in=3, keys=[(1.5, P), (4.0, P)])
    assert (played.outcome.lead_in_seconds, played.outcome.paused_seconds) == (3.0, 2.5)
    # Neither the summary nor history counts the lead-in as played.
    assert played.outcome.played_seconds == EVERY_KIND.total


@pytest.mark.parametrize(
    ("keys", "lead_in_seconds", "played_seconds"),
    [
        ([(1.0, Q)], 1.0, 0.0),  # stopped before any step began: all of it was lead-in
        ([(1.0, N), (4.0, Q)], 1.0, 3.0),  # the lead-in skipped after 1 s
    ],
)
def test_the_lead_in_ends_when_the_first_step_begins(
    keys: list[tuple[float, Command]], lead_in_seconds: float, played_seconds: float
) -> None:
    played = play_fast(EVERY_KIND, lead_in=3, keys=keys)
    assert (played.outcome.lead_in_seconds, played.outcome.played_seconds) == (
        lead_in_seconds,
        played_seconds,
    )


def test_mute_toggles_and_changes_no_time() -> None:
    played = play_fast(EVERY_KIND, keys=[(1.0, M), (2.0, M)])
    assert trace(played.events)[2:5] == [("mute", 1, 1.0), ("step", 2, 2.0), ("unmute", 2, 2.0)]
    assert played.sink.times(K.FINISH) == [20.0]
    assert played.player.muted is False


def test_keys_at_the_same_moment_as_a_deadline_come_after_its_events() -> None:
    played = play_fast(EVERY_KIND, keys=[(2.0, P), (3.0, P)])
    assert trace(played.events)[1:5] == [
        ("step", 1, 0.0),
        ("step", 2, 2.0),
        ("pause", 2, 2.0),
        ("resume", 2, 3.0),
    ]


def test_a_slow_sink_delays_events_but_never_the_plan() -> None:
    clock = FakeClock()

    class Slow(RecordingSink):
        def handle(self, event: Event) -> None:
            super().handle(event)
            clock.advance(0.3)

    slow = Slow()
    Player(EVERY_KIND, clock=clock, sinks=[slow], lead_in=0).run()
    plain = play_fast(EVERY_KIND)
    assert [(e.kind, e.scheduled) for e in slow.events] == [
        (e.kind, e.scheduled) for e in plain.events
    ]
    assert slow.of(K.FINISH)[0].scheduled == 20.0
    assert all(e.actual >= e.scheduled for e in slow.events)
    # Lateness does not pile up: the last events are late by the sink's own time, no more.
    assert slow.of(K.FINISH)[0].actual - 20.0 < 1.0


def test_an_hour_long_session_with_every_key_plays_exactly_in_milliseconds() -> None:
    # 30 rounds of a minute's hold, 30 s rest, 20 counts of 1.5 s and 3 breaths: 75 minutes.
    tl = timeline(
        Repeat(
            rounds=30,
            steps=(
                Hold(text="Hold", duration=60),
                Rest(duration=30),
                Count(count=20, every=1.5),
                Breathe(breaths=3, inhale=4, exhale=6),
            ),
        )
    )
    assert tl.total == 4500.0
    keys = [
        (100.0, P),
        (160.0, P),
        (1000.5, N),
        (2000.0, X),
        (2000.0, X),
        (3000.25, B),
        (3600.0, P),
        (3600.0, M),
        (3630.0, P),
    ]
    played = play_fast(tl, keys=keys)
    starts = {e.segment.index: e.scheduled for e in played.sink.of(K.STEP) if e.segment}

    # Without keys, segment i starts at its timeline offset. Work out each key's effect.
    def at(index: int) -> float:
        return tl.segments[index - 1].start

    # Round r (0-based) starts at 150*r; segments 4r+1.. are hold, rest, count, breathe.
    # Pause 100-160 falls in round 0's count (90-120): everything after moves by 60.
    assert starts[3] == 90.0
    assert starts[4] == at(4) + 60.0
    # 1000.5 is 940.5 on the timeline: round 6's hold (segment 25, 900-960) is cut short.
    assert starts[26] == 1000.5
    shift = 1000.5 - at(26)
    assert starts[27] == at(27) + shift
    # 2000.0 is timeline 2000 - shift; two extends add 20 s to that step only.
    current = max(i for i, s in starts.items() if s <= 2000.0 and i < 60)
    assert starts[current + 1] == at(current + 1) + shift + 20.0
    shift += 20.0
    # Back at 3000.25 restarts the step in progress (begun more than 2 s before).
    back = played.sink.of(K.BACK)[0]
    assert back.scheduled == 3000.25
    restarted = back.step
    assert 3000.25 - (at(restarted) + shift) >= 2.0
    shift += 3000.25 - (at(restarted) + shift)
    assert starts[restarted] == 3000.25
    assert starts[restarted + 1] == at(restarted + 1) + shift
    # Pause 3600-3630 adds 30 s; the mute changes nothing.
    shift += 30.0
    assert played.sink.times(K.FINISH) == [4500.0 + shift]
    assert starts[120] == at(120) + shift
    assert [e.kind for e in played.sink.of(K.MUTE, K.UNMUTE)] == [K.MUTE]
    assert played.outcome.paused_seconds == 90.0
    assert played.outcome.steps_skipped == 1
    assert played.outcome.steps_done == 119
    # Every wait was on a deadline some event was scheduled for, and all fired on time.
    assert set(played.clock.sleeps) <= {e.scheduled for e in played.events}
    assert all(e.actual == e.scheduled for e in played.events)


@pytest.mark.parametrize("path", BUILTINS, ids=lambda p: p.stem)
def test_every_builtin_routine_plays_to_the_end(path: Path) -> None:
    tl = compile_routine(load(path))
    played = play_fast(tl, lead_in=3)
    assert played.outcome.status is Status.FINISHED
    assert played.sink.times(K.FINISH) == [pytest.approx(3.0 + tl.total, abs=1e-9)]
    steps = played.sink.of(K.STEP, K.SWITCH)
    assert [e.segment for e in steps] == list(tl.segments)
    assert [e.scheduled for e in steps] == pytest.approx(
        [3.0 + s.start for s in tl.segments], abs=1e-9
    )
    cues = played.sink.of(K.COUNT, K.COUNTDOWN, K.BREATH)
    assert len(cues) == sum(len(s.ticks) for s in tl.segments)
    assert played.outcome.steps_done == len(tl.segments)


def test_there_are_builtin_routines_to_play() -> None:
    assert len(BUILTINS) >= 3


class Exploding(RecordingSink):
    def __init__(self, on: EventKind, error: BaseException) -> None:
        super().__init__()
        self.on, self.error = on, error

    def handle(self, event: Event) -> None:
        super().handle(event)
        if event.kind is self.on:
            raise self.error


def test_a_sink_that_raises_stops_the_session_and_every_sink_is_closed() -> None:
    before, bad, after = RecordingSink(), Exploding(K.COUNT, ValueError("boom")), RecordingSink()
    player = Player(EVERY_KIND, clock=FakeClock(), sinks=[before, bad, after], lead_in=0)
    with pytest.raises(ValueError, match="boom"):
        player.run()
    assert before.closed and bad.closed and after.closed
    for sink in (before, after):
        assert sink.events[-1].kind is K.STOP
        assert sink.events[-1].text == "error"
        assert sink.events[-1].outcome is player.outcome
    assert player.outcome is not None
    assert player.outcome.status is Status.ERROR
    assert player.outcome.step == 3


@pytest.mark.parametrize(
    ("error", "reason", "status"),
    [
        (KeyboardInterrupt(), "interrupted", Status.INTERRUPTED),
        (SystemExit(143), "terminated", Status.TERMINATED),
        (RuntimeError("x"), "error", Status.ERROR),
    ],
)
def test_an_interruption_tells_every_sink_why_and_closes_them(
    error: BaseException, reason: str, status: Status
) -> None:
    class Interrupting(ScriptedControls):
        def wait(self, clock: object, deadline: float | None) -> Command | None:
            if deadline is not None and deadline >= 5.0:
                raise error
            return super().wait(clock, deadline)  # type: ignore[arg-type]

    sink = RecordingSink()
    player = Player(
        EVERY_KIND, clock=FakeClock(), sinks=[sink], controls=Interrupting([]), lead_in=0
    )
    with pytest.raises(type(error)):
        player.run()
    assert sink.closed
    assert (sink.events[-1].kind, sink.events[-1].text) == (K.STOP, reason)
    assert player.outcome is not None
    assert player.outcome.status is status
    assert sink.events[-1].outcome is player.outcome


def test_a_sink_whose_close_fails_does_not_keep_the_others_open() -> None:
    class BadClose(RecordingSink):
        def close(self) -> None:
            super().close()
            raise OSError("disk gone")

    first, last = BadClose(), RecordingSink()
    player = Player(EVERY_KIND, clock=FakeClock(), sinks=[first, last], lead_in=0)
    with pytest.raises(OSError, match="disk gone"):
        player.run()
    assert first.closed and last.closed


def test_no_controls_just_sleeps_to_each_deadline() -> None:
    clock = FakeClock()
    sink = RecordingSink()
    Player(EVERY_KIND, clock=clock, sinks=[sink], controls=NoControls(), lead_in=0).run()
    assert sink.times(K.FINISH) == [20.0]
    with pytest.raises(RuntimeError):
        NoControls().wait(clock, None)


def test_interactive_keys_need_controls() -> None:
    with pytest.raises(ValueError, match="controls"):
        Player(READY, clock=FakeClock(), sinks=[], keys_interactive=True)


@pytest.mark.parametrize("speed", [0.0, -1.0, float("inf"), float("nan")])
def test_a_speed_that_is_not_a_positive_number_is_refused(speed: float) -> None:
    with pytest.raises(ValueError, match="speed"):
        Player(EVERY_KIND, clock=FakeClock(), sinks=[], speed=speed)


def test_the_real_clock_plays_on_time() -> None:
    sink = RecordingSink()
    tl = timeline(Count(count=5, every=1), Hold(text="Hold", duration=3))
    outcome = Player(tl, clock=MonotonicClock(), sinks=[sink], speed=40, lead_in=1).run()
    assert outcome.status is Status.FINISHED
    finish = sink.of(K.FINISH)[0]
    assert finish.scheduled == pytest.approx(9 / 40)
    # A hang guard only: exact timing is the drift oracle's (on the fake clock) and
    # bench/timing.py's (on this clock); a loaded machine may make any event late.
    assert max(e.actual - e.scheduled for e in sink.events) < 1.0
    assert all(e.actual >= e.scheduled for e in sink.events)


LEAVES = st.one_of(
    st.builds(lambda d: Do(text="do", duration=d), st.integers(1, 20).map(float)),
    st.builds(
        lambda d, c: Hold(text="hold", duration=d, countdown=c),
        st.sampled_from([0.5, 1.0, 2.5, 4.0, 30.0]),
        st.integers(0, 5),
    ),
    st.builds(
        lambda n, e: Count(count=n, every=e), st.integers(1, 12), st.sampled_from([0.25, 1.0, 1.5])
    ),
    st.builds(
        lambda n, i, x: Breathe(breaths=n, inhale=i, exhale=x),
        st.integers(1, 4),
        st.sampled_from([1.0, 4.0]),
        st.sampled_from([0.5, 6.0]),
    ),
    st.builds(lambda d: Rest(duration=d), st.sampled_from([1.0, 5.0, 7.5])),
)
STEPS = st.recursive(
    LEAVES,
    lambda inner: st.one_of(
        st.builds(
            lambda r, s, b: Repeat(rounds=r, steps=tuple(s), rest_between=b),
            st.integers(1, 3),
            st.lists(inner, min_size=1, max_size=3),
            st.sampled_from([None, 2.0]),
        ),
        st.builds(
            lambda s, w: Sides(sides=(Side.RIGHT, Side.LEFT), steps=tuple(s), switch=w),
            st.lists(inner, min_size=1, max_size=2),
            st.sampled_from([0.0, 5.0]),
        ),
    ),
    max_leaves=6,
)
KEYS = st.lists(
    st.tuples(
        st.floats(0, 200, allow_nan=False).map(lambda t: round(t * 4) / 4),
        st.sampled_from([P, X, N, B, M, P]),
    ),
    max_size=8,
).map(lambda keys: [*sorted(keys), (10_000.0, Q)])  # a last resort for an unresumed pause


@settings(max_examples=60, deadline=None)
@given(steps=st.lists(STEPS, min_size=1, max_size=4), keys=KEYS)
def test_any_session_keeps_its_books_exactly(
    steps: list[Step], keys: list[tuple[float, Command]]
) -> None:
    tl = timeline(*steps)
    only_time = [(t, c) for t, c in keys if c in (P, X, M, Q)]
    played = play_fast(tl, keys=only_time)
    ends = played.events[-1]
    if ends.kind is K.FINISH:
        added = sum(
            extension(e.segment)[0] for e in played.sink.of(K.EXTEND) if e.segment is not None
        )
        assert ends.scheduled == pytest.approx(
            tl.total + added + played.outcome.paused_seconds, abs=1e-9
        )
    else:
        assert played.player.outcome is not None
    # With every key, time never runs backwards and every wait is for a scheduled event.
    played = play_fast(tl, keys=keys)
    times = [e.scheduled for e in played.events]
    assert times == sorted(times)
    assert all(e.actual == e.scheduled for e in played.events)
    assert set(played.clock.sleeps) <= set(times) | {t for t, _ in keys}
    assert played.events[-1].kind in (K.FINISH, K.STOP)
    assert played.events[-1].outcome is played.outcome
    assert played.sink.closed
    assert played.outcome.steps_done + played.outcome.steps_skipped <= len(tl.segments)


@settings(max_examples=60, deadline=None)
@given(
    steps=st.lists(STEPS, min_size=1, max_size=4),
    keys=KEYS,
    speed=st.sampled_from([1.0, 2.5]),
    lead_in=st.sampled_from([0.0, 3.0]),
)
def test_every_step_lasts_its_time_plus_its_extensions_and_pauses_and_no_more(
    steps: list[Step], keys: list[tuple[float, Command]], speed: float, lead_in: float
) -> None:
    # An oracle for drift: a step left by time (not by n, b or q) lasted exactly its
    # duration, plus 10 s per +, plus the time paused inside it, whatever came before.
    tl = timeline(*steps)
    origin = 86_400.0 * 3  # a clock that has run for days, as time.monotonic() may have
    sink = RecordingSink()
    Player(
        tl,
        clock=FakeClock(start=origin),
        controls=ScriptedControls([(t / speed, c) for t, c in keys], origin=origin),
        sinks=[sink],
        speed=speed,
        lead_in=lead_in,
    ).run()
    began: float | None = None
    segment = None
    extra = paused = 0.0
    paused_at: float | None = None
    for e in sink.events:
        if e.kind is K.PAUSE:
            paused_at = e.scheduled
        elif e.kind is K.RESUME:
            assert paused_at is not None
            paused += e.scheduled - paused_at
            paused_at = None
        elif e.kind is K.EXTEND and segment is not None:
            extra += extension(segment)[0]
        elif e.kind in (K.SKIP, K.BACK, K.STOP):
            segment = None  # left by a key: its length says nothing
        elif e.kind in (K.STEP, K.SWITCH, K.FINISH):
            if segment is not None and began is not None:
                lasted = e.scheduled - began
                planned = (segment.duration + extra) / speed + paused
                assert lasted == pytest.approx(planned, abs=1e-6)
            if e.kind is K.FINISH:
                break
            segment, began, extra, paused = e.segment, e.scheduled, 0.0, 0.0
    first = next((e for e in sink.events if e.kind in (K.STEP, K.SWITCH)), None)
    if first is not None and not any(
        e.kind in (K.SKIP, K.PAUSE) and e.scheduled <= first.scheduled for e in sink.events
    ):
        assert first.scheduled == pytest.approx(lead_in / speed, abs=1e-9)


# -- what the events say: position, time left, what comes next, wall time ------------------

NESTED = timeline(
    Prepare(text="Lie down", duration=2),
    Repeat(
        name="Legs turned out",
        rounds=2,
        rest_between=3,
        steps=(
            Sides(
                sides=(Side.RIGHT, Side.LEFT),
                switch=1,
                steps=(Hold(text="Press the {side} heel", duration=4),),
            ),
        ),
    ),
    Rest(duration=5),
)


def test_each_event_says_its_flat_and_top_level_step_and_its_block_path() -> None:
    played = play_fast(NESTED, lead_in=0)
    steps = [(e.step, e.top_step, e.where, e.text) for e in played.sink.of(K.STEP, K.SWITCH)]
    assert steps[:5] == [
        (1, 1, "", "Lie down"),
        (2, 2, "Legs turned out · Round 1 of 2 · Right side", "Press the right heel"),
        (3, 2, "Legs turned out · Round 1 of 2", "Switch to your left side"),
        (4, 2, "Legs turned out · Round 1 of 2 · Left side", "Press the left heel"),
        (5, 2, "Legs turned out · Round 1 of 2", "Rest"),
    ]
    assert steps[-1] == (9, 3, "", "Rest")
    # Every event of a step says the same place.
    for e in played.events:
        if e.segment is not None:
            assert (e.step, e.top_step) == (e.segment.index, e.segment.top)


def test_each_step_says_what_comes_next_and_the_last_says_nothing() -> None:
    played = play_fast(NESTED, lead_in=0)
    entered = played.sink.of(K.STEP, K.SWITCH)
    assert [e.next_text for e in entered[:3]] == [
        "Press the right heel",
        "Switch to your left side",
        "Press the left heel",
    ]
    # The next move passes over a side switch (what speech previews).
    assert entered[1].next_move is not None and entered[1].next_move.text == "Press the left heel"
    assert entered[-1].next_text is None and entered[-1].next_move is None


@pytest.mark.parametrize("speed", [1.0, 4.0])
def test_time_left_is_in_routine_seconds_at_any_speed_and_stands_still_while_paused(
    speed: float,
) -> None:
    total = NESTED.total
    played = play_fast(NESTED, lead_in=3, speed=speed, keys=[(4.0 / speed, P), (60.0 / speed, P)])
    start = played.sink.of(K.START)[0]
    assert (start.routine_left, start.step_left) == (total, None)  # the lead-in is not routine
    first = played.sink.of(K.STEP)[0]
    assert (first.routine_left, first.step_left) == (total, 2.0)
    pause, resume = played.sink.of(K.PAUSE)[0], played.sink.of(K.RESUME)[0]
    # Paused 1 routine second into the routine, 1 s into the first step.
    assert pause.step_left == pytest.approx(1.0) and resume.step_left == pytest.approx(1.0)
    assert pause.routine_left == pytest.approx(total - 1.0) == resume.routine_left
    ticks = [e for e in played.sink.of(K.TICK) if e.step == 2]
    assert [e.step_left for e in ticks] == [3.0, 2.0, 1.0]
    assert played.events[-1].routine_left == 0.0


def test_time_left_grows_by_what_extend_adds() -> None:
    played = play_fast(NESTED, lead_in=0, keys=[(3.0, X)])
    extend = played.sink.of(K.EXTEND)[0]
    assert extend.step_left == pytest.approx(13.0)
    assert extend.routine_left == pytest.approx(NESTED.total - 3.0 + 10.0)


def test_wall_time_comes_from_the_clock() -> None:
    clock = FakeClock(start=500.0, wall=1_700_000_000.0)
    sink = RecordingSink()
    Player(EVERY_KIND, clock=clock, sinks=[sink], lead_in=0).run()
    walls = [e.wall for e in sink.events]
    assert walls[0] == 1_700_000_000.0
    assert walls[-1] == 1_700_000_000.0 + EVERY_KIND.total
    clock = FakeClock(wall=100.0)
    clock.advance(5.0)
    clock.set_wall(42.0)
    clock.advance(1.0)
    assert clock.wall() == 43.0


def test_sinks_are_prepared_with_the_timeline_before_the_clock_starts() -> None:
    clock = FakeClock()
    seen: list[tuple[str, float]] = []

    class Slow:
        def prepare(self, tl: Timeline) -> None:
            assert tl is EVERY_KIND
            clock.advance(0.5)  # slow work: opening a database
            seen.append(("prepare", clock.now()))

        def handle(self, event: Event) -> None:
            seen.append((event.kind.value, event.actual - event.scheduled))

        def close(self) -> None:
            pass

    Player(EVERY_KIND, clock=clock, sinks=[Slow()], lead_in=0).run()
    assert seen[0] == ("prepare", 0.5)
    assert all(late == 0.0 for _, late in seen[1:])  # nothing fired late for it


# ---- a gate before the lead-in (the voice's phrases rendering) ------------------------------


def _gate_opening_at(clock: FakeClock, at: float, total: int = 8) -> dict[str, Any]:
    """A gate that opens at clock time ``at``, its progress rising with the clock."""
    return {
        "lead_in_gate": lambda: clock.now() >= at,
        "gate_progress": lambda: (min(total, int(clock.now() / at * total)), total),
    }


def test_a_closed_gate_holds_before_the_lead_in_telling_progress_then_plays_it_whole() -> None:
    clock = FakeClock()
    sink = RecordingSink()
    Player(timeline(Do(text="Go", duration=2)), clock=clock, sinks=[sink], lead_in=3,
           **_gate_opening_at(clock, 2.35)).run()  # fmt: skip
    kinds = [k for k in sink.kinds() if k is not K.PREPARING]
    assert kinds == [K.START, K.LEAD_IN, K.LEAD_IN, K.LEAD_IN, K.STEP, K.FINISH]
    preparing = sink.of(K.PREPARING)
    assert len(preparing) >= 3 and all(e.of == 8 for e in preparing)
    numbers = [e.number or 0 for e in preparing]
    assert numbers == sorted(set(numbers))  # told when it changes, never twice the same
    assert max(e.scheduled for e in preparing) < min(sink.times(K.LEAD_IN))
    # The whole countdown comes after the gate opened, a second apart, then the step.
    opened = sink.times(K.LEAD_IN)[0]
    assert 2.35 <= opened < 2.35 + 0.11
    assert sink.times(K.LEAD_IN) == pytest.approx([opened, opened + 1, opened + 2])
    assert sink.times(K.STEP) == pytest.approx([opened + 3])


def test_q_while_the_gate_is_closed_stops_at_once_and_nothing_plays() -> None:
    clock = FakeClock()
    sink = RecordingSink()
    controls = ScriptedControls([(0.5, Command.NEXT), (1.0, Command.QUIT)])
    gate = _gate_opening_at(clock, 60.0)
    outcome = Player(timeline(Do(text="Go", duration=2)), clock=clock, sinks=[sink],
                     controls=controls, lead_in=3, **gate).run()  # fmt: skip
    assert outcome.status is Status.STOPPED
    assert sink.of(K.STOP)[0].scheduled == pytest.approx(1.0, abs=0.11)
    # A key other than q waits for the gate (there is nothing to skip to yet).
    assert not sink.of(K.LEAD_IN, K.STEP, K.SKIP)


def test_without_a_lead_in_the_first_step_waits_for_the_gate() -> None:
    clock = FakeClock()
    sink = RecordingSink()
    Player(timeline(Do(text="Go", duration=2)), clock=clock, sinks=[sink], lead_in=0,
           **_gate_opening_at(clock, 1.5)).run()  # fmt: skip
    assert sink.times(K.STEP)[0] == pytest.approx(1.5, abs=0.11)
    assert sink.of(K.PREPARING)


# ---- reps ----------------------------------------------------------------------------------


def test_reps_count_each_rep_and_say_down_after_up_and_the_top_pause() -> None:
    played = play_fast(timeline(Reps(reps=3, up=1, top=0.5, down=2, bottom=0.5)))
    assert [(e.scheduled, e.number, e.of) for e in played.sink.of(K.COUNT)] == [
        (0.0, 1, 3),
        (4.0, 2, 3),
        (8.0, 3, 3),
    ]
    assert [(e.scheduled, e.number) for e in played.sink.of(K.DOWN)] == [
        (1.5, 1),
        (5.5, 2),
        (9.5, 3),
    ]
    assert played.sink.times(K.FINISH) == [12.0]


def test_extend_on_reps_adds_whole_reps_at_the_same_tempo() -> None:
    played = play_fast(timeline(Reps(reps=2, up=2, down=2)), keys=[(1.0, X)])
    # Reps of 4 s: three more make at least 10 s.
    extend = played.sink.of(K.EXTEND)[0]
    assert (extend.of, extend.text) == (5, "3 more reps")
    assert played.sink.times(K.DOWN) == [2.0, 6.0, 10.0, 14.0, 18.0]
    assert played.sink.times(K.FINISH) == [20.0]


def test_a_round_of_a_named_block_says_the_block_not_only_the_round() -> None:
    # calf-care's calf-release has three named blocks of three rounds each: the live "where"
    # said "Calf Release at the Wall · Round 1 of 3" for each of them, where its chapter says
    # "Feet parallel · Round 1 of 3".
    def block(name: str) -> Repeat:
        return Repeat(name=name, rounds=2, steps=(Hold(name="Rise", text="Rise", duration=2),))

    played = play_fast(timeline(block("Feet parallel"), block("Legs turned out")), lead_in=0)
    assert [e.where for e in played.sink.of(K.STEP)] == [
        "Rise · Feet parallel · Round 1 of 2",
        "Rise · Feet parallel · Round 2 of 2",
        "Rise · Legs turned out · Round 1 of 2",
        "Rise · Legs turned out · Round 2 of 2",
    ]
