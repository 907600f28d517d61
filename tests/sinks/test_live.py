"""The live view, driven by hand-made events and read back from a recording rich Console."""

from __future__ import annotations

import io
import re
import threading
from pathlib import Path

import pytest
from rich.console import Console

from calfkit.library import load
from calfkit.model import Hold, Routine
from calfkit.player.engine import Player
from calfkit.player.events import Command, Event, EventKind, Outcome, Status
from calfkit.sinks.live import LiveView
from calfkit.sinks.summary import Summary
from calfkit.testing import FakeClock, RecordingSink, ScriptedControls, play_fast
from calfkit.timeline import Segment, SegmentKind, Tick, TickKind, Timeline, compile_routine
from calfkit.words import countdown

HOLD = Segment(
    index=1,
    top=1,
    kind=SegmentKind.HOLD,
    text="Lean into the wall and hold",
    start=0.0,
    duration=45.0,
    note="Back heel stays down.",
    where=("Round 2 of 3", "Right side"),
)
COUNT = Segment(
    index=2,
    top=2,
    kind=SegmentKind.COUNT,
    text="Lower your heels",
    start=45.0,
    duration=10.0,
    ticks=tuple(Tick(float(i), TickKind.COUNT, i + 1, 10) for i in range(10)),
)
BREATHE = Segment(
    index=3,
    top=3,
    kind=SegmentKind.BREATHE,
    text="Breathe slowly",
    start=55.0,
    duration=30.0,
    ticks=(Tick(0.0, TickKind.INHALE, 1, 3), Tick(4.0, TickKind.EXHALE, 1, 3)),
)
ROUTINE = Routine(
    name="wall-release",
    title="Wall Release",
    steps=(Hold(text="x", duration=85),),
    caution="Keep the pull very mild.",
    equipment=("wall",),
)
TIMELINE = Timeline(routine=ROUTINE, segments=(HOLD, COUNT, BREATHE))


def ev(kind: EventKind, at: float, **fields: object) -> Event:
    """An event as the player would make it: what is left, where, and what comes next are
    filled in from the deadlines and the segment given (the player's own figures are tested
    in tests/player)."""
    ends_at, step_ends_at = fields.get("ends_at"), fields.get("step_ends_at")
    if isinstance(ends_at, float | int):
        fields.setdefault("routine_left", ends_at - at)
    if isinstance(step_ends_at, float | int):
        fields.setdefault("step_left", step_ends_at - at)
    elif kind in (EventKind.TICK, EventKind.COUNTDOWN) and isinstance(fields.get("number"), int):
        fields.setdefault("step_left", float(fields["number"]))  # type: ignore[arg-type]
    segment = fields.get("segment")
    if isinstance(segment, Segment):
        parts = [*segment.where]
        if segment.name and segment.name not in parts:
            parts.insert(0, segment.name)
        fields.setdefault("where", " · ".join(parts))
        timeline = fields.pop("in_timeline", TIMELINE)
        assert isinstance(timeline, Timeline)
        later = [s for s in timeline.segments if s.index > segment.index]
        fields.setdefault("next_segment", later[0] if later else None)
    return Event(kind, scheduled=at, actual=at + 0.001, wall=1_700_000_000.0 + at, **fields)  # type: ignore[arg-type]


def step(segment: Segment, at: float, ends_at: float) -> Event:
    return ev(
        EventKind.STEP,
        at,
        step=segment.index,
        text=segment.text,
        segment=segment,
        step_ends_at=at + segment.duration,
        ends_at=ends_at,
    )


def screen_text(view: LiveView, width: int) -> str:
    console = Console(record=True, width=width, file=io.StringIO(), color_system=None)
    console.print(view.render())
    return console.export_text()


def quiet_view(**options: object) -> LiveView:
    """A view whose own drawing goes nowhere; tests read it through :func:`screen_text`."""
    console = Console(file=io.StringIO(), width=80, height=24, force_terminal=True)
    return LiveView(console, screen=False, **options)  # type: ignore[arg-type]


def start(view: LiveView) -> None:
    view.handle(ev(EventKind.START, 0.0, timeline=TIMELINE, ends_at=88.0))


