"""The live view, driven by hand-made events and read back from a recording rich Console."""

from __future__ import annotations

import io
import re
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from rich.console import Console

from calfkit.library import load
from calfkit.model import Hold, Routine, Side
from calfkit.player.engine import Player
from calfkit.player.events import Command, Event, EventKind, Outcome, Status
from calfkit.sinks import digits
from calfkit.sinks.live import LiveView
from calfkit.sinks.summary import Summary
from calfkit.testing import FakeClock, RecordingSink, ScriptedControls, play_fast
from calfkit.timeline import Segment, SegmentKind, Tick, TickKind, Timeline, compile_routine
from calfkit.words import countdown
from tests.blocks import read_digits

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


def step(segment: Segment, at: float, ends_at: float, **fields: object) -> Event:
    return ev(
        EventKind.STEP,
        at,
        step=segment.index,
        text=segment.text,
        segment=segment,
        step_ends_at=at + segment.duration,
        ends_at=ends_at,
        **fields,
    )


def screen_text(view: LiveView, width: int, height: int = 24) -> str:
    console = Console(
        record=True, width=width, height=height, file=io.StringIO(), color_system=None
    )
    console.print(view.render())
    return console.export_text()


def big(view: LiveView, width: int = 80, height: int = 24) -> list[str]:
    """The block-digit texts the view shows at ``width`` x ``height``, read back off it."""
    return [text for text, _ in read_digits(screen_text(view, width, height).splitlines())]


def words(view: LiveView, width: int = 80, height: int = 24) -> list[str]:
    """The view's lines of words (block digits and blank lines left out), stripped."""
    lines = screen_text(view, width, height).splitlines()
    return [line.strip() for line in lines if line.strip() and not set(line) <= set(" █▀▄")]


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
    assert "Starting in" in text
    assert big(view) == ["3"]
    assert "0% · 01:28 left" in text


def test_a_hold_shows_cue_first_then_note_countdown_where_next_progress_and_keys() -> None:
    view = quiet_view()
    start(view)
    view.handle(step(HOLD, 3.0, 88.0))
    view.handle(
        ev(EventKind.TICK, 10.0, step=1, segment=HOLD, number=38, step_ends_at=48.0, ends_at=88.0)
    )
    text = screen_text(view, 80)
    first = next(line for line in text.splitlines() if line.strip())
    assert first.strip() == "HOLD"  # the phase band, then the cue
    assert words(view) == [
        "HOLD",
        "Lean into the wall and hold",
        "Back heel stays down.",
        "Hold · Round 2 of 3 · Right side",
        "Next: Lower your heels",
        "Caution  Keep the pull very mild.",  # the first step still shows the caution
        "━" * 4 + "─" * 48 + "   8% · 01:18 left",  # 7 s of 85 s done
        "space pause · n next · b back · + 10 s · m mute · q quit · ? keys",
    ]
    # The countdown, in block digits between the note and where the step stands.
    lines = text.splitlines()
    digit_rows = [n for n, line in enumerate(lines) if "█" in line]
    assert len(digit_rows) >= 5
    assert lines.index(next(x for x in lines if "Back heel" in x)) < digit_rows[0]
    assert digit_rows[-1] < lines.index(next(x for x in lines if "Round 2 of 3" in x))
    assert big(view) == ["00:38"]


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
    assert big(view) == ["7 of 10"]
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
    assert big(view) == ["in 2"]
    assert "breath 2 of 3 · inhale" in text
    assert "Next: finish" in text


def styled_frame(view: LiveView, width: int = 80, height: int = 24, **console: object) -> str:
    """The frame with its escape codes, as a colour terminal gets it."""
    options: dict[str, object] = {"color_system": "standard", **console}
    out = Console(
        record=True,
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        **options,  # type: ignore[arg-type]
    )
    out.print(view.render())
    file = out.file
    assert isinstance(file, io.StringIO)
    return file.getvalue()


def line_with(styled: str, text: str) -> str:
    return next(line for line in styled.splitlines() if text in line)


