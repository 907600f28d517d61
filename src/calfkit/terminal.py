"""The terminal while a routine plays: keys read without blocking, and always put back as found.

Key mode (no echo, no line buffering, Ctrl-C still a signal) is set once when playback starts;
the engine then asks :class:`KeyControls` for commands with an absolute deadline, and a single
``select`` waits for either a key or that deadline, so no timer runs between events. Whatever
way playback ends (the end, ``q``, Ctrl-C, SIGTERM, an error in a sink) the saved terminal
attributes are written back and the cursor is shown again.

Windows reads keys with ``msvcrt``; the POSIX-only modules are imported only where they exist.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from types import FrameType, TracebackType
from typing import TYPE_CHECKING, Any, TextIO

from calfkit.events import Command

if TYPE_CHECKING:
    from calfkit.clock import Clock

ESC = 0x1B
SHOW_CURSOR = "\x1b[?25h"
# How long to wait for the rest of an escape sequence before a lone Esc counts as "quit".
# Terminals send a whole arrow-key sequence in one write, so this only matters for Esc itself.
ESCAPE_WAIT = 0.05

KEYS: dict[bytes, Command] = {
    b" ": Command.PAUSE,
    b"n": Command.NEXT,
    b"N": Command.NEXT,
    b"b": Command.BACK,
    b"B": Command.BACK,
    b"+": Command.EXTEND,
    b"=": Command.EXTEND,
    b"m": Command.MUTE,
    b"M": Command.MUTE,
    b"q": Command.QUIT,
    b"Q": Command.QUIT,
    b"\r": Command.ENTER,
    b"\n": Command.ENTER,
}

# Final bytes of CSI (``ESC [``) and SS3 (``ESC O``) sequences for the arrow keys.
ARROWS: dict[int, Command] = {ord("C"): Command.NEXT, ord("D"): Command.BACK}


TERMINATED_EXIT = 128 + 15


class Terminated(SystemExit):
    """SIGTERM arrived: a SystemExit with code 143, so every ``finally`` on the way out still
    runs, the player reports the session as terminated, and the process exits 143."""

    def __init__(self) -> None:
        super().__init__(TERMINATED_EXIT)


def decode_keys(data: bytes) -> tuple[list[Command], bytes]:
    """Turn bytes read from the terminal into commands.

    Returns the commands and the bytes of an escape sequence that is not complete yet (to be
    finished by more input, or by :func:`finish_escape` when none comes). Unknown keys and
    sequences are ignored.
    """
    commands: list[Command] = []
    i = 0
    n = len(data)
    while i < n:
        byte = data[i]
        if byte != ESC:
            command = KEYS.get(data[i : i + 1])
            if command is not None:
                commands.append(command)
            i += 1
            continue
        if i + 1 >= n:
            return commands, data[i:]
        intro = data[i + 1]
        if intro == ord("["):
            # CSI: parameter and intermediate bytes 0x20-0x3F, then one final byte 0x40-0x7E.
            j = i + 2
            while j < n and 0x20 <= data[j] <= 0x3F:
                j += 1
            if j >= n:
                return commands, data[i:]
            final = data[j]
            if 0x40 <= final <= 0x7E:
                command = ARROWS.get(final)
                if command is not None:
                    commands.append(command)
            i = j + 1
        elif intro == ord("O"):
            if i + 2 >= n:
                return commands, data[i:]
            command = ARROWS.get(data[i + 2])
            if command is not None:
                commands.append(command)
            i += 3
        else:
            # Esc followed by another key (typed quickly, or Alt+key): Esc on its own.
            commands.append(Command.QUIT)
            i += 1
    return commands, b""


def finish_escape(pending: bytes) -> list[Command]:
    """No more input came after ``pending``: a lone Esc means quit; a cut-off sequence nothing."""
    return [Command.QUIT] if pending == b"\x1b" else []


def _seconds_until(clock: Clock, deadline: float) -> float:
    """Real seconds until ``deadline`` on ``clock`` (a clock may run faster: ``--speed``)."""
    speed = getattr(clock, "speed", 1.0)
    left = deadline - clock.now()
    return left / speed if isinstance(speed, (int, float)) and speed > 0 else left


class StoppableClock:
    """The monotonic clock with the time the process spent stopped (Ctrl-Z, then ``fg``) left
    out, so a suspended session carries on where it was instead of firing every cue it missed
    at once. :class:`KeyMode` tells it how long each stop lasted."""

    def __init__(self) -> None:
        self._stopped = 0.0

    def now(self) -> float:
        return time.monotonic() - self._stopped

    def sleep_until(self, deadline: float) -> None:
        while True:
            left = deadline - self.now()
            if left <= 0:
                return
            time.sleep(left)

    def leave_out(self, seconds: float) -> None:
        self._stopped += max(0.0, seconds)


class KeyControls:
    """The :class:`~calfkit.events.Controls` of a POSIX terminal: one ``select`` per wait.

    ``on_resize`` is called (in the waiting thread, between events) when the terminal
    changes size, so the view can redraw at once even while paused.
    """

    def __init__(self, fd: int, *, wake_fd: int | None = None) -> None:
        self.fd = fd
        self.wake_fd = wake_fd
        self.on_resize: Callable[[], None] | None = None
        self._queue: list[Command] = []
        self._pending = b""
        self._pending_since = 0.0

    def wait(self, clock: Clock, deadline: float | None) -> Command | None:
        import select

        watched = [self.fd] if self.wake_fd is None else [self.fd, self.wake_fd]
        while True:
            if self._queue:
                return self._queue.pop(0)
            timeout = None if deadline is None else max(0.0, _seconds_until(clock, deadline))
            if self._pending:
                left = max(0.0, self._pending_since + ESCAPE_WAIT - time.monotonic())
                timeout = left if timeout is None else min(timeout, left)
            ready, _, _ = select.select(watched, [], [], timeout)
            if self.wake_fd is not None and self.wake_fd in ready:
                self._drain_wake()
            if self.fd in ready:
                self._read()
                continue
            if self._pending and time.monotonic() >= self._pending_since + ESCAPE_WAIT:
                self._queue.extend(finish_escape(self._pending))
                self._pending = b""
                continue
            if not ready and deadline is not None and clock.now() >= deadline:
                return None

    def _read(self) -> None:
        try:
            data = os.read(self.fd, 1024)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            # The terminal went away (hung up): nothing more will come, stop asking it.
            self._queue.append(Command.QUIT)
            return
        if not self._pending:
            self._pending_since = time.monotonic()
        commands, self._pending = decode_keys(self._pending + data)
        self._queue.extend(commands)

    def _drain_wake(self) -> None:
        assert self.wake_fd is not None
        with contextlib.suppress(BlockingIOError):
            os.read(self.wake_fd, 512)
        if self.on_resize is not None:
            self.on_resize()


class WindowsKeyControls:
    """Keys on Windows: ``msvcrt`` has no way to wait, so poll it briefly between deadlines."""

    POLL = 0.05

    def __init__(self) -> None:
        self.on_resize: Callable[[], None] | None = None

    def wait(self, clock: Clock, deadline: float | None) -> Command | None:  # pragma: no cover
        if sys.platform != "win32":
            raise RuntimeError("WindowsKeyControls works only on Windows")
        import msvcrt

        while True:
            while msvcrt.kbhit():
                char = msvcrt.getwch()
                if char in ("\x00", "\xe0"):
                    arrow = msvcrt.getwch()
                    command = {"M": Command.NEXT, "K": Command.BACK}.get(arrow)
                elif char == "\x1b":
                    command = Command.QUIT
                else:
                    command = KEYS.get(char.encode("utf-8", "ignore"))
                if command is not None:
                    return command
            if deadline is None:
                time.sleep(self.POLL)
                continue
            left = _seconds_until(clock, deadline)
            if left <= 0:
                return None
            time.sleep(min(self.POLL, left))


def stdin_is_terminal(stream: TextIO | None = None) -> bool:
    stream = sys.stdin if stream is None else stream
    try:
        return stream is not None and stream.isatty()
    except (AttributeError, ValueError):
        return False


class KeyMode:
    """Context manager: key mode on a terminal for the whole session, restored on every exit.

    Entering saves the terminal's attributes and turns off echo and line mode (keeping ISIG,
    so Ctrl-C still sends SIGINT); leaving writes the saved attributes back (dropping keys
    typed but not read, so they do not land in the shell), and shows the cursor.
    """

    def __init__(
        self, in_fd: int, out: TextIO | None = None, *, clock: StoppableClock | None = None
    ) -> None:
        self.in_fd = in_fd
        self.out = out
        self.clock = clock  # told how long each Ctrl-Z stop lasted
        self.controls: KeyControls | WindowsKeyControls
        # Called before the process stops on Ctrl-Z (the view leaves its screen) and after it
        # is continued (the view draws itself again).
        self.on_suspend: Callable[[], None] | None = None
        self.on_continue: Callable[[], None] | None = None
        self._saved: list[Any] | None = None
        self._keys_attrs: list[Any] | None = None
        self._old_tstp: object = None
        self._wake_r: int | None = None
        self._wake_w: int | None = None
        self._old_winch: object = None

    def __enter__(self) -> KeyControls | WindowsKeyControls:
        if sys.platform == "win32":  # pragma: no cover
            self.controls = WindowsKeyControls()
            return self.controls
        import termios

        self._saved = termios.tcgetattr(self.in_fd)
        attrs = termios.tcgetattr(self.in_fd)
        attrs[3] &= ~(termios.ECHO | termios.ICANON)  # lflag; ISIG stays on
        cc = attrs[6]
        assert isinstance(cc, list)
        cc[termios.VMIN] = 1
        cc[termios.VTIME] = 0
        try:
            termios.tcsetattr(self.in_fd, termios.TCSANOW, attrs)
            self._keys_attrs = attrs
            self._wake_r, self._wake_w = os.pipe()
            os.set_blocking(self._wake_r, False)
            os.set_blocking(self._wake_w, False)
            self._old_winch = signal.signal(signal.SIGWINCH, self._on_winch)
            self._old_tstp = signal.signal(signal.SIGTSTP, self._on_tstp)
        except BaseException:
            self._restore()
            raise
        self.controls = KeyControls(self.in_fd, wake_fd=self._wake_r)
        return self.controls

    def _on_winch(self, signum: int, frame: FrameType | None) -> None:
        if self._wake_w is not None:
            with contextlib.suppress(OSError):
                os.write(self._wake_w, b"w")

    def _on_tstp(self, signum: int, frame: FrameType | None) -> None:
        """Ctrl-Z: give the shell its terminal back as it was, stop, and on ``fg`` take it
        up again (key mode, the view redrawn) with the stopped time left off the clock."""
        import termios

        if self.on_suspend is not None:
            with contextlib.suppress(Exception):
                self.on_suspend()
        if self._saved is not None:
            with contextlib.suppress(termios.error, OSError):
                termios.tcsetattr(self.in_fd, termios.TCSANOW, self._saved)
        show_cursor(self.out)
        stopped = time.monotonic()
        signal.signal(signal.SIGTSTP, signal.SIG_DFL)
        try:
            # Stops here until continued (unless the process group is orphaned, when the
            # kernel ignores it and this returns at once).
            signal.raise_signal(signal.SIGTSTP)
        finally:
            signal.signal(signal.SIGTSTP, self._on_tstp)
        if self.clock is not None:
            self.clock.leave_out(time.monotonic() - stopped)
        if self._keys_attrs is not None:
            with contextlib.suppress(termios.error, OSError):
                termios.tcsetattr(self.in_fd, termios.TCSANOW, self._keys_attrs)
        if self.on_continue is not None:
            with contextlib.suppress(Exception):
                self.on_continue()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._restore()

    def _restore(self) -> None:
        # Ctrl-C, SIGTERM or Ctrl-Z arriving in the middle of this must not cut it short.
        blocked = _block_signals()
        try:
            if sys.platform != "win32":
                import termios

                if self._saved is not None:
                    with contextlib.suppress(termios.error, OSError):
                        termios.tcsetattr(self.in_fd, termios.TCSAFLUSH, self._saved)
                    self._saved = None
                if self._old_winch is not None:
                    signal.signal(signal.SIGWINCH, self._old_winch)  # type: ignore[arg-type]
                    self._old_winch = None
                if self._old_tstp is not None:
                    signal.signal(signal.SIGTSTP, self._old_tstp)  # type: ignore[arg-type]
                    self._old_tstp = None
                self._keys_attrs = None
            for fd in (self._wake_r, self._wake_w):
                if fd is not None:
                    with contextlib.suppress(OSError):
                        os.close(fd)
            self._wake_r = self._wake_w = None
            show_cursor(self.out)
        finally:
            _unblock_signals(blocked)


def show_cursor(out: TextIO | None = None) -> None:
    """Write the show-cursor sequence, only to a terminal (never into a pipe or file)."""
    out = sys.stdout if out is None else out
    try:
        if out.isatty():
            out.write(SHOW_CURSOR)
            out.flush()
    except (OSError, ValueError):
        pass


def _block_signals() -> set[int | signal.Signals] | None:
    if sys.platform == "win32" or not hasattr(signal, "pthread_sigmask"):  # pragma: no cover
        return None
    return signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM, signal.SIGTSTP})


def _unblock_signals(previous: set[int | signal.Signals] | None) -> None:
    if previous is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@contextlib.contextmanager
def terminate_raises() -> Iterator[None]:
    """While inside, SIGTERM raises :class:`Terminated` (once), so cleanup runs as on Ctrl-C."""
    if not hasattr(signal, "SIGTERM"):  # pragma: no cover
        yield
        return
    fired = False

    def on_term(signum: int, frame: FrameType | None) -> None:
        nonlocal fired
        if fired:
            return
        fired = True
        raise Terminated()

    try:
        old = signal.signal(signal.SIGTERM, on_term)
    except ValueError:  # not the main thread: leave SIGTERM alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)