def test_before_the_first_step_the_title_equipment_caution_and_lead_in_show() -> None:
    view = quiet_view()
    start(view)
    view.handle(ev(EventKind.LEAD_IN, 0.0, number=3, ends_at=88.0))
    text = screen_text(view, 80)
    assert "Wall Release" in text
    assert "You need: wall" in text
    assert "Caution  Keep the pull very mild." in text
    assert "Starting in 3…" in text
    assert "0% · 01:28 left" in text


def test_a_hold_shows_cue_first_then_note_countdown_where_next_progress_and_keys() -> None:
    view = quiet_view()
    start(view)
    view.handle(step(HOLD, 3.0, 88.0))
    view.handle(
        ev(EventKind.TICK, 10.0, step=1, segment=HOLD, number=38, step_ends_at=48.0, ends_at=88.0)
    )
    lines = [line.strip(" │╭╮╰╯") for line in screen_text(view, 80).splitlines()]
    lines = [line for line in lines if line.strip("─ ")]
    assert lines == [
        "─ Hold ───────────────────────────────────────────────────────────────────────",
        "Lean into the wall and hold",
        "Back heel stays down.",
        "00:38",
        "Round 2 of 3 · Right side",
        "Next: Lower your heels",
        "Caution  Keep the pull very mild.",  # the first step still shows the caution
        "━" * 5 + "─" * 57 + "   8% · 01:18 left",  # 7 s of 85 s done
        "space pause · n next · b back · + 10 s · m mute · q quit",
    ]


def test_a_count_shows_number_of_total() -> None:
    view = quiet_view()
    start(view)
    view.handle(step(COUNT, 45.0, 88.0))
    view.handle(
        ev(
            EventKind.COUNT,
            51.0,
            step=2,
            segment=COUNT,
            number=7,
            of=10,
            step_ends_at=55.0,
            ends_at=88.0,
        )
    )
    text = screen_text(view, 80)
    assert re.search(r"^\s+7 / 10\s+$", text, re.MULTILINE)
    assert "Next: Breathe slowly" in text


def test_breathing_shows_breath_number_and_phase() -> None:
    view = quiet_view()
    start(view)
    view.handle(step(BREATHE, 55.0, 88.0))
    view.handle(
        ev(
            EventKind.BREATH,
            69.0,
            step=3,
            segment=BREATHE,
            number=2,
            of=3,
            phase="inhale",
            step_ends_at=85.0,
            ends_at=88.0,
        )
    )
    text = screen_text(view, 80)
    assert "breath 2 of 3 · inhale" in text
    assert "Next: finish" in text


def test_paused_is_a_reverse_video_banner_above_the_cue_and_goes_on_resume() -> None:
    view = quiet_view()
    start(view)
    view.handle(step(HOLD, 3.0, 88.0))
    view.handle(ev(EventKind.PAUSE, 5.0, step=1, segment=HOLD))
    console = Console(
        record=True, width=80, file=io.StringIO(), force_terminal=True, color_system="standard"
    )
    console.print(view.render())
    styled = console.export_text(styles=True)
    first = styled.splitlines()[0]
    assert "PAUSED" in first
    assert re.search(r"\x1b\[1;7(;\d+)*m", first)  # bold + reverse video
    view.handle(ev(EventKind.RESUME, 9.0, step=1, segment=HOLD, step_ends_at=52.0, ends_at=92.0))
    assert "PAUSED" not in screen_text(view, 80)


def test_countdown_and_time_left_stay_put_while_paused() -> None:
    view = quiet_view()
    start(view)
    view.handle(step(HOLD, 3.0, 88.0))
    view.handle(
        ev(EventKind.TICK, 13.0, step=1, segment=HOLD, number=35, step_ends_at=48.0, ends_at=88.0)
    )
    view.handle(ev(EventKind.PAUSE, 13.5, step=1, segment=HOLD))
    text = screen_text(view, 80)
    assert "00:35" in text
    assert "01:15 left" in text