def test_paused_is_a_wide_reverse_video_band_the_digits_dim_and_both_go_on_resume() -> None:
    view = quiet_view()
    start(view)
    view.handle(step(HOLD, 3.0, 88.0))
    running = line_with(styled_frame(view), "█")
    assert "\x1b[1;36m" in running  # bright cyan digits while the hold runs
    view.handle(ev(EventKind.PAUSE, 5.0, step=1, segment=HOLD))
    styled = styled_frame(view)
    band = line_with(styled, "PAUSED")
    assert re.search(r"\x1b\[1;7(;\d+)*m +PAUSED · space resumes +\x1b\[0m", band)
    # Three rows of reverse video, each the full width inside the margins (80 - 2 * 5).
    rows = [line for line in styled.splitlines() if "\x1b[1;7;33m " in line]
    assert len(rows) == 3  # (the Caution label is reverse yellow too, but a word wide)
    assert all(re.search(r"\x1b\[1;7;33m[^\x1b]{70}\x1b\[0m", row) for row in rows)
    assert all("\x1b[2m" in line for line in styled.splitlines() if "█" in line)  # dim
    assert big(view) == ["00:45"]  # the time left stays, dimmed
    assert "space resume · n next" in screen_text(view, 80)
    assert "space pause" not in screen_text(view, 80)
    view.handle(ev(EventKind.RESUME, 9.0, step=1, segment=HOLD, step_ends_at=52.0, ends_at=92.0))
    assert "PAUSED" not in screen_text(view, 80)
    assert "space pause · n next" in screen_text(view, 80)


def test_paused_band_is_one_row_on_a_small_terminal_and_still_shows() -> None:
    view = quiet_view()
    start(view)
    view.handle(step(HOLD, 3.0, 88.0))
    view.handle(ev(EventKind.PAUSE, 5.0, step=1, segment=HOLD))
    styled = styled_frame(view, 40, 15)
    assert len([line for line in styled.splitlines() if "\x1b[1;7;33m " in line]) == 1
    assert "PAUSED" in screen_text(view, 40, 15)
    assert big(view, 40, 15)  # the digits still show


def test_the_cue_is_bold() -> None:
    view = quiet_view()
    start(view)
    view.handle(step(HOLD, 3.0, 88.0))
    cue = line_with(styled_frame(view), "Lean into the wall and hold")
    assert "\x1b[1mLean into the wall and hold\x1b[0m" in cue


@pytest.mark.parametrize(
    ("segment", "label", "colour"),
    [(HOLD, "HOLD", 36), (COUNT, "COUNT", 36), (BREATHE, "BREATHE", 36)],
)
def test_the_phase_band_fills_the_width_in_the_phase_colour_with_its_name(
    segment: Segment, label: str, colour: int
) -> None:
    view = quiet_view()
    start(view)
    view.handle(step(segment, segment.start, 88.0))
    band = line_with(styled_frame(view), label)
    assert re.search(rf"\x1b\[1;7;{colour}m {{20,}}{label} {{20,}}\x1b\[0m", band)
    assert len(re.sub(r"\x1b\[[0-9;]*m", "", band).strip()) == len(label)


@pytest.mark.parametrize(
    ("kind", "label", "colour"),
    [
        (SegmentKind.REST, "REST", 32),
        (SegmentKind.SWITCH, "SWITCH SIDES · LEFT SIDE", 35),
        (SegmentKind.PREPARE, "GET READY", 34),
    ],
)
def test_rest_switch_and_prepare_bands_differ_in_colour_and_words(
    kind: SegmentKind, label: str, colour: int
) -> None:
    side = Side.LEFT if kind is SegmentKind.SWITCH else None
    segment = Segment(index=1, top=1, kind=kind, text="Ease off", start=0.0, duration=10.0,
                      side=side)  # fmt: skip
    view = quiet_view()
    start(view)
    view.handle(step(segment, 0.0, 88.0))
    band = line_with(styled_frame(view), label)
    assert re.search(rf"\x1b\[1;7;{colour}m +{label} +\x1b\[0m", band)


def test_a_waiting_step_band_says_ready_in_yellow() -> None:
    view = quiet_view()
    start(view)
    view.handle(step(HOLD, 3.0, 88.0))
    view.handle(ev(EventKind.WAITING, 3.0, step=1, segment=HOLD))
    band = line_with(styled_frame(view), "READY")
    assert re.search(r"\x1b\[1;7;33m +READY +\x1b\[0m", band)


def test_countdown_and_time_left_stay_put_while_paused() -> None:
    view = quiet_view()
    start(view)
    view.handle(step(HOLD, 3.0, 88.0))
    view.handle(
        ev(EventKind.TICK, 13.0, step=1, segment=HOLD, number=35, step_ends_at=48.0, ends_at=88.0)
    )
    view.handle(ev(EventKind.PAUSE, 13.5, step=1, segment=HOLD))
    for width, height in ((80, 24), (40, 15), (100, 30)):
        assert big(view, width, height) == ["00:35"]
        assert "01:15 left" in screen_text(view, width, height)


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
    text = screen_text(view, 40, 30)
    assert max(len(line) for line in text.splitlines()) <= 40
    joined = " ".join(line.strip() for line in text.splitlines())
    for phrase in (
        "Lean into the wall,",
        "and hold",
        "gentle stretch.",
        "Round 2 of 3 · Right side",
        "Next: Lower your heels",
        "q quit",
    ):
        assert phrase in joined
    assert big(view, 40, 30) == ["00:45"]


