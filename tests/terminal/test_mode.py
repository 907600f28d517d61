"""The terminal's mode on a real pseudo-terminal: echo and line mode off and put back, the
window's size, the cursor, SIGTERM and Ctrl-Z."""

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
from calfkit.terminal.mode import KeyMode, Terminated, show_cursor, terminate_raises

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX terminals")


@pytest.fixture
def pty_pair() -> Iterator[tuple[int, int]]:
    master, slave = os.openpty()
    yield master, slave
    for fd in (master, slave):
        with contextlib.suppress(OSError):
            os.close(fd)


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


def test_key_mode_handles_ctrl_z_only_while_it_lasts(pty_pair: tuple[int, int]) -> None:
    _master, slave = pty_pair
    old = signal.getsignal(signal.SIGTSTP)
    mode = KeyMode(slave, io.StringIO(), clock=StoppableClock())
    with mode:
        assert signal.getsignal(signal.SIGTSTP) == mode._on_tstp
    assert signal.getsignal(signal.SIGTSTP) == old
