"""The terminal while a routine plays: key mode on, signals handled, and always put back as
found.

Key mode (no echo, no line buffering, Ctrl-C still a signal) is set once when playback starts;
the engine then asks the key source (:mod:`calfkit.terminal.keys`) for commands. Ctrl-Z
suspends and ``fg`` resumes with the stopped time left off the clock. Whatever way playback
ends (the end, ``q``, Ctrl-C, SIGTERM, Ctrl-\\ (SIGQUIT), the terminal closing (SIGHUP), an
error in a sink) the saved terminal attributes are written back and the cursor is shown again.

The POSIX-only modules are imported only where they exist.
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

from calfkit.terminal.keys import KeyControls, WindowsKeyControls

if TYPE_CHECKING:
    from calfkit.player.clock import StoppableClock

SHOW_CURSOR = "\x1b[?25h"

TERMINATED_EXIT = 128 + 15


class Terminated(SystemExit):
    """SIGTERM (or SIGQUIT, SIGHUP) arrived: a SystemExit with code 128 + the signal, so every
    ``finally`` on the way out still runs (the terminal put back, temporary files removed),
    the player reports the session as terminated, and the process exits as a shell expects
    (143, 131, 129)."""

    def __init__(self, signum: int = 15) -> None:
        super().__init__(128 + signum)
        self.signum = signum


def _ending_signals() -> list[int]:
    """The signals that end a session cleanly: SIGTERM everywhere; on POSIX also Ctrl-\\
    (SIGQUIT, whose default would dump core and skip every cleanup) and the terminal
    closing (SIGHUP)."""
    names = ("SIGTERM",) if sys.platform == "win32" else ("SIGTERM", "SIGQUIT", "SIGHUP")
    return [getattr(signal, name) for name in names if hasattr(signal, name)]


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
    """Write the show-cursor sequence, only to a terminal (never into a pipe or file), and
    not to one that says it takes no escape sequences (TERM=dumb: play is plain there, and
    never hid the cursor)."""
    out = sys.stdout if out is None else out
    if os.environ.get("TERM") == "dumb":
        return
    try:
        if out.isatty():
            out.write(SHOW_CURSOR)
            out.flush()
    except (OSError, ValueError):
        pass


def _block_signals() -> set[int | signal.Signals] | None:
    if sys.platform == "win32" or not hasattr(signal, "pthread_sigmask"):  # pragma: no cover
        return None
    blocked = {signal.SIGINT, signal.SIGTERM, signal.SIGTSTP, signal.SIGQUIT, signal.SIGHUP}
    return signal.pthread_sigmask(signal.SIG_BLOCK, blocked)


def _unblock_signals(previous: set[int | signal.Signals] | None) -> None:
    if previous is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@contextlib.contextmanager
def terminate_raises() -> Iterator[None]:
    """While inside, SIGTERM, SIGQUIT and SIGHUP raise :class:`Terminated` (once, for the
    first of them), so cleanup runs as on Ctrl-C."""
    signums = _ending_signals()
    if not signums:  # pragma: no cover
        yield
        return
    fired = False

    def on_signal(signum: int, frame: FrameType | None) -> None:
        nonlocal fired
        if fired:
            return
        fired = True
        raise Terminated(signum)

    saved: dict[int, Any] = {}
    try:
        for signum in signums:
            saved[signum] = signal.signal(signum, on_signal)
    except ValueError:  # not the main thread: leave the signals alone
        for signum, old in saved.items():
            signal.signal(signum, old)
        yield
        return
    try:
        yield
    finally:
        for signum, old in saved.items():
            signal.signal(signum, old)