def test_key_help_only_when_keys_are_read_and_mute_is_shown() -> None:
    view = quiet_view(keys=False)
    start(view)
    view.handle(step(HOLD, 3.0, 88.0))
    assert "space pause" not in screen_text(view, 80)
    view.handle(ev(EventKind.MUTE, 4.0, step=1, segment=HOLD, step_ends_at=48.0, ends_at=88.0))
    assert " MUTED " in screen_text(view, 80)
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


def test_the_summary_prints_a_title_as_written_with_no_emoji_codes_turned_into_emoji() -> None:
    view = quiet_view()
    titled = replace(TIMELINE, routine=replace(ROUTINE, title="Calves :thumbs_up: :smile:"))
    view.handle(ev(EventKind.START, 0.0, timeline=titled, ends_at=88.0))
    view.handle(step(HOLD, 3.0, 88.0))
    ended = outcome(Status.STOPPED, step=1, played=7.0)
    view.handle(ev(EventKind.STOP, 7.0, step=1, segment=HOLD, text="quit", outcome=ended))
    out = view.console.file.getvalue()  # type: ignore[attr-defined]
    assert "Stopped Calves :thumbs_up: :smile: (quit).\n" in out


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
    # Compared with the lines unwrapped: a long summary line wraps at the console's width.
    assert buffer.getvalue().replace("\n", "").endswith("".join(summary.lines()))


def test_the_countdown_shows_routine_seconds_at_any_speed(small_timeline: Timeline) -> None:
    timeline = small_timeline
    seen: list[str] = []

    class Peek:
        def handle(self, event: Event) -> None:
            if event.kind is EventKind.TICK and event.step == 2:
                seen.append(view._counter_text() or "")

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
    assert big(view) == ["00:25"]


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
    assert big(view) == ["00:01"]


def test_making_the_view_imports_what_drawing_needs_before_playback_starts() -> None:
    # Importing them at the first frame made the first cue a few milliseconds late.
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from calfkit.sinks.live import LiveView\n"
        "wanted = ('rich.live', 'rich.segment', 'rich.text')\n"
        "before = {m for m in wanted if m in sys.modules}\n"
        "LiveView()\n"
        "after = {m for m in wanted if m in sys.modules}\n"
        "print(sorted(before), sorted(after))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=30
    )
    assert done.stdout.strip() == "[] ['rich.live', 'rich.segment', 'rich.text']"


LONG = Segment(
    index=1,
    top=1,
    kind=SegmentKind.HOLD,
    start=0.0,
    duration=45.0,
    text="Lean into the wall with the back knee straight",
    note="If the pull turns sharp at any point, ease off until it is only a gentle stretch.",
    where=("Round 2 of 3", "Right side"),
)
LONG_NEXT = Segment(
    index=2,
    top=2,
    kind=SegmentKind.COUNT,
    start=45.0,
    duration=10.0,
    text="Lower both heels slowly to the floor and lift them again, keeping the knees soft",
)
LONG_ROUTINE = Routine(
    name="wall-release",
    title="Wall Release",
    steps=(Hold(text="x", duration=55),),
    caution="Stop at once if you feel pain behind the knee, numbness or tingling in the foot.",
)


def long_view(**options: object) -> LiveView:
    view = quiet_view(**options)
    timeline = Timeline(LONG_ROUTINE, (LONG, LONG_NEXT))
    view.handle(ev(EventKind.START, 0.0, timeline=timeline, ends_at=55.0))
    view.handle(step(LONG, 0.0, 55.0, in_timeline=timeline))
    view.handle(
        ev(
            EventKind.TICK,
            9.0,
            step=1,
            segment=LONG,
            number=36,
            step_ends_at=45.0,
            ends_at=55.0,
            in_timeline=timeline,
        )
    )
    return view


def test_at_40x15_the_cue_countdown_time_left_and_keys_show_and_the_rest_gives_way() -> None:
    view = long_view()
    view.warn("voice: spoken cues are off: no speech engine found")
    text = screen_text(view, 40, 15)
    lines = text.splitlines()
    assert len(lines) <= 15
    assert max(len(line) for line in lines) <= 40
    joined = " ".join(line.strip() for line in lines)
    assert "Lean into the wall with the back knee straight" in joined  # the whole cue
    assert big(view, 40, 15) == ["00:36"]
    assert "01:03 left" not in joined and "00:46 left" in joined  # 55 - 9 s
    assert "space pause · n next · b back" in joined and "m mute · q quit" in joined
    layout = view.layout(40, 15)
    for name in ("note", "next", "caution"):
        assert layout.state(name) in ("short", "dropped"), name
    for name in ("cue", "counter", "time left", "keys"):
        assert layout.state(name) == "full", name
    # What is shortened is ellipsised to one line, never cut without a mark.
    for line in lines:
        if "If the pull" in line or "Next:" in line or "Caution" in line:
            assert line.rstrip().endswith("…"), line


