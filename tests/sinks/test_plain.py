"""Plain lines: the exact text a screen reader or a log gets for a session."""

from __future__ import annotations

import io

import pytest

from calfkit.model import (
    Breathe,
    Count,
    Do,
    Hold,
    Prepare,
    Repeat,
    Reps,
    Routine,
    Side,
    Sides,
)
from calfkit.player.events import Command, Event, EventKind
from calfkit.sinks.plain import PlainSink, clean
from calfkit.testing import play_fast
from calfkit.timeline import compile_routine

SMALL = compile_routine(
    Routine(
        name="small",
        title="Wall calf release",
        caution="Keep the pull mild.",
        steps=(
            Prepare(text="Face the wall", duration=3, note="Feet hip-width apart"),
            Sides(
                sides=(Side.RIGHT, Side.LEFT),
                switch=2,
                steps=(Hold(text="Lean into the {side} calf", duration=3),),
            ),
            Repeat(
                rounds=2,
                rest_between=2,
                steps=(Count(count=2, cue="Heels down"), Breathe(breaths=1, inhale=1, exhale=1)),
            ),
        ),
    )
)


def plain(**options: object) -> str:
    out = io.StringIO()
    play_fast(SMALL, sinks=[PlainSink(out)], **options)  # type: ignore[arg-type]
    return out.getvalue()


def test_a_whole_session_in_plain_lines() -> None:
    # Step numbers are top-level steps (what show numbers and --from takes); the figures
    # leave the 2 s lead-in out, as history does.
    assert plain(lead_in=2) == (
        "[00:00] Wall calf release: 3 steps (9 timed steps), 21s\n"
        "[00:00] Caution: Keep the pull mild.\n"
        "[00:00] Starting in 2\n"
        "[00:01] Starting in 1\n"
        "[00:02] step 1/3  Face the wall (3s)\n"
        "[00:02] Note: Feet hip-width apart\n"
        "[00:05] step 2/3  Right side — Lean into the right calf (3s)\n"
        "[00:05] 3\n"
        "[00:06] 2\n"
        "[00:07] 1\n"
        "[00:08] step 2/3  Switch to your left side (2s)\n"
        "[00:10] step 2/3  Left side — Lean into the left calf (3s)\n"
        "[00:10] 3\n"
        "[00:11] 2\n"
        "[00:12] 1\n"
        "[00:13] step 3/3  Round 1 of 2 — Heels down (2s)\n"
        "[00:13] 1 of 2\n"
        "[00:14] 2 of 2\n"
        "[00:15] step 3/3  Round 1 of 2 — Breathe (2s)\n"
        "[00:15] Breath 1 of 1: inhale\n"
        "[00:16] Breath 1 of 1: exhale\n"
        "[00:17] step 3/3  Round 1 of 2 — Rest (2s)\n"
        "[00:19] step 3/3  Round 2 of 2 — Heels down (2s)\n"
        "[00:19] 1 of 2\n"
        "[00:20] 2 of 2\n"
        "[00:21] step 3/3  Round 2 of 2 — Breathe (2s)\n"
        "[00:21] Breath 1 of 1: inhale\n"
        "[00:22] Breath 1 of 1: exhale\n"
        "[00:23] Finished\n"
        "Time 00:21 · steps done 9 of 9 · skipped 0 · paused 00:00\n"
    )


def test_keys_are_reported_in_plain_lines() -> None:
    keys = [
        (3.5, Command.PAUSE),
        (5.0, Command.PAUSE),
        (6.0, Command.EXTEND),
        (7.0, Command.MUTE),
        (7.5, Command.MUTE),
        (8.0, Command.NEXT),
        (11.0, Command.BACK),
        (12.0, Command.QUIT),
    ]
    assert plain(keys=keys).splitlines()[5:] == [
        "[00:03] 3",
        "[00:04] Paused",  # at 3.5 s: to the nearest second
        "[00:05] Resumed",
        "[00:06] 2",  # at 5.5 s
        "[00:06] 10s added to step 2",
        "[00:07] Sound muted",
        "[00:08] Sound on",
        "[00:08] Skipped step 2",
        "[00:08] step 2/3  Switch to your left side (2s)",
        "[00:10] step 2/3  Left side — Lean into the left calf (3s)",
        "[00:10] 3",
        "[00:11] 2",
        "[00:11] Back to step 2",
        "[00:11] step 2/3  Switch to your left side (2s)",
        "[00:12] Stopped at step 2 of 3 (quit)",
        # The player's figures: 1.5 s paused; steps 1 and 3 played out, 2 skipped.
        "Time 00:11 · steps done 2 of 9 · skipped 1 · paused 00:02",
    ]


def test_a_plus_past_the_two_hour_step_limit_says_so_once() -> None:
    long_hold = compile_routine(
        Routine(name="long", title="Long", steps=(Hold(text="Hold", duration=7195),))
    )
    out = io.StringIO()
    keys = [(1.0, Command.EXTEND)] * 3 + [(2.0, Command.QUIT)]
    play_fast(long_hold, sinks=[PlainSink(out)], keys=keys)
    assert [line for line in out.getvalue().splitlines() if "no more" in line] == [
        "[00:01] + adds no more: a step lasts 2h at most"
    ]