def test_a_ready_step_asks_for_enter_until_ready() -> None:
    ready = Segment(
        index=1,
        top=1,
        kind=SegmentKind.PREPARE,
        text="Set up the roller",
        start=0.0,
        duration=10.0,
        until_ready=True,
    )
    view = quiet_view()
    view.handle(ev(EventKind.START, 0.0, timeline=Timeline(ROUTINE, (ready,)), ends_at=10.0))
    view.handle(step(ready, 0.0, 10.0))
    view.handle(ev(EventKind.WAITING, 0.0, step=1, segment=ready))
    assert "Press Enter when you are ready" in screen_text(view, 80)
    view.handle(ev(EventKind.READY, 4.0, step=1, segment=ready, step_ends_at=4.0, ends_at=4.0))
    assert "Press Enter" not in screen_text(view, 80)


def test_forty_columns_wrap_the_text_and_no_line_is_wider() -> None:
    long_hold = Segment(
        index=1,
        top=1,
        kind=SegmentKind.HOLD,
        start=0.0,
        duration=45.0,
        text="Lean into the wall, back knee straight, heel heavy on the floor, and hold",
        note="If the pull turns sharp, ease off until it is only a gentle stretch.",
        where=("Feet parallel", "Round 2 of 3", "Right side"),
    )
    view = quiet_view()
    view.handle(
        ev(EventKind.START, 0.0, timeline=Timeline(ROUTINE, (long_hold, COUNT)), ends_at=55.0)
    )
    view.handle(step(long_hold, 0.0, 55.0))
    text = screen_text(view, 40)
    assert max(len(line) for line in text.splitlines()) <= 40
    words = " ".join(line.strip(" │") for line in text.splitlines())
    for phrase in (
        "Lean into the wall,",
        "and hold",
        "gentle stretch.",
        "00:45",
        "Round 2 of 3 · Right side",
        "Next: Lower your heels",
        "q quit",
    ):
        assert phrase in words


def test_key_help_only_when_keys_are_read_and_mute_is_shown() -> None:
    view = quiet_view(keys=False)
    start(view)
    view.handle(step(HOLD, 3.0, 88.0))
    assert "space pause" not in screen_text(view, 80)
    view.handle(ev(EventKind.MUTE, 4.0, step=1, segment=HOLD, step_ends_at=48.0, ends_at=88.0))
    assert "muted" in screen_text(view, 80)
    keyed = quiet_view()
    start(keyed)
    keyed.handle(ev(EventKind.MUTE, 0.0))
    assert "m unmute" in screen_text(keyed, 80)


def outcome(
    status: Status = Status.FINISHED,
    *,
    step: int = 3,
    done: int = 0,
    skipped: int = 0,
    played: float = 0.0,
    paused: float = 0.0,
) -> Outcome:
    """What the player attaches to the final event of a session of :data:`TIMELINE`."""
    return Outcome(status, step, len(TIMELINE.segments), done, skipped, played, paused)


def test_the_summary_shows_the_figures_the_final_event_carries() -> None:
    view = quiet_view()
    start(view)
    view.handle(step(HOLD, 3.0, 88.0))
    view.handle(ev(EventKind.PAUSE, 10.0, step=1, segment=HOLD))
    view.handle(ev(EventKind.RESUME, 25.0, step=1, segment=HOLD, step_ends_at=63.0, ends_at=103.0))
    view.handle(step(COUNT, 63.0, 103.0))
    view.handle(ev(EventKind.SKIP, 65.0, step=2, segment=COUNT))
    view.handle(step(BREATHE, 65.0, 95.0))
    ended = outcome(done=2, skipped=1, played=80.0, paused=15.0)
    view.handle(ev(EventKind.FINISH, 95.0, step=3, outcome=ended))
    assert view.summary() == Summary(
        title="Wall Release",
        finished=True,
        played=80.0,
        paused=15.0,
        steps_done=2,
        steps_total=3,
        skipped=1,
    )
    out = view.console.file.getvalue()  # type: ignore[attr-defined]
    assert out.endswith(
        "Finished Wall Release.\nTime 01:20 · steps done 2 of 3 · skipped 1 · paused 00:15\n"
    )