@pytest.mark.parametrize(("columns", "rows"), [(40, 15), (40, 12), (30, 10), (60, 20), (80, 24)])
def test_the_always_shown_parts_show_at_small_sizes(columns: int, rows: int) -> None:
    view = long_view()
    text = screen_text(view, columns, rows)
    lines = text.splitlines()
    assert len(lines) <= rows
    assert max(len(line) for line in lines) <= columns
    layout = view.layout(columns, rows)
    assert layout.state("counter") == "full"
    found = read_digits(lines)
    assert [t.replace(" ", "") for t, _ in found] == ["00:36"] or "00:36" in text
    assert "left" in text and "q quit" in text
    assert "Lean into" in text


def test_the_note_gives_way_before_next_and_next_before_the_caution() -> None:
    view = long_view()
    states = [
        tuple(view.layout(40, rows).state(n) for n in ("note", "next", "caution"))
        for rows in range(24, 6, -1)
    ]
    order = {"full": 0, "short": 1, "dropped": 2}
    for note, following, caution in states:
        assert order[note] >= order[following] >= order[caution]
    assert ("short", "full", "full") in states
    assert ("dropped", "short", "short") in states
    assert ("dropped", "dropped", "dropped") in states
    assert states[0] == ("full", "full", "full")


def test_digits_are_five_rows_at_60x20_and_larger_on_larger_terminals() -> None:
    view = long_view()
    scales = {}
    for columns, rows in ((60, 20), (100, 30), (120, 40), (200, 50)):
        found = read_digits(screen_text(view, columns, rows).splitlines())
        assert [t for t, _ in found] == ["00:36"], (columns, rows)
        scales[columns, rows] = found[0][1]
    assert digits.rows(scales[60, 20]) >= 5
    assert scales[120, 40] >= 2 * scales[60, 20]
    assert scales[60, 20] < scales[100, 30] <= scales[120, 40] < scales[200, 50]


def test_at_200x50_everything_shows_in_full_with_more_margin() -> None:
    view = long_view(voice=True)
    view.warn("sound: simpleaudio failed; using the terminal bell")
    layout = view.layout(200, 50)
    for name in ("cue", "note", "counter", "detail", "next", "caution", "warning 0", "keys"):
        assert layout.state(name) == "full", name
    lines = screen_text(view, 200, 50).splitlines()
    assert len(lines) == 50
    bar = next(line for line in lines if "left" in line and "─" in line)
    assert len(bar) - len(bar.lstrip()) >= 10  # a wide margin, not the edge of the screen
    assert " VOICE " in "\n".join(lines)


def test_muted_and_voice_are_reverse_video_badges() -> None:
    view = quiet_view(voice=True)
    start(view)
    view.handle(step(HOLD, 3.0, 88.0))
    view.handle(ev(EventKind.MUTE, 4.0, step=1, segment=HOLD, step_ends_at=48.0, ends_at=88.0))
    console = Console(
        record=True, width=80, file=io.StringIO(), force_terminal=True, color_system="standard"
    )
    console.print(view.render())
    styled = console.export_text(styles=True)
    assert re.search(r"\x1b\[1;7m MUTED \x1b\[0m", styled)
    assert re.search(r"\x1b\[1;7m VOICE \x1b\[0m", styled)
    assert "m unmute" in styled


def test_a_warning_shows_inside_the_view_until_the_next_step() -> None:
    view = quiet_view()
    start(view)
    view.warn("voice: spoken cues are off")  # before the first step: stays through it
    view.handle(step(HOLD, 3.0, 88.0))
    assert "voice: spoken cues are off" in screen_text(view, 80)
    view.warn("sound: the device went away; using the terminal bell")
    assert view.warnings == [
        "voice: spoken cues are off",
        "sound: the device went away; using the terminal bell",
    ]
    view.handle(step(COUNT, 45.0, 88.0))
    assert view.warnings == []
    assert "terminal bell" not in screen_text(view, 80)
    view.warn("sound: again")
    assert "sound: again" in screen_text(view, 40, 15)  # room is made for it at 40x15 too
    view.handle(step(BREATHE, 55.0, 88.0))
    assert "sound: again" not in screen_text(view, 80)


