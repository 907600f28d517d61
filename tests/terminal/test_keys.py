"""Key decoding, the key map and its help line, and the select loop on a real pseudo-terminal."""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterator

import pytest

from calfkit.player.clock import MonotonicClock
from calfkit.player.events import Command
from calfkit.terminal.keys import ESCAPE_WAIT, KeyControls, decode_keys, finish_escape

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX terminals")


@pytest.mark.parametrize(
    ("data", "commands"),
    [
        (b" ", [Command.PAUSE]),
        (b"n", [Command.NEXT]),
        (b"N", [Command.NEXT]),
        (b"\x1b[C", [Command.NEXT]),
        (b"\x1bOC", [Command.NEXT]),
        (b"\x1b[1;5C", [Command.NEXT]),
        (b"b", [Command.BACK]),
        (b"\x1b[D", [Command.BACK]),
        (b"\x1bOD", [Command.BACK]),
        (b"+", [Command.EXTEND]),
        (b"=", [Command.EXTEND]),
        (b"m", [Command.MUTE]),
        (b"q", [Command.QUIT]),
        (b"\r", [Command.ENTER]),
        (b"\n", [Command.ENTER]),
        (b"x", []),
        (b"\x1b[A", []),  # up arrow means nothing here
        (b"\x1b[2~", []),  # Insert
        (b"n \x1b[Dq", [Command.NEXT, Command.PAUSE, Command.BACK, Command.QUIT]),
        (b"\x1bn", [Command.QUIT, Command.NEXT]),  # Esc then n, typed fast
        (b"\x1b\x1b", [Command.QUIT]),  # the second Esc may still start a sequence
    ],
)
def test_decode_keys(data: bytes, commands: list[Command]) -> None:
    decoded, _ = decode_keys(data)
    assert decoded == commands


@pytest.mark.parametrize("partial", [b"\x1b", b"\x1b[", b"\x1b[1;", b"\x1bO"])
def test_an_unfinished_escape_sequence_is_kept_for_more_input(partial: bytes) -> None:
    assert decode_keys(b"n" + partial) == ([Command.NEXT], partial)


def test_a_lone_esc_quits_but_a_cut_off_sequence_does_nothing() -> None:
    assert finish_escape(b"\x1b") == [Command.QUIT]
    assert finish_escape(b"\x1b[") == []


@pytest.fixture
def pty_pair() -> Iterator[tuple[int, int]]:
    master, slave = os.openpty()
    yield master, slave
    for fd in (master, slave):
        with contextlib.suppress(OSError):
            os.close(fd)


@pytest.fixture
def keys_pty(pty_pair: tuple[int, int]) -> tuple[int, int]:
    """A pty whose slave side is already in key mode, as KeyMode leaves it."""
    import tty

    tty.setcbreak(pty_pair[1])
    return pty_pair


def test_wait_returns_a_key_at_once(keys_pty: tuple[int, int]) -> None:
    master, slave = keys_pty
    controls = KeyControls(slave)
    clock = MonotonicClock()
    os.write(master, b" ")
    began = time.monotonic()
    assert controls.wait(clock, clock.now() + 5) is Command.PAUSE
    assert time.monotonic() - began < 5.0  # at once, not at the 5 s deadline


def test_wait_returns_none_at_the_deadline_not_before(keys_pty: tuple[int, int]) -> None:
    _, slave = keys_pty
    controls = KeyControls(slave)
    clock = MonotonicClock()
    deadline = clock.now() + 0.15
    assert controls.wait(clock, deadline) is None
    assert deadline <= clock.now() < deadline + 5.0  # a hang guard


def test_the_help_line_is_built_from_the_key_map() -> None:
    from calfkit.terminal.keys import KEY_MAP, KEYS, help_line

    assert help_line() == "space pause · n next · b back · + 10 s · m mute · q quit · ? keys"
    assert "m unmute" in help_line(muted=True)
    # Every key the help line names does what it says, and every bound key is in the map.
    for keys, command, name, _ in KEY_MAP:
        assert all(KEYS[bytes([key])] is command for key in keys)
        if command is not Command.ENTER:
            assert name in help_line()
    assert set(KEYS) == {bytes([k]) for keys, *_ in KEY_MAP for k in keys}


def test_several_keys_in_one_read_come_out_one_per_wait(keys_pty: tuple[int, int]) -> None:
    master, slave = keys_pty
    controls = KeyControls(slave)
    clock = MonotonicClock()
    os.write(master, b"n+b")
    got = [controls.wait(clock, clock.now() + 1) for _ in range(3)]
    assert got == [Command.NEXT, Command.EXTEND, Command.BACK]
    assert controls.wait(clock, clock.now() + 0.01) is None


def test_a_lone_esc_quits_after_a_short_wait(keys_pty: tuple[int, int]) -> None:
    master, slave = keys_pty
    controls = KeyControls(slave)
    clock = MonotonicClock()
    os.write(master, b"\x1b")
    began = time.monotonic()
    assert controls.wait(clock, None) is Command.QUIT
    assert ESCAPE_WAIT <= time.monotonic() - began < ESCAPE_WAIT + 5.0  # a hang guard


