"""``calfkit play`` in a real pseudo-terminal: what the screen shows, what the keys do, the exit
code and the event log, and the terminal's own state after every way of ending."""

from __future__ import annotations

import contextlib
import json
import re
import shlex
import shutil
import signal
import subprocess
import sys
import termios
import time

import pexpect
import pyte
import pytest
from pty_session import Player, Screen, Session
from tests.blocks import read_digits

pytestmark = pytest.mark.pty

WALL_WORK = """\
title: Wall work
caution: Keep the pull gentle.
steps:
  - repeat: 2
    steps:
      - sides: [right]
        switch: 0
        steps:
          - hold: Lean into the wall
            duration: 20
            note: Back heel stays down.
  - count: 10
    cue: Lower your heels
  - breathe: 3
    inhale: 2
    exhale: 2
"""


FAST_PLAIN = ["--speed", "20", "--lead-in", "0", "--sound", "off", "--no-history"]


def rows(session: Session) -> list[str]:
    return [line.strip(" │") for line in session.screen.text.splitlines()]


def row_of(session: Session, text: str) -> int:
    for index, line in enumerate(session.screen.display):
        if text in line:
            return index
    raise AssertionError(f"{text!r} is not on the screen:\n{session.screen.text}")


def test_the_live_view_shows_caution_then_cue_countdown_where_next_progress_and_keys(
    player: Player,
) -> None:
    session = player.start(player.routine(WALL_WORK), "--lead-in", "2")
    before = session.wait_for("Starting in")
    assert "Wall work" in before
    assert "Keep the pull gentle." in before

    session.wait_for_digits("00:19")
    session.wait_for("01:01 left")  # the rest of that frame, below the digits
    order = [
        row_of(session, "Lean into the wall"),
        row_of(session, "Back heel stays down."),
        session.digit_rows()[0],
        row_of(session, "Round 1 of 2 · Right side"),
        row_of(session, "Next: Lean into the wall"),
        row_of(session, "left"),
        row_of(session, "space pause · n next · b back · + 10 s · m mute · q quit"),
    ]
    assert order == sorted(order)
    assert "01:01 left" in session.screen.display[order[5]]  # 62 s of routine, 1 s gone

    # Keys are read without echo or line mode, and Ctrl-C would still be a signal.
    flags = session.current_lflag()
    assert not flags & termios.ECHO
    assert not flags & termios.ICANON
    assert flags & termios.ISIG
    session.press("xyz")
    session.pump(0.3)
    assert "xyz" not in session.screen.text

    assert re.search(rb"\x1b\[[0-9;]*3[0-7]m", session.raw)  # in colour, without NO_COLOR
    session.press("q")
    assert session.finish() == 0
    session.assert_terminal_restored()
    lines = session.screen.text.strip().splitlines()
    assert len(lines) == 3
    assert lines[0] == "Stopped Wall work (quit)."
    assert re.fullmatch(r"Time 00:0\d · steps done 0 of 4 · skipped 0 · paused 00:00", lines[1])
    assert lines[2] == "stopped at step 1 of 3"  # top-level steps, as --from takes them
    assert player.kinds() == ["start", "lead_in", "lead_in", "step", "stop"]
    assert player.events()[-1]["text"] == "quit"


def test_counts_and_breaths_show_and_a_finished_routine_leaves_only_the_summary(
    player: Player,
) -> None:
    session = player.start(
        player.routine(WALL_WORK), "--from", "2", "--speed", "4", "--lead-in", "0"
    )
    counting = session.wait_for_digits("7 of 10")
    assert "Lower your heels" in counting
    assert "Next: Breathe" in counting
    session.wait_for("breath 2 of 3 · inhale")
    assert "in 2" in session.big()
    assert "Next: finish" in session.screen.text
    assert session.finish() == 0
    session.assert_terminal_restored()
    lines = session.screen.text.strip().splitlines()
    assert lines[0] == "Finished Wall work."
    assert lines[1].endswith("· steps done 2 of 4 · skipped 0 · paused 00:00")
    assert len(lines) == 2
    kinds = player.kinds()
    assert kinds[:2] == ["start", "step"] and kinds[-1] == "finish"
    assert kinds.count("count") == 10
    assert kinds.count("breath") == 6