def test_a_warning_redraws_the_view_at_once() -> None:
    buffer = io.StringIO()
    view = LiveView(Console(file=buffer, width=80, height=24, force_terminal=True))
    start(view)
    view.handle(step(HOLD, 0.0, 85.0))
    frames = buffer.getvalue().count("\x1b[H")
    view.warn("sound: gone")
    assert buffer.getvalue().count("\x1b[H") == frames + 1
    view.close()


def test_the_players_own_next_is_shown_when_the_event_carries_one() -> None:
    # The view shows the next step the player names (``next_segment``), not one it looks up.
    told = replace(HOLD, index=9, text="Last step")
    view = quiet_view()
    start(view)
    view.handle(
        Event(
            EventKind.STEP, 3.0, 3.0, 0.0, step=1, segment=HOLD, text=HOLD.text, next_segment=told
        )
    )
    assert "Next: Last step" in screen_text(view, 80)


def test_the_keys_help_lists_every_key_over_the_step_and_the_time_runs_on() -> None:
    view = quiet_view()
    start(view)
    view.handle(step(HOLD, 3.0, 88.0))
    view.show_help(True)
    text = screen_text(view, 80)
    assert "KEYS" in text and "Any key closes this" in text
    for key in ("space", "n  →", "b  ←", "+", "m", "Enter", "q  Esc", "?  h"):
        assert any(line.strip().startswith(key) for line in text.splitlines()), key
    assert "back to the start of the step; in its first 2" in text
    assert "Lean into the wall" not in text  # over the step
    view.handle(ev(EventKind.TICK, 10.0, step=1, segment=HOLD, number=38, ends_at=81.0))
    assert "01:11 left" in screen_text(view, 80)  # the time runs on under it
    view.show_help(False)
    assert "Lean into the wall and hold" in screen_text(view, 80)


def test_the_keys_help_fits_forty_by_fifteen() -> None:
    view = quiet_view()
    start(view)
    view.handle(step(HOLD, 3.0, 88.0))
    view.show_help(True)
    text = screen_text(view, 40, 15)
    assert len(text.splitlines()) <= 15
    assert all(len(line) <= 40 for line in text.splitlines())
    assert "space" in text and "Any key closes this" in text


def ended(status: Status, skipped: int = 0) -> Outcome:
    return Outcome(
        status=status,
        step=1,
        played_seconds=125.0,
        paused_seconds=0.0,
        steps_done=3 - skipped,
        steps_skipped=skipped,
        steps_total=3,
    )


def test_a_finished_routine_lingers_on_an_end_screen_until_a_key_then_prints_the_summary() -> None:
    out = io.StringIO()
    view = LiveView(Console(file=out, width=80, height=24, force_terminal=True), screen=False)
    view.linger = True
    start(view)
    view.handle(step(HOLD, 3.0, 88.0))
    view.handle(ev(EventKind.FINISH, 90.0, outcome=ended(Status.FINISHED, skipped=1)))
    view.close()  # the player closing its sinks: the view stays up for the end screen
    seen: list[str] = []

    def wait(seconds: float) -> bool:
        seen.append(screen_text(view, 80))
        return True

    assert view.end(["3rd session this week"], wait, 10.0)
    (text,) = seen
    assert "FINISHED · 1 SKIPPED" in text
    assert "Finished Wall Release." in text
    assert "3rd session this week" in text and "Press any key to close" in text
    assert [shown for shown, _ in read_digits(text.splitlines())] == ["02:05"]  # time played
    assert out.getvalue().rstrip().endswith("skipped 1 · paused 00:00")  # printed on closing


def test_a_stopped_routine_does_not_linger() -> None:
    out = io.StringIO()
    view = LiveView(Console(file=out, width=80, height=24, force_terminal=True), screen=False)
    view.linger = True
    start(view)
    view.handle(step(HOLD, 3.0, 88.0))
    view.handle(ev(EventKind.STOP, 9.0, outcome=ended(Status.STOPPED)))
    assert "Stopped Wall Release" in out.getvalue()  # closed at once, as q asked
    assert not view.end([], lambda seconds: True, 10.0)


def test_a_session_skipped_to_its_end_says_so_not_finished() -> None:
    from calfkit.player.events import Command as C

    view = quiet_view()
    play_fast(TIMELINE, sinks=[view], keys=[(0.5, C.NEXT)] * 3)
    out = view.console.file.getvalue()  # type: ignore[attr-defined]
    assert "Finished" not in out
    assert "Skipped to the end of Wall Release (not counted as practice).\n" in out
