"""The live view read from a real pseudo-terminal as a person two metres away would read it:
the countdown's block digits decoded back into the time left, and the layout giving way by
priority on a small terminal and using the room on a large one."""

from __future__ import annotations

import re

import pytest
from pty_session import Player, Session

pytestmark = pytest.mark.pty

HOLDS = """\
title: Readable
caution: Stop at once if you feel pain behind the knee, numbness or tingling in the foot.
steps:
  - hold: Lean into the wall with the back knee straight
    duration: 20
    note: If the pull turns sharp at any point, ease off until it is only a gentle stretch.
  - count: 10
    every: 0.5
    cue: Lower both heels slowly to the floor and lift them again, keeping the knees soft
"""


def quit_cleanly(session: Session) -> None:
    session.press("q")
    assert session.finish() == 0
    session.assert_terminal_restored()


def test_at_100x30_the_block_digits_read_back_as_the_time_left(player: Player) -> None:
    session = player.start(player.routine(HOLDS), "--lead-in", "0", columns=100, lines=30)
    session.wait_for_digits("00:18")
    ((text, scale),) = session.big_with_scale()
    assert text == "00:18"
    assert scale == 4 and len(session.digit_rows()) == 10  # 10 of 30 rows
    session.wait_for_digits("00:17")
    session.press("+")  # ten seconds more: the digits say so at once
    session.wait_for_digits("00:27", "00:26")
    session.press("n")  # the count, in block digits too
    session.wait_for_digits("2 of 10")
    quit_cleanly(session)


def test_at_40x15_the_cue_countdown_time_left_and_keys_show(player: Player) -> None:
    session = player.start(player.routine(HOLDS), "--lead-in", "0", columns=40, lines=15)
    session.wait_for_digits("00:19")
    session.wait_for("q quit")
    lines = session.screen.display
    joined = " ".join(line.strip() for line in lines)
    assert "Lean into the wall with the back knee straight" in joined
    assert re.search(r" 00:2[45] left", joined)  # the routine's time left (20 s + 5 s)
    assert "space pause · n next · b back" in joined
    # The note, "Next" and the caution gave way: each one line, ellipsised, or gone.
    for start in ("If the pull", "Next:", "Caution"):
        found = [line.rstrip() for line in lines if start in line]
        assert len(found) <= 1
        assert not found or found[0].endswith("…"), found
    assert "gentle stretch." not in joined
    assert "tingling in the foot." not in joined
    session.press(" ")  # paused: the time left stays, and the help says how to go on
    session.wait_for("space resume")
    assert session.big() in (["00:19"], ["00:18"])
    assert "PAUSED" in session.screen.text
    session.press(" ")
    quit_cleanly(session)


def test_at_200x50_it_uses_the_room(player: Player) -> None:
    session = player.start(player.routine(HOLDS), "--lead-in", "0", columns=200, lines=50)
    session.wait_for_digits("00:19")
    session.wait_for("q quit")
    ((_, scale),) = session.big_with_scale()
    assert scale >= 6  # 15 rows or more
    text = session.screen.text
    for whole in (
        "Lean into the wall with the back knee straight",
        "If the pull turns sharp at any point, ease off until it is only a gentle stretch.",
        "Next: Lower both heels slowly to the floor and lift them again, keeping the knees soft",
        "Caution  Stop at once if you feel pain behind the knee, numbness or tingling in the foot.",
    ):
        assert whole in text
    bar = next(line for line in session.screen.display if " left" in line)
    assert len(bar) - len(bar.lstrip()) >= 10  # a margin, not the screen's edge
    quit_cleanly(session)


def test_a_warning_from_setting_up_speech_shows_inside_the_view(player: Player) -> None:
    # No speech engine on PATH: the warning used to go to stderr before the view began.
    session = player.start(player.routine(HOLDS), "--lead-in", "0", "--voice", PATH="/nonexistent")
    session.wait_for_digits("00:19")
    session.wait_for("voice: no speech engine found")
    assert "VOICE" not in session.screen.text  # nothing is spoken, so no badge
    quit_cleanly(session)
    assert "voice: no speech engine found" in session.screen.text  # and again after it


SIDES = """\
title: Both sides
steps:
  - sides: [right, left]
    switch: 3
    steps:
      - hold: Lean into the wall, {side} leg back
        duration: 20
"""


