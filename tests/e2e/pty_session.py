"""Driving ``calfkit play`` in a real pseudo-terminal and reading its screen back with pyte.

POSIX only (pexpect, termios); ``conftest.py`` leaves this folder out elsewhere.
"""

from __future__ import annotations

import copy
import json
import os
import sys
import termios
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pexpect
import pyte
from tests.blocks import read_digits

SHOW_CURSOR = b"\x1b[?25h"
HIDE_CURSOR = b"\x1b[?25l"
ALT_SCREEN = 1049
END_SCREEN = "Press any key to close"


class Screen(pyte.Screen):  # type: ignore[misc]
    """A pyte screen that also keeps the alternate screen apart, as real terminals do, so the
    screen left after calfkit exits is what a person would see."""

    def __init__(self, columns: int, lines: int) -> None:
        super().__init__(columns, lines)
        self.saved_main: tuple[Any, Any] | None = None
        self.in_alt_screen = False

    def set_mode(self, *modes: int, **kwargs: Any) -> None:
        if kwargs.get("private") and ALT_SCREEN in modes and not self.in_alt_screen:
            self.saved_main = (copy.deepcopy(self.buffer), copy.copy(self.cursor))
            self.in_alt_screen = True
            self.erase_in_display(2)
        super().set_mode(*modes, **kwargs)

    def reset_mode(self, *modes: int, **kwargs: Any) -> None:
        if kwargs.get("private") and ALT_SCREEN in modes and self.in_alt_screen:
            self.in_alt_screen = False
            if self.saved_main is not None:
                buffer, cursor = self.saved_main
                self.buffer.clear()
                self.buffer.update(buffer)
                hidden = self.cursor.hidden
                self.cursor = cursor
                self.cursor.hidden = hidden
                self.dirty.update(range(self.lines))
        super().reset_mode(*modes, **kwargs)

    @property
    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self.display)


class Session:
    """One ``calfkit play`` run in a pty of ``columns`` x ``lines``."""

    def __init__(self, args: list[str], *, columns: int, lines: int, env: dict[str, str]) -> None:
        self.screen = Screen(columns, lines)
        self.stream = pyte.ByteStream(self.screen)
        self.raw = b""
        self.child = pexpect.spawn(
            sys.executable,
            ["-m", "calfkit", "play", *args],
            dimensions=(lines, columns),
            env=env,
            timeout=10,
        )
        # Read at once, before calfkit (still starting Python) can change anything.
        self.termios_before = termios.tcgetattr(self.child.child_fd)
        self.exit_status: int | None = None

    def pump(self, seconds: float = 0.0) -> None:
        """Read whatever the program writes for ``seconds``."""
        end = time.monotonic() + seconds
        while True:
            try:
                data = self.child.read_nonblocking(65536, timeout=0.02)
            except pexpect.TIMEOUT:
                data = b""
            except pexpect.EOF:
                return
            self.raw += data
            self.stream.feed(data)
            if time.monotonic() >= end:
                return

    def wait_for(self, check: Callable[[str], bool] | str, timeout: float = 8.0) -> str:
        """Read until the screen shows ``check`` (text, or a test on the screen's text)."""
        test = (lambda screen: check in screen) if isinstance(check, str) else check
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            self.pump()
            if test(self.screen.text):
                return self.screen.text
            if not self.child.isalive():
                self.pump()
                if test(self.screen.text):
                    return self.screen.text
                break
        raise AssertionError(f"the screen never showed {check!r}; it shows:\n{self.screen.text}")

    def big(self) -> list[str]:
        """The block-digit texts on the screen now (the countdown, count or breath)."""
        return [text for text, _ in self.big_with_scale()]

    def big_with_scale(self) -> list[tuple[str, int]]:
        return read_digits(self.screen.display)

    def digit_rows(self) -> list[int]:
        """The rows the block digits take."""
        return [n for n, line in enumerate(self.screen.display) if "█" in line or "▀" in line]

    def wait_for_digits(self, *texts: str, timeout: float = 8.0) -> str:
        """Read until the block digits on the screen say one of ``texts`` (e.g. ``00:19``)."""

        def shown(screen: str) -> bool:
            try:
                return any(text in self.big() for text in texts)
            except AssertionError:  # a frame half-way through the pty
                return False

        return self.wait_for(shown, timeout)

    def press(self, keys: str) -> None:
        self.child.send(keys)

    def finish(self, timeout: float = 10.0) -> int:
        """Read to the end and return the exit status (128+N for a signal)."""
        end = time.monotonic() + timeout
        closed = False
        while self.child.isalive() and time.monotonic() < end:
            self.pump(0.05)
            if not closed and END_SCREEN in self.screen.text:
                self.press("x")  # a finished routine's end screen waits for a key
                closed = True
        self.pump()
        self.child.expect(pexpect.EOF, timeout=max(0.1, end - time.monotonic()))
        self.termios_after = termios.tcgetattr(self.child.child_fd)
        self.child.close()
        if self.child.signalstatus is not None:
            self.exit_status = 128 + self.child.signalstatus
        else:
            self.exit_status = self.child.exitstatus
        assert self.exit_status is not None
        return self.exit_status

    def current_lflag(self) -> int:
        flags: int = termios.tcgetattr(self.child.child_fd)[3]
        return flags

    def assert_terminal_restored(self) -> None:
        """Echo and line mode back on, attributes as found, cursor shown last, no alt screen."""
        after = self.termios_after
        assert after[3] & termios.ECHO
        assert after[3] & termios.ICANON
        assert after == self.termios_before
        assert SHOW_CURSOR in self.raw
        assert self.raw.rindex(SHOW_CURSOR) > self.raw.rfind(HIDE_CURSOR)
        assert not self.screen.cursor.hidden
        assert not self.screen.in_alt_screen


class Player:
    """Starts sessions with calfkit isolated from the user's own files."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.sessions: list[Session] = []
        self.env = {
            key: value
            for key, value in os.environ.items()
            if key not in ("NO_COLOR", "COLUMNS", "LINES", "CALFKIT_PATH", "FORCE_COLOR")
        }
        self.env.update(
            TERM="xterm-256color",
            CALFKIT_CONFIG_DIR=str(tmp_path / "config"),
            CALFKIT_HISTORY=str(tmp_path / "history.sqlite"),
            PYTHONDONTWRITEBYTECODE="1",
        )
        self.log = tmp_path / "events.jsonl"

    def routine(self, text: str, name: str = "routine.yaml") -> str:
        path = self.tmp_path / name
        path.write_text(text, encoding="utf-8")
        return str(path)

    def start(
        self,
        routine: str,
        *options: str,
        columns: int = 80,
        lines: int = 24,
        log: bool = True,
        **env: str,
    ) -> Session:
        args = [routine, "--sound", "off", "--no-history", *options]
        if log:
            args += ["--log-events", str(self.log)]
        session = Session(args, columns=columns, lines=lines, env={**self.env, **env})
        self.sessions.append(session)
        return session

    def events(self) -> list[dict[str, Any]]:
        lines = self.log.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines]

    def kinds(self) -> list[str]:
        return [str(event["event"]) for event in self.events()]