def test_space_pauses_with_a_reverse_video_badge_and_the_countdown_stops(
    player: Player,
) -> None:
    session = player.start(player.routine(WALL_WORK), "--lead-in", "0")
    session.wait_for_digits("00:19")
    session.press(" ")
    session.wait_for("PAUSED")
    session.pump(0.3)  # the rest of the paused frame may still be on its way through the pty
    banner = row_of(session, "PAUSED")
    column = session.screen.display[banner].index("PAUSED")
    assert session.screen.buffer[banner][column].reverse
    assert "space resume · n next" in session.screen.text
    assert session.big() == ["00:19"]  # the time left stays on the screen
    frozen = session.screen.text
    session.pump(1.3)
    assert session.screen.text == frozen  # nothing moves while paused
    session.press(" ")
    session.wait_for(lambda text: "PAUSED" not in text)
    session.press("q")
    assert session.finish() == 0
    session.assert_terminal_restored()
    events = player.events()
    assert [e["event"] for e in events] == ["start", "step", "pause", "resume", "stop"]
    assert events[3]["actual"] - events[2]["actual"] >= 1.2


def test_next_back_extend_and_the_arrow_keys_and_esc(player: Player) -> None:
    session = player.start(player.routine(WALL_WORK), "--lead-in", "0")
    session.wait_for_digits("00:19")
    session.press("+")
    session.wait_for_digits("00:29")  # ten seconds more for the step in progress
    session.press("n")
    session.wait_for("Round 2 of 2")
    session.press("b")  # at once: back to the step before
    session.wait_for("Round 1 of 2")
    session.press("\x1b[C")  # right arrow
    session.wait_for("Round 2 of 2")
    session.press("\x1b[D")  # left arrow
    session.wait_for("Round 1 of 2")
    session.press("\x1b")  # a lone Esc
    assert session.finish() == 0
    session.assert_terminal_restored()
    assert "stopped at step 1 of 3" in session.screen.text
    assert player.kinds() == [
        "start", "step", "extend", "skip", "step", "back", "step",
        "skip", "step", "back", "step", "stop",
    ]  # fmt: skip
    steps = [e["step"] for e in player.events() if e["event"] == "step"]
    assert steps == [1, 2, 1, 2, 1]


def test_a_ready_step_waits_for_enter(player: Player) -> None:
    routine = player.routine(
        "title: Setup\nsteps:\n  - prepare: Set up the roller\n    duration: ready\n"
        "  - hold: Roll slowly\n    duration: 30\n"
    )
    session = player.start(routine, "--lead-in", "0")
    session.wait_for("Press Enter when you are ready")
    session.pump(1.2)
    assert "Press Enter when you are ready" in session.screen.text  # no 10 s fallback here
    session.press("\r")
    session.wait_for("Roll slowly")
    session.press("q")
    assert session.finish() == 0
    session.assert_terminal_restored()
    assert player.kinds() == ["start", "step", "waiting", "ready", "step", "stop"]


def test_ctrl_c_exits_130_and_puts_the_terminal_back(player: Player) -> None:
    session = player.start(player.routine(WALL_WORK), "--lead-in", "0")
    session.wait_for_digits("00:19")
    session.child.sendintr()
    assert session.finish() == 130
    session.assert_terminal_restored()
    assert "Stopped Wall work (interrupted)." in session.screen.text
    assert player.kinds()[-1] == "stop"
    assert player.events()[-1]["text"] == "interrupted"


def test_sigterm_exits_143_and_puts_the_terminal_back(player: Player) -> None:
    session = player.start(player.routine(WALL_WORK), "--lead-in", "0")
    session.wait_for_digits("00:19")
    session.child.kill(signal.SIGTERM)
    assert session.finish() == 143
    session.assert_terminal_restored()
    assert "Stopped Wall work (terminated)." in session.screen.text
    assert player.events()[-1]["text"] == "terminated"


def test_an_event_log_that_fills_its_disk_stops_but_the_session_plays_on(
    player: Player,
) -> None:
    # The rule for every sink that fails mid-session (docs/history.md, README): it stops, the
    # view says so, the session plays on; the log, asked for by name, makes the exit status 1.
    from tests.fulldisk import tiny_disk

    with tiny_disk(player.tmp_path / "disk", "16k") as disk:
        log = disk / "events.jsonl"
        routine = player.routine(
            "title: Many counts\nsteps:\n  - count: 400\n    every: 0.01\n"
            "  - hold: Hold on after it\n    duration: 1\n"
        )
        session = player.start(routine, "--lead-in", "0", "--log-events", str(log), log=False)
        session.wait_for("event log: stopped writing")
        assert session.finish() == 1
        session.assert_terminal_restored()
        screen = session.screen.text.replace("\n", "")  # the long path wraps
        assert "Finished Many counts." in screen
        assert "calfkit: error: cannot write the event log " in screen
        assert "events.jsonl: No space left on device (the session played on without it)" in screen
        lines = log.read_text(encoding="utf-8").splitlines()
        assert [json.loads(line)["event"] for line in lines][:2] == ["start", "step"]
        assert len(lines) > 10  # it wrote until the disk was full, then stopped on a whole line