@pytest.mark.parametrize(
    ("status", "why"),
    [
        (Status.STOPPED, "quit"),
        (Status.INTERRUPTED, "interrupted"),
        (Status.TERMINATED, "terminated"),
        (Status.ERROR, "error"),
    ],
)
def test_a_stop_says_why_in_the_summary(status: Status, why: str) -> None:
    view = quiet_view()
    start(view)
    view.handle(step(HOLD, 3.0, 88.0))
    ended = outcome(status, step=1, played=7.0)
    view.handle(ev(EventKind.STOP, 7.0, step=1, segment=HOLD, text=why, outcome=ended))
    out = view.console.file.getvalue()  # type: ignore[attr-defined]
    assert out.endswith(
        f"Stopped Wall Release ({why}).\n"
        "Time 00:07 · steps done 0 of 3 · skipped 0 · paused 00:00\n"
    )


def test_a_final_event_without_figures_ends_the_view_without_a_summary() -> None:
    view = quiet_view()
    start(view)
    view.handle(step(HOLD, 3.0, 88.0))
    view.handle(ev(EventKind.FINISH, 48.0, step=1))
    assert view.summary() is None
    out = view.console.file.getvalue()  # type: ignore[attr-defined]
    assert "Finished" not in out


def test_each_event_draws_one_frame_on_the_alternate_screen_without_a_refresh_thread() -> None:
    buffer = io.StringIO()
    console = Console(file=buffer, width=80, height=24, force_terminal=True)
    threads = threading.active_count()
    view = LiveView(console)
    start(view)
    view.handle(step(HOLD, 3.0, 88.0))
    for left in (44, 43, 42):
        view.handle(
            ev(
                EventKind.TICK,
                48.0 - left,
                step=1,
                segment=HOLD,
                number=left,
                step_ends_at=48.0,
                ends_at=88.0,
            )
        )
    assert threading.active_count() == threads
    out = buffer.getvalue()
    assert out.startswith("\x1b[?1049h")
    frames = out.split("\x1b[H")[2:]  # after entering the alternate screen
    assert len(frames) == 5  # one frame per event, each drawn from the top-left corner
    assert all("q quit" in frame for frame in frames)
    view.handle(ev(EventKind.FINISH, 88.0, step=3, outcome=outcome(done=3)))
    out = buffer.getvalue()
    tail = out[out.rindex("\x1b[?25h") :]
    assert tail.startswith("\x1b[?25h\x1b[?1049l")
    assert "Finished Wall Release." in tail
    assert "\x1b[?25l" not in tail


def test_close_before_the_end_leaves_the_screen_without_a_summary() -> None:
    buffer = io.StringIO()
    view = LiveView(Console(file=buffer, width=80, height=24, force_terminal=True))
    start(view)
    view.close()
    view.close()
    out = buffer.getvalue()
    assert out.endswith("\x1b[?25h\x1b[?1049l")
    view.handle(step(HOLD, 3.0, 88.0))  # events after closing are ignored
    assert buffer.getvalue() == out


def test_no_color_is_honoured_by_the_console_it_makes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    view = LiveView()
    assert view.console.no_color
    buffer = io.StringIO()
    console = Console(file=buffer, width=80, force_terminal=True)  # made as the view makes it
    assert console.no_color
    console.print(quiet_rendered_hold())
    colours = re.findall(r"\x1b\[[0-9;]*m", buffer.getvalue())
    assert colours
    for code in colours:
        params = code[2:-1].split(";")
        assert not any(p.startswith(("3", "4", "9")) and len(p) == 2 for p in params), code


def quiet_rendered_hold() -> object:
    view = quiet_view()
    start(view)
    view.handle(step(HOLD, 3.0, 88.0))
    view.notice("sound: no player found, using the terminal bell")
    return view.render()


def test_a_notice_shows_under_the_view() -> None:
    view = quiet_view()
    start(view)
    view.notice("sound: no player found, using the terminal bell")
    assert "sound: no player found, using the terminal bell" in screen_text(view, 80)