def test_an_arrow_split_across_reads_is_an_arrow_not_esc(keys_pty: tuple[int, int]) -> None:
    master, slave = keys_pty
    controls = KeyControls(slave)
    clock = MonotonicClock()
    os.write(master, b"\x1b")
    assert controls.wait(clock, clock.now() + 0.01) is None  # deadline first: Esc still pending
    os.write(master, b"[C")
    assert controls.wait(clock, clock.now() + 1) is Command.NEXT


def test_a_hung_up_terminal_quits(keys_pty: tuple[int, int]) -> None:
    master, slave = keys_pty
    os.close(master)
    clock = MonotonicClock()
    assert KeyControls(slave).wait(clock, clock.now() + 1) is Command.QUIT


def test_question_mark_shows_the_keys_and_the_next_key_only_closes_them(
    keys_pty: tuple[int, int],
) -> None:
    master, slave = keys_pty
    controls = KeyControls(slave)
    shown: list[bool] = []
    controls.on_help = shown.append
    clock = MonotonicClock()
    os.write(master, b"n?")
    assert controls.wait(clock, clock.now() + 1) is Command.NEXT  # typed before "?": it counts
    assert controls.wait(clock, clock.now() + 0.2) is None
    assert shown == [True]
    os.write(master, b"q")  # closes the help, and does not quit
    assert controls.wait(clock, clock.now() + 0.2) is None
    assert shown == [True, False]
    os.write(master, b"h")  # h shows them too
    assert controls.wait(clock, clock.now() + 0.2) is None
    assert shown == [True, False, True]
    os.write(master, b" ")
    assert controls.wait(clock, clock.now() + 0.2) is None
    os.write(master, b" ")  # the help is closed: space pauses again
    assert controls.wait(clock, clock.now() + 1) is Command.PAUSE


def test_without_a_view_question_mark_goes_to_the_player_as_help(
    keys_pty: tuple[int, int],
) -> None:
    master, slave = keys_pty
    controls = KeyControls(slave)
    clock = MonotonicClock()
    os.write(master, b"?")
    assert controls.wait(clock, clock.now() + 1) is Command.HELP


def test_any_key_waits_for_a_key_or_the_time(keys_pty: tuple[int, int]) -> None:
    master, slave = keys_pty
    controls = KeyControls(slave)
    assert controls.any_key(0.1) is False
    os.write(master, b"z")
    assert controls.any_key(5) is True


def test_q_behind_a_storm_of_plus_goes_ahead_of_it(keys_pty: tuple[int, int]) -> None:
    """1,800 presses of + and then q, all in the terminal before the player asks: q comes
    out at the first wait after it arrived, not after 1,800 extensions, each with a redraw."""
    master, slave = keys_pty
    controls = KeyControls(slave)
    clock = MonotonicClock()
    os.write(master, b"+" * 900)
    assert controls.wait(clock, clock.now() + 1) is Command.EXTEND  # the first 900 are read
    os.write(master, b"+" * 900 + b"q")
    assert controls.wait(clock, clock.now() + 1) is Command.QUIT  # 899 + still queued before it
    assert controls.wait(clock, clock.now() + 0.01) is None  # the + presses left are dropped


def test_keys_before_a_quit_that_has_not_arrived_are_all_acted_on(
    keys_pty: tuple[int, int],
) -> None:
    master, slave = keys_pty
    controls = KeyControls(slave)
    clock = MonotonicClock()
    os.write(master, b"+++")
    got = [controls.wait(clock, clock.now() + 1) for _ in range(3)]
    assert got == [Command.EXTEND] * 3


def test_a_pause_or_mute_behind_plus_presses_goes_ahead_of_them_and_they_still_count(
    keys_pty: tuple[int, int],
) -> None:
    master, slave = keys_pty
    controls = KeyControls(slave)
    clock = MonotonicClock()
    os.write(master, b"+" * 500 + b" m+n")
    got = [controls.wait(clock, clock.now() + 1) for _ in range(504)]
    assert got[:2] == [Command.PAUSE, Command.MUTE]
    assert got[2:] == [Command.EXTEND] * 501 + [Command.NEXT]  # n waits its turn
    assert controls.wait(clock, clock.now() + 0.01) is None


def test_esc_behind_a_storm_of_plus_quits_as_soon_as_it_is_known_to_be_alone(
    keys_pty: tuple[int, int],
) -> None:
    master, slave = keys_pty
    controls = KeyControls(slave)
    clock = MonotonicClock()
    os.write(master, b"+" * 900 + b"\x1b")
    got = []
    began = time.monotonic()
    while (command := controls.wait(clock, clock.now() + 1)) is Command.EXTEND:
        got.append(command)
        time.sleep(0.001)  # as the player redraws the view after each +
    assert command is Command.QUIT
    assert len(got) < 899  # not after every + still waiting
    assert time.monotonic() - began < ESCAPE_WAIT + 5.0  # a hang guard