def test_a_resize_to_forty_columns_redraws_at_once_even_while_paused(player: Player) -> None:
    session = player.start(player.routine(WALL_WORK), "--lead-in", "0")
    session.wait_for_digits("00:19")
    session.press(" ")
    session.wait_for("PAUSED")
    session.child.setwinsize(24, 40)
    session.screen.resize(24, 40)
    session.wait_for(
        lambda text: (
            text.splitlines()[-1].strip() == "+ 10 s · m mute · q quit · ? keys"
            and "space resume · n next · b back" in text
        )  # the frame's last line, laid out for 40 columns: the whole new frame has arrived
    )
    text = session.screen.text
    assert "space resume · n next · b back" in text  # key help wraps between keys
    assert "m mute · q quit" in text
    for line in rows(session):
        assert len(line) <= 40
    assert session.big() == ["00:19"]
    phrases = ["Lean into the wall", "Back heel stays down.", "01:01 left"]
    phrases += ["Round 1 of 2 · Right side", "Next: Lean into the wall"]
    for phrase in phrases:
        assert phrase in text
    session.press("q")
    assert session.finish() == 0
    session.assert_terminal_restored()


def test_a_forty_column_terminal_wraps_long_text(player: Player) -> None:
    routine = player.routine(
        "title: Narrow\nsteps:\n  - hold: Lean into the wall with the back knee straight and the"
        " heel heavy on the floor\n    duration: 20\n    note: If the pull turns sharp, ease off"
        " until it is only a gentle stretch.\n"
    )
    session = player.start(routine, "--lead-in", "0", columns=40)
    text = session.wait_for_digits("00:19")
    joined = " ".join(rows(session))
    assert "Lean into the wall with the back" in joined
    assert "heel heavy on the floor" in joined
    assert "only a gentle stretch." in joined
    assert "Next: finish" in text
    session.press("q")
    assert session.finish() == 0
    session.assert_terminal_restored()


def test_plain_output_through_a_pipe_has_no_escape_codes(player: Player) -> None:
    routine = player.routine(WALL_WORK)
    done = subprocess.run(
        [sys.executable, "-m", "calfkit", "play", routine, *FAST_PLAIN],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        env=player.env,
        timeout=30,
        check=False,
    )
    assert done.returncode == 0
    assert b"\x1b" not in done.stdout + done.stderr
    lines = done.stdout.decode().splitlines()
    assert lines[0] == "[00:00] Wall work: 3 steps (4 timed steps), 1m 2s"
    assert lines[-2].endswith("] Finished")
    assert lines[-1].startswith("Time 00:0") and lines[-1].endswith(" · skipped 0 · paused 00:00")
    assert all(line.startswith("[00:0") for line in lines[:-1])