def test_a_ready_step_says_it_waits_for_enter() -> None:
    ready = compile_routine(
        Routine(
            name="r",
            title="Ready",
            steps=(Do(text="Set up the roller", duration=10.0, until_ready=True),),
        )
    )
    out = io.StringIO()
    play_fast(ready, sinks=[PlainSink(out)], keys=[(65.0, Command.ENTER)], keys_interactive=True)
    assert out.getvalue().splitlines()[1:] == [
        "[00:00] step 1/1  Set up the roller (until ready)",
        "[00:00] Press Enter when you are ready",
        "[01:05] Ready",
        "[01:05] Finished",
        "Time 01:05 · steps done 1 of 1 · skipped 0 · paused 00:00",
    ]


@pytest.mark.parametrize(
    ("error", "why"),
    [(KeyboardInterrupt(), "interrupted"), (SystemExit(143), "terminated"), (OSError(), "error")],
)
def test_a_session_ended_by_a_signal_or_an_error_ends_with_the_stop_line_and_figures(
    error: BaseException, why: str
) -> None:
    class Failing:
        def handle(self, event: Event) -> None:
            if event.kind is EventKind.COUNT:
                raise error

        def close(self) -> None:
            pass

    out = io.StringIO()
    with pytest.raises(type(error)):
        play_fast(SMALL, sinks=[PlainSink(out), Failing()])
    # Issue 12 item 14: Ctrl-C and SIGTERM kept the stop line but lost the figures.
    assert out.getvalue().splitlines()[-2:] == [
        f"[00:11] Stopped at step 3 of 3 ({why})",
        "Time 00:11 · steps done 4 of 9 · skipped 0 · paused 00:00",
    ]


def test_no_escape_codes_reach_the_output_even_from_the_routine_text() -> None:
    sneaky = compile_routine(
        Routine(
            name="s",
            title="T\x1b]0;owned\x07itle",
            steps=(Do(text="Press\x1b[2J\r\nnow\x9b", duration=1, note="a\tb"),),
        )
    )
    out = io.StringIO()
    play_fast(sneaky, sinks=[PlainSink(out)])
    text = out.getvalue()
    assert not any(ch != "\n" and not ch.isprintable() for ch in text)
    assert "[00:00] step 1/1  Press[2J now (1s)\n" in text  # ESC removed, not a space
    assert "[00:00] Note: a b\n" in text


def test_every_line_is_flushed_as_it_is_written() -> None:
    class Watching(io.StringIO):
        def __init__(self) -> None:
            super().__init__()
            self.unflushed: list[str] = []

        def flush(self) -> None:
            super().flush()
            self.unflushed.clear()

        def write(self, s: str) -> int:
            self.unflushed.append(s)
            return super().write(s)

    stream = Watching()
    sink = PlainSink(stream)
    play_fast(SMALL, sinks=[sink])
    assert stream.unflushed == []
    assert stream.getvalue().count("\n") > 20


def test_the_stream_is_left_open() -> None:
    out = io.StringIO()
    play_fast(SMALL, sinks=[PlainSink(out)])
    assert not out.closed


def test_clean_keeps_ordinary_text() -> None:
    assert clean("Round 1 of 3 · Right side — lean") == "Round 1 of 3 · Right side — lean"


def test_reps_say_each_rep_and_when_to_lower() -> None:
    out = io.StringIO()
    timeline = compile_routine(
        Routine(name="r", title="Raises", steps=(Reps(reps=2, up=1, top=1, down=2, cue="Rise"),))
    )
    play_fast(timeline, sinks=[PlainSink(out)])
    assert out.getvalue().splitlines()[1:7] == [
        "[00:00] step 1/1  Rise (8s)",
        "[00:00] Rep 1 of 2",
        "[00:02] Down",
        "[00:04] Rep 2 of 2",
        "[00:06] Down",
        "[00:08] Finished",
    ]


def test_a_session_skipped_to_its_end_is_not_said_to_be_finished() -> None:
    out = io.StringIO()
    skips = [(0.5, Command.NEXT)] * 9
    play_fast(SMALL, sinks=[PlainSink(out)], keys=skips)
    lines = out.getvalue().splitlines()
    assert "Finished" not in out.getvalue()
    assert lines[-2].endswith("] Skipped to the end (not counted as practice)")


def test_lead_in_lines_are_stamped_with_their_own_times_even_when_told_late() -> None:
    stream = io.StringIO()
    sink = PlainSink(stream)
    # Told together 3.2 s in (the player waited for the voice), due at 0, 1 and 2 s.
    for number, due in ((3, 0.0), (2, 1.0), (1, 2.0)):
        sink.handle(
            Event(kind=EventKind.LEAD_IN, scheduled=due, actual=3.2, wall=0.0, step=0,
                  top_step=0, number=number)
        )  # fmt: skip
    assert stream.getvalue().splitlines() == [
        "[00:00] Starting in 3", "[00:01] Starting in 2", "[00:02] Starting in 1"
    ]  # fmt: skip