SMALL_ROUTINE = """\
title: Every kind, briefly
caution: Ease off if anything hurts.
steps:
  - prepare: Set up the roller.
    duration: ready
  - do: Roll towards the knee.
    duration: 90s
  - hold: Stay on the tight spot.
    duration: 8
  - count: 4
    cue: Flex and point.
  - breathe: 2
    inhale: 2
    exhale: 3
  - rest: 5s
  - repeat: 2
    rest_between: 3s
    steps:
      - sides: [right, left]
        switch: 2s
        steps:
          - hold: Press the {side} heel away.
            duration: 6s
"""


@pytest.fixture
def small_timeline(tmp_path: Path) -> Timeline:
    path = tmp_path / "small.yaml"
    path.write_text(SMALL_ROUTINE, encoding="utf-8")
    return compile_routine(load(path))


@pytest.mark.parametrize("speed", [1.0, 4.0])
def test_played_by_the_real_engine_the_summary_is_the_players_outcome(
    speed: float, small_timeline: Timeline
) -> None:
    timeline = small_timeline
    buffer = io.StringIO()
    view = LiveView(Console(file=buffer, width=60, height=20, force_terminal=True))
    keys = [
        (1.0, Command.ENTER),
        (5.0, Command.PAUSE),
        (35.0, Command.PAUSE),
        (40.0, Command.NEXT),
        (41.0, Command.EXTEND),
        (50.0, Command.BACK),
        (60.0, Command.NEXT),
        (61.0, Command.NEXT),
    ]
    played = play_fast(
        timeline,
        keys=[(at / speed, command) for at, command in keys],  # the same moments of the routine
        sinks=[view],
        speed=speed,
        keys_interactive=True,
    )
    summary = view.summary()
    assert summary == Summary.of_outcome(played.outcome, timeline.routine.title)
    assert summary.finished
    assert summary.skipped == 3  # the roll, the hold (after going back to it) and the count
    assert summary.paused == pytest.approx(30.0 / speed)  # clock seconds
    assert buffer.getvalue().endswith("\n".join(summary.lines()) + "\n")


def test_the_countdown_shows_routine_seconds_at_any_speed(small_timeline: Timeline) -> None:
    timeline = small_timeline
    seen: list[str] = []

    class Peek:
        def handle(self, event: Event) -> None:
            if event.kind is EventKind.TICK and event.step == 2:
                seen.append(view._progress_in_step())

        def close(self) -> None:
            pass

    view = quiet_view()
    play_fast(timeline, sinks=[view, Peek()], speed=5.0)
    assert seen[:3] == ["01:29", "01:28", "01:27"]


def test_the_caution_stays_for_the_first_step_only() -> None:
    view = quiet_view()
    start(view)
    view.handle(step(HOLD, 0.0, 85.0))
    assert "Caution  Keep the pull very mild." in screen_text(view, 80)
    view.handle(step(COUNT, 45.0, 85.0))
    assert "Caution" not in screen_text(view, 80)


def test_a_view_that_fails_to_draw_still_leaves_the_alternate_screen() -> None:
    buffer = io.StringIO()
    view = LiveView(Console(file=buffer, width=80, height=24, force_terminal=True))
    start(view)

    def broken() -> object:
        raise RuntimeError("cannot draw")

    view.render = broken  # type: ignore[method-assign]
    with pytest.raises(RuntimeError):
        view.handle(step(HOLD, 3.0, 88.0))
    view.close()
    out = buffer.getvalue()
    assert out.rindex("\x1b[?1049l") > out.rindex("\x1b[?1049h")
    assert out.rindex("\x1b[?25h") > out.rindex("\x1b[?25l")


def test_if_stopping_the_live_display_fails_the_alternate_screen_is_still_left() -> None:
    buffer = io.StringIO()
    view = LiveView(Console(file=buffer, width=80, height=24, force_terminal=True))
    start(view)
    assert view._live is not None

    def failing_stop() -> None:
        raise OSError("write failed")

    view._live.stop = failing_stop  # type: ignore[method-assign]
    with pytest.raises(OSError):
        view.close()
    out = buffer.getvalue()
    assert out.endswith("\x1b[?1049l\x1b[?25h")