@pytest.mark.parametrize(
    ("sig", "status", "why"),
    [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "terminated")],
)
def test_plain_mode_in_a_pipe_ends_on_a_signal_with_its_exit_code(
    player: Player, sig: signal.Signals, status: int, why: str
) -> None:
    command = [sys.executable, "-m", "calfkit", "play", player.routine(WALL_WORK)]
    process = subprocess.Popen(
        [*command, "--lead-in", "0", "--sound", "off", "--no-history"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=player.env,
    )
    assert process.stdout is not None
    first = process.stdout.readline()
    assert first == b"[00:00] Wall work: 3 steps (4 timed steps), 1m 2s\n"
    while b"step 1/3" not in process.stdout.readline():
        pass
    process.send_signal(sig)
    out, err = process.communicate(timeout=10)
    assert process.returncode == status
    # The stop line, then (issue 12 item 14) the figures, which Ctrl-C and SIGTERM lost.
    *_, stop, figures = out.decode().splitlines()
    assert stop.endswith(f"Stopped at step 1 of 3 ({why})")
    assert re.fullmatch(r"Time 00:0\d · steps done 0 of 4 · skipped 0 · paused 00:00", figures)
    assert b"Traceback" not in err


def test_no_color_leaves_out_every_colour_but_keeps_bold_and_reverse(player: Player) -> None:
    session = player.start(player.routine(WALL_WORK), "--lead-in", "0", NO_COLOR="1")
    session.wait_for_digits("00:19")
    session.press(" ")
    session.wait_for("PAUSED")
    session.press("q")
    assert session.finish() == 0
    session.assert_terminal_restored()
    codes = re.findall(rb"\x1b\[([0-9;]*)m", session.raw)
    params = {param for code in codes for param in code.split(b";")}
    assert {b"1", b"7"} <= params  # bold, reverse video
    assert not {p for p in params if len(p) == 2 and p[:1] in b"349"}  # no colours at all


def test_q_during_the_lead_in_says_no_step_had_begun(player: Player) -> None:
    session = player.start(player.routine(WALL_WORK), "--lead-in", "30", "--from", "2")
    session.wait_for("Starting in")
    session.press("q")
    assert session.finish() == 0
    session.assert_terminal_restored()
    lines = session.screen.text.strip().splitlines()
    assert lines[0] == "Stopped Wall work (quit)."
    assert lines[-1] == "stopped before step 2 of 3"
    assert player.kinds()[-1] == "stop"


def test_m_mutes_and_unmutes_and_the_key_help_says_which(player: Player) -> None:
    session = player.start(player.routine(WALL_WORK), "--lead-in", "0")
    session.wait_for("m mute · q quit")
    session.press("m")
    session.wait_for("m unmute · q quit")
    session.press("m")
    session.wait_for("m mute · q quit")
    session.press("q")
    assert session.finish() == 0
    session.assert_terminal_restored()
    assert player.kinds() == ["start", "step", "mute", "unmute", "stop"]


def test_ctrl_z_gives_the_shell_its_terminal_and_fg_carries_on_where_it_was(
    player: Player,
) -> None:
    # Job control needs a real interactive shell: calfkit runs as one of its jobs.
    routine = player.routine(WALL_WORK)
    env = {**player.env, "PS1": "ready> "}
    shell = pexpect.spawn(
        "bash", ["--norc", "--noprofile", "-i"], dimensions=(24, 80), env=env, timeout=10
    )
    screen = Screen(80, 24)
    stream = pyte.ByteStream(screen)

    def wait_for(text: str, *, digits: bool = False) -> None:
        end = time.monotonic() + 10
        while time.monotonic() < end:
            with contextlib.suppress(pexpect.TIMEOUT):
                stream.feed(shell.read_nonblocking(65536, timeout=0.05))
            if not digits and text in screen.text:
                return
            with contextlib.suppress(AssertionError):  # a frame half-way through
                if digits and any(t.startswith(text) for t, _ in read_digits(screen.display)):
                    return
        raise AssertionError(f"the screen never showed {text!r}:\n{screen.text}")

    try:
        wait_for("ready>")
        shell.sendline(
            f"{shlex.quote(sys.executable)} -m calfkit play {routine} --lead-in 0 --sound off "
            "--no-history "
            f"--log-events {player.log}"
        )
        wait_for("00:19", digits=True)
        assert not termios.tcgetattr(shell.child_fd)[3] & termios.ECHO
        shell.send("\x1a")  # Ctrl-Z
        wait_for("Stopped")
        # (bash puts its own terminal modes back for a stopped job; the screen is calfkit's.)
        assert not screen.in_alt_screen
        assert not screen.cursor.hidden
        time.sleep(2.0)  # stopped: the routine must not run on
        shell.sendline("fg")
        wait_for("00:1", digits=True)
        assert screen.in_alt_screen
        assert not termios.tcgetattr(shell.child_fd)[3] & termios.ECHO
        shell.send("q")  # keys work again at once
        wait_for("stopped at step 1 of 3")
        shell.sendline("echo status=$?")
        wait_for("status=0")
        assert not screen.in_alt_screen
        assert not screen.cursor.hidden
        shell.sendline("stty -a | tr ' ' '\\n' | grep -xE -- '-?(echo|icanon)' | sort; echo end")
        wait_for("\nend")
        modes = screen.text.split("; echo end")[-1].split()
        assert modes[:2] == ["echo", "icanon"]
    finally:
        shell.close(force=True)
    stop = player.events()[-1]
    assert stop["event"] == "stop"
    assert stop["actual"] < 1.9  # the two seconds stopped are left out of the session


def test_plain_mode_with_keys_says_once_where_q_stopped_it_then_the_figures(
    player: Player,
) -> None:
    session = player.start(player.routine(WALL_WORK), "--plain", "--lead-in", "0")
    session.wait_for("step 1/3")
    session.press("q")
    assert session.finish() == 0
    session.assert_terminal_restored()
    lines = [line for line in session.screen.text.splitlines() if line]
    assert lines[-2].endswith("] Stopped at step 1 of 3 (quit)")
    assert lines[-1].startswith("Time 00:0")
    assert lines[-1].endswith(" · steps done 0 of 4 · skipped 0 · paused 00:00")
    assert "stopped at step" not in session.screen.text


def _many_phrases(count: int) -> str:
    steps = "".join(f"  - do: Reach for mark {n}\n    duration: 2\n" for n in range(count))
    return f"title: Many marks\nsteps:\n{steps}"


def _voice_session(player: Player) -> Session:
    from calfkit.testing.card import FakeCard

    card = FakeCard(player.tmp_path / "card")
    env = {k: v for k, v in card.env().items() if k == "ALSA_CONFIG_PATH"}
    session = player.start(player.routine(_many_phrases(400)), "--voice", **env)
    # Hundreds of phrases take many seconds to render: the view says so while they do.
    session.wait_for("Preparing the voice:", timeout=20)
    return session


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng not installed")
def test_q_while_the_voice_renders_quits_at_once_with_the_view_showing_progress(
    player: Player,
) -> None:
    session = _voice_session(player)
    assert "of 801 phrases" in session.screen.text
    began = time.monotonic()
    session.press("q")
    assert session.finish() == 0
    assert time.monotonic() - began < 3.0  # not once every phrase is rendered
    session.assert_terminal_restored()
    text = session.screen.text
    assert "Stopped Many marks (quit)." in text and "stopped before step 1 of 400" in text
    assert "voice:" not in text
    assert player.kinds()[-1] == "stop" and "preparing" in player.kinds()


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng not installed")
def test_ctrl_c_while_the_voice_renders_says_it_was_interrupted_not_that_the_voice_failed(
    player: Player,
) -> None:
    session = _voice_session(player)
    session.press("\x03")
    assert session.finish() == 130
    session.assert_terminal_restored()
    text = session.screen.text
    assert "(interrupted)" in text
    assert "failed" not in text and "spoken cues are off" not in text


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng not installed")
def test_the_voice_says_how_a_ready_step_goes_on_after_its_cue_live(player: Player) -> None:
    """With keys, a ready step waits for Enter: the voice says so (a track says its time)."""
    from calfkit.testing.card import FakeCard

    card = FakeCard(player.tmp_path / "card")
    env = {k: v for k, v in card.env().items() if k == "ALSA_CONFIG_PATH"}
    routine = player.routine(
        "title: Setup\nsteps:\n  - prepare: Lie down on the mat\n    duration: ready\n"
        "  - hold: Stay\n    duration: 30\n"
    )
    session = player.start(routine, "--lead-in", "0", "--voice", **env)
    session.wait_for("Press Enter when you are ready", timeout=20)
    deadline = time.monotonic() + 20
    while not any(e["event"] == "speak" for e in player.events()):
        assert time.monotonic() < deadline, player.kinds()
        session.pump(0.2)
    session.press("\r")
    session.wait_for("Stay")
    session.press("q")
    assert session.finish() == 0
    spoken = [e["text"] for e in player.events() if e["event"] == "speak"]
    assert spoken[0] == "Lie down on the mat. Press Enter when you are ready."
    assert not any("You have" in text for text in spoken)


def test_a_dumb_terminal_gets_plain_lines_and_not_one_escape_sequence(player: Player) -> None:
    routine = player.routine("title: Short\nsteps:\n  - rest: 1\n")
    session = player.start(routine, "--lead-in", "0", log=False, TERM="dumb")
    assert session.finish() == 0
    assert b"] Finished\r\n" in session.raw
    assert b"\x1b" not in session.raw  # not even the show-cursor sequence at the end


def test_a_storm_of_plus_stops_at_the_two_hour_step_limit_and_q_still_quits(
    player: Player,
) -> None:
    # Key repeat held down for a minute, sent as fast as the pty takes it: each + must cost
    # the same as the first, the step must stop growing at 2 hours, and q must still act.
    routine = player.routine(
        "title: Long hold\nsteps:\n  - hold: Hold the stretch\n    duration: 60\n"
    )
    session = player.start(routine, "--lead-in", "0")
    session.child.delaybeforesend = None
    session.wait_for("Hold the stretch")
    for _ in range(1800 // 60):
        session.press("+" * 60)
        session.pump()
    screen = session.wait_for("a step lasts 2h at most", timeout=20)
    left = [tuple(map(int, m)) for m in re.findall(r"(\d+):(\d\d):(\d\d) left", screen)]
    assert left and all(h * 3600 + m * 60 + s <= 7200 for h, m, s in left), screen
    session.press("q")
    assert session.finish(timeout=10) == 0
    session.assert_terminal_restored()
    extends = [e for e in player.events() if e["event"] == "extend"]
    assert len(extends) == (7200 - 60) // 10
    warnings = [e["text"] for e in player.events() if e["event"] == "warning"]
    assert warnings == ["+ adds no more: a step lasts 2h at most"]