def test_the_phase_band_side_and_a_paused_band_read_back_from_the_screen(
    player: Player,
) -> None:
    session = player.start(player.routine(SIDES), "--lead-in", "0", columns=80, lines=24)
    session.wait_for_digits("00:19")
    session.pump(0.2)
    band = next(n for n, line in enumerate(session.screen.display) if "HOLD · RIGHT SIDE" in line)
    row = session.screen.buffer[band]
    # Reverse video across the whole width inside the margins, not just under the words.
    assert all(row[x].reverse for x in range(5, 75))
    assert row[5].fg == "cyan" or row[5].bg == "cyan"
    session.press(" ")
    session.wait_for("PAUSED · space resumes")
    session.pump(0.3)
    cells = [session.screen.buffer[n][10] for n in range(session.screen.lines)]
    paused = [c for c in cells if c.reverse and c.fg in ("yellow", "brown")]  # pyte: 33 "brown"
    assert len(paused) == 3  # a band three rows tall
    digit = next(n for n in session.digit_rows())
    cell = next(c for c in session.screen.buffer[digit].values() if c.data == "█")
    assert cell.fg == "default" or not cell.bold  # dim, not bright cyan
    assert session.big() == ["00:19"]
    session.press(" ")
    session.wait_for(lambda text: "PAUSED" not in text)
    session.press("n")  # the switch between sides
    session.wait_for("SWITCH SIDES · LEFT SIDE")
    session.press("n")
    session.wait_for("HOLD · LEFT SIDE")
    quit_cleanly(session)


SHORT = """\
title: Quick sides
steps:
  - sides: [right, left]
    switch: 1
    steps:
      - hold: Lean into the wall, {side} leg back
        duration: 2
"""


def test_question_mark_shows_the_keys_and_any_key_closes_them_while_time_runs(
    player: Player,
) -> None:
    session = player.start(player.routine(HOLDS), "--lead-in", "0")
    session.wait_for_digits("00:19")
    session.press("?")
    session.wait_for("Any key closes this")
    # The frame may be read half drawn: wait for its last row, the bar with the time left.
    session.wait_for(
        lambda _: any(line.rstrip().endswith(" left") for line in session.screen.display)
    )
    assert "q  Esc  stop" in session.screen.text
    assert "Lean into the wall" not in session.screen.text
    left = [line for line in session.screen.display if line.rstrip().endswith(" left")]
    session.pump(1.5)
    now = [line for line in session.screen.display if line.rstrip().endswith(" left")]
    assert left and now and now != left  # the routine's time left still runs under the help
    session.press("q")  # closes the help; does not quit
    session.wait_for("Lean into the wall")
    assert session.child.isalive()
    session.wait_for_digits("00:16", "00:15", "00:14")
    quit_cleanly(session)
    assert "help" not in player.kinds()  # the player never heard of it


def test_a_finished_routine_shows_an_end_screen_until_a_key_then_leaves_the_summary(
    player: Player,
) -> None:
    session = player.start(player.routine(SHORT), "--lead-in", "0")
    session.wait_for("Press any key to close", timeout=15)
    session.pump(0.3)
    text = session.screen.text
    assert "FINISHED" in text and "Finished Quick sides." in text
    assert "time played" in text and session.big() == ["00:05"]
    assert session.screen.in_alt_screen and session.child.isalive()
    session.pump(1.0)
    assert session.child.isalive()  # it waits for a key
    session.press("x")
    assert session.finish() == 0
    session.assert_terminal_restored()
    assert session.screen.text.startswith("Finished Quick sides.\nTime 00:05")


def test_b_after_two_seconds_restarts_the_step_and_a_quick_second_b_goes_to_the_one_before(
    player: Player,
) -> None:
    session = player.start(player.routine(HOLDS), "--lead-in", "0")
    session.wait_for_digits("00:19")
    session.press("n")  # to the count
    session.wait_for("COUNT")
    session.pump(2.6)  # past the first 2 s of the count: b restarts it
    session.press("b")
    session.wait_for_digits("1 of 10")
    assert "COUNT" in session.screen.text
    session.press("b")  # within 2 s of the restart: the step before
    session.wait_for("HOLD")
    session.wait_for_digits("00:20", "00:19")
    quit_cleanly(session)
    steps = [e["step"] for e in player.events() if e["event"] == "step"]
    assert steps == [1, 2, 2, 1]