def test_time_left_while_a_ready_step_waits_is_the_rest_of_the_plan(
    small_timeline: Timeline,
) -> None:
    # small_timeline: a ready step (10 s as planned) first, then 90 s of rolling and more.
    seen: list[str] = []

    class Peek:
        def handle(self, event: Event) -> None:
            if event.kind is EventKind.WAITING:
                seen.append(screen_text(view, 80))

        def close(self) -> None:
            pass

    view = quiet_view()
    for lead_in in (0.0, 3.0):
        seen.clear()
        sink = RecordingSink()
        Player(
            small_timeline,
            clock=FakeClock(start=7000.0),  # a real clock is nowhere near 0
            controls=ScriptedControls([(lead_in + 30.0, Command.ENTER)], origin=7000.0),
            sinks=[sink, view, Peek()],
            lead_in=lead_in,
            keys_interactive=True,
        ).run()
        view = quiet_view()
        total = countdown(small_timeline.total)
        assert len(seen) == 1
        assert f"0% · {total} left" in seen[0], seen[0]


def test_the_progress_bar_never_goes_back_when_a_step_is_extended() -> None:
    view = quiet_view()
    start(view)
    view.handle(step(HOLD, 0.0, 85.0))
    for at in range(1, 31):
        view.handle(
            ev(EventKind.TICK, float(at), step=1, segment=HOLD, number=45 - at, ends_at=85.0)
        )
    before = re.search(r"(\d+)% · (\S+) left", screen_text(view, 80))
    assert before is not None and before.groups() == ("35", "00:55")
    view.handle(
        ev(EventKind.EXTEND, 30.0, step=1, segment=HOLD, number=10, step_ends_at=55.0, ends_at=95.0)
    )
    after = re.search(r"(\d+)% · (\S+) left", screen_text(view, 80))
    assert after is not None and after.groups() == ("35", "01:05")
    assert "00:25" in screen_text(view, 80)


def test_where_names_the_block_so_rounds_of_different_repeats_are_told_apart() -> None:
    named = Segment(
        index=1,
        top=1,
        kind=SegmentKind.COUNT,
        text="Lower your heels",
        start=0.0,
        duration=10.0,
        name="Legs turned out",
        where=("Calf Release", "Round 2 of 3"),
    )
    view = quiet_view()
    view.handle(ev(EventKind.START, 0.0, timeline=Timeline(ROUTINE, (named,)), ends_at=10.0))
    view.handle(step(named, 0.0, 10.0))
    assert "Legs turned out · Calf Release · Round 2 of 3" in screen_text(view, 80)


def test_a_tick_at_the_same_moment_as_a_countdown_cue_draws_no_second_frame() -> None:
    buffer = io.StringIO()
    view = LiveView(Console(file=buffer, width=80, height=24, force_terminal=True))
    start(view)
    view.handle(step(HOLD, 0.0, 85.0))
    at = {"step": 1, "segment": HOLD, "step_ends_at": 45.0, "ends_at": 85.0}
    frames = buffer.getvalue().count("\x1b[H")
    view.handle(ev(EventKind.TICK, 42.0, number=3, **at))
    view.handle(ev(EventKind.COUNTDOWN, 43.0, number=2, **at))
    view.handle(ev(EventKind.TICK, 43.0, number=2, **at))  # nothing new to show
    view.handle(ev(EventKind.TICK, 44.0, number=1, **at))
    assert buffer.getvalue().count("\x1b[H") == frames + 3
    assert "00:01" in screen_text(view, 80)


def test_making_the_view_imports_what_drawing_needs_before_playback_starts() -> None:
    # Importing them at the first frame made the first cue a few milliseconds late.
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from calfkit.sinks.live import LiveView\n"
        "before = {m for m in ('rich.live', 'rich.panel', 'rich.padding') if m in sys.modules}\n"
        "LiveView()\n"
        "after = {m for m in ('rich.live', 'rich.panel', 'rich.padding') if m in sys.modules}\n"
        "print(sorted(before), sorted(after))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=30
    )
    assert done.stdout.strip() == "[] ['rich.live', 'rich.padding', 'rich.panel']"
