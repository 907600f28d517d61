"""Keys while a routine plays: bytes from the terminal decoded into commands, the key map, and
the key sources (a POSIX terminal's, Windows's) that the player waits on.

A POSIX wait is one ``select`` for either a key or the player's deadline, so no timer runs
between events. Windows reads keys with ``msvcrt``, imported only where it exists.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from calfkit.player.events import Command

if TYPE_CHECKING:
    from calfkit.player.clock import Clock

ESC = 0x1B
# How long to wait for the rest of an escape sequence before a lone Esc counts as "quit".
# Terminals send a whole arrow-key sequence in one write, so this only matters for Esc itself.
ESCAPE_WAIT = 0.05

# The key map, the one place keys are bound: (keys, command, what the help line calls the key
# and the command). The help line under the live view is built from it; Enter is left out
# there because the view asks for it when a step waits.
KEY_MAP: tuple[tuple[bytes, Command, str, str], ...] = (
    (b" ", Command.PAUSE, "space", "pause"),
    (b"nN", Command.NEXT, "n", "next"),
    (b"bB", Command.BACK, "b", "back"),
    (b"+=", Command.EXTEND, "+", "10 s"),
    (b"mM", Command.MUTE, "m", "mute"),
    (b"qQ", Command.QUIT, "q", "quit"),
    (b"\r\n", Command.ENTER, "Enter", "ready"),
    (b"?hH", Command.HELP, "?", "keys"),
)

# What each key does, in the help overlay (``?``), in full.
KEY_TABLE: tuple[tuple[str, str], ...] = (
    ("space", "pause, and resume"),
    ("n  →", "skip to the next step"),
    ("b  ←", "back to the start of the step; in its first 2 s, the step before"),
    ("+", "10 s more (or more counts, breaths)"),
    ("m", "mute, and unmute"),
    ("Enter", "go on, when a step waits"),
    ("q  Esc", "stop"),
    ("?  h", "these keys (the time runs on)"),
)

KEYS: dict[bytes, Command] = {
    bytes([key]): command for keys, command, _, _ in KEY_MAP for key in keys
}


def help_items(*, paused: bool = False, muted: bool = False) -> list[str]:
    """The keys as the live view lists them, one item each: "space pause", "n next", … (space
    says "resume" while paused, m "unmute" while muted)."""
    items = []
    for _, command, key, does in KEY_MAP:
        if command is Command.ENTER:
            continue
        if command is Command.PAUSE and paused:
            does = "resume"
        if command is Command.MUTE and muted:
            does = "unmute"
        items.append(f"{key} {does}")
    return items


def help_line(*, paused: bool = False, muted: bool = False) -> str:
    """The keys as one line: "space pause · n next · … · q quit"."""
    return " · ".join(help_items(paused=paused, muted=muted))


# Final bytes of CSI (``ESC [``) and SS3 (``ESC O``) sequences for the arrow keys.
ARROWS: dict[int, Command] = {ord("C"): Command.NEXT, ord("D"): Command.BACK}


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
    """Seconds until ``deadline`` on ``clock``. Deadlines are clock seconds: the player has
    already divided routine time by ``--speed``, so nothing here converts it again."""
    return deadline - clock.now()


def _next_index(queue: list[Command]) -> int:
    """Which waiting key to act on next: the first, unless a pause or mute waits behind
    nothing but + presses."""
    for index, command in enumerate(queue):
        if command is not Command.EXTEND:
            return index if command in (Command.PAUSE, Command.MUTE) else 0
    return 0


class KeyControls:
    """The :class:`~calfkit.player.events.Controls` of a POSIX terminal: one ``select`` per wait.

    ``on_resize`` is called (in the waiting thread, between events) when the terminal
    changes size, so the view can redraw at once even while paused.
    """

    def __init__(self, fd: int, *, wake_fd: int | None = None) -> None:
        self.fd = fd
        self.wake_fd = wake_fd
        self.on_resize: Callable[[], None] | None = None
        # Shows (True) or hides (False) the keys. While they show, the next key of any kind
        # only hides them; without it, ``?`` goes to the player, which ignores it.
        self.on_help: Callable[[bool], None] | None = None
        self.help_shown = False
        self._queue: list[Command] = []
        self._pending = b""
        self._pending_since = 0.0

    def wait(self, clock: Clock, deadline: float | None) -> Command | None:
        import select

        watched = [self.fd] if self.wake_fd is None else [self.fd, self.wake_fd]
        while True:
            if self._queue:
                # Keys still waiting (a storm of + at key-repeat rate, or pasted) are acted on
                # one by one, each redrawing the view; a q typed behind them must not wait for
                # that. So what has arrived since is read first, and a quit goes ahead of the
                # rest, which is dropped: nothing after a stop matters. A pause or a mute goes
                # ahead of the + presses before it (their order makes no difference: + adds
                # the same time paused or not), so that pausing is instant too.
                if select.select([self.fd], [], [], 0)[0]:
                    self._read()
                if self._pending and time.monotonic() >= self._pending_since + ESCAPE_WAIT:
                    self._queue.extend(finish_escape(self._pending))  # a lone Esc: quit
                    self._pending = b""
                if Command.QUIT in self._queue:
                    self._queue.clear()
                    return Command.QUIT
                return self._queue.pop(_next_index(self._queue))
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
        if self.help_shown and self.on_help is not None:
            # Any key closes the keys' help, and does nothing else.
            self.help_shown = False
            self._pending = b""
            self.on_help(False)
            return
        if not self._pending:
            self._pending_since = time.monotonic()
        commands, self._pending = decode_keys(self._pending + data)
        if Command.HELP in commands and self.on_help is not None:
            # Keys typed before ``?`` in the same read count; those after it close it.
            commands = commands[: commands.index(Command.HELP)]
            self._pending = b""
            self.help_shown = True
            self.on_help(True)
        self._queue.extend(commands)

    def any_key(self, seconds: float) -> bool:
        """Wait up to ``seconds`` for a key (any key, read and dropped); True if one came."""
        import select

        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                with contextlib.suppress(BlockingIOError, OSError):
                    os.read(self.fd, 1024)
                return True
        return False

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
        self.on_help: Callable[[bool], None] | None = None
        self.help_shown = False

    def any_key(self, seconds: float) -> bool:  # pragma: no cover
        """Wait up to ``seconds`` for a key (any key, read and dropped); True if one came."""
        if sys.platform != "win32":
            raise RuntimeError("WindowsKeyControls works only on Windows")
        import msvcrt

        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if msvcrt.kbhit():
                while msvcrt.kbhit():
                    msvcrt.getwch()
                return True
            time.sleep(self.POLL)
        return False

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
                if self.help_shown and self.on_help is not None:
                    self.help_shown = False
                    self.on_help(False)
                    continue
                if command is Command.HELP and self.on_help is not None:
                    self.help_shown = True
                    self.on_help(True)
                    continue
                if command is not None:
                    return command
            if deadline is None:
                time.sleep(self.POLL)
                continue
            left = _seconds_until(clock, deadline)
            if left <= 0:
                return None
            time.sleep(min(self.POLL, left))
