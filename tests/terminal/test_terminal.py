"""Key decoding, the select loop on a real pseudo-terminal, and putting the terminal back."""

from __future__ import annotations

import contextlib
import io
import os
import signal
import sys
import time
from collections.abc import Iterator

import pytest

from calfkit.player.clock import MonotonicClock, StoppableClock
from calfkit.player.events import Command
from calfkit.terminal.keys import ESCAPE_WAIT, KeyControls, decode_keys, finish_escape
from calfkit.terminal.mode import KeyMode, Terminated, show_cursor, terminate_raises

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

    assert help_line() == "space pause · n next · b back · + 10 s · m mute · q quit"
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


def lflag(fd: int) -> int:
    import termios

    flags: int = termios.tcgetattr(fd)[3]
    return flags


def test_key_mode_turns_off_echo_and_line_mode_keeps_signals_and_restores(
    pty_pair: tuple[int, int],
) -> None:
    import termios

    _master, slave = pty_pair
    before = termios.tcgetattr(slave)
    assert lflag(slave) & termios.ECHO and lflag(slave) & termios.ICANON
    with KeyMode(slave, io.StringIO()):
        assert not lflag(slave) & termios.ECHO
        assert not lflag(slave) & termios.ICANON
        assert lflag(slave) & termios.ISIG
    assert termios.tcgetattr(slave) == before


def test_key_mode_restores_after_an_exception_and_drops_unread_keys(
    pty_pair: tuple[int, int],
) -> None:
    import select
    import termios

    master, slave = pty_pair
    before = termios.tcgetattr(slave)
    with pytest.raises(RuntimeError), KeyMode(slave, io.StringIO()):
        os.write(master, b"nnn")
        time.sleep(0.05)
        raise RuntimeError("a sink failed")
    assert termios.tcgetattr(slave) == before
    assert select.select([slave], [], [], 0.05)[0] == []


def test_key_mode_calls_on_resize_when_the_window_changes(pty_pair: tuple[int, int]) -> None:
    import fcntl
    import struct
    import termios

    master, slave = pty_pair
    resized: list[bool] = []
    clock = MonotonicClock()
    old = signal.getsignal(signal.SIGWINCH)
    with KeyMode(slave, io.StringIO()) as controls:
        controls.on_resize = lambda: resized.append(True)
        fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 40, 0, 0))
        os.kill(os.getpid(), signal.SIGWINCH)
        assert controls.wait(clock, clock.now() + 0.3) is None
    assert resized
    assert signal.getsignal(signal.SIGWINCH) == old


def test_show_cursor_writes_only_to_a_terminal(
    pty_pair: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TERM", "xterm")
    master, slave = pty_pair
    pipe = io.StringIO()
    show_cursor(pipe)
    assert pipe.getvalue() == ""
    with open(slave, "w", closefd=False) as tty:
        show_cursor(tty)
    assert os.read(master, 100) == b"\x1b[?25h"


def test_show_cursor_writes_nothing_to_a_dumb_terminal(
    pty_pair: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TERM", "dumb")
    master, slave = pty_pair
    with open(slave, "w", closefd=False) as tty:
        show_cursor(tty)
        tty.write("end")
    assert os.read(master, 100) == b"end"


def test_sigterm_raises_terminated_inside_and_not_after() -> None:
    old = signal.getsignal(signal.SIGTERM)
    with pytest.raises(Terminated), terminate_raises():
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(1)
    assert signal.getsignal(signal.SIGTERM) == old


def test_the_stoppable_clock_leaves_out_the_time_spent_stopped() -> None:
    clock = StoppableClock()
    before = clock.now()
    clock.leave_out(5.0)
    after = clock.now()
    assert -5.0 < after - before < -4.9  # five seconds fewer than the monotonic clock
    clock.sleep_until(after + 0.05)
    assert clock.now() >= after + 0.05


def test_key_mode_handles_ctrl_z_only_while_it_lasts(pty_pair: tuple[int, int]) -> None:
    _master, slave = pty_pair
    old = signal.getsignal(signal.SIGTSTP)
    mode = KeyMode(slave, io.StringIO(), clock=StoppableClock())
    with mode:
        assert signal.getsignal(signal.SIGTSTP) == mode._on_tstp
    assert signal.getsignal(signal.SIGTSTP) == old
