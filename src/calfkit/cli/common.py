"""Helpers the commands share: turning calfkit's errors into messages and exit codes."""

from __future__ import annotations

import contextlib
import errno
import io
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NoReturn, TextIO, TypeVar

import click

from calfkit.errors import CalfkitError, RoutineError, SettingError
from calfkit.player.pace import lead_in_problem, speed_problem
from calfkit.text import shown

F = TypeVar("F", bound=Callable[..., Any])

INTERRUPTED_EXIT = 130  # Ctrl-C, as a shell reports a process killed by SIGINT


def check_lead_in(value: float) -> float:
    """``--lead-in``'s value, or a usage error (the rule is :func:`~calfkit.player.pace.
    lead_in_problem`'s: 0 to 2 hours of seconds)."""
    problem = lead_in_problem(value)
    if problem is not None:
        raise click.BadParameter(problem)
    return value


def check_speed(value: float) -> float:
    """``--speed``'s value, or a usage error (the rule is :func:`~calfkit.player.pace.
    speed_problem`'s)."""
    problem = speed_problem(value)
    if problem is not None:
        raise click.BadParameter(problem)
    return value


def check_voice_rate(ctx: click.Context, param: click.Parameter, value: int | None) -> int | None:
    """``--voice-rate``'s callback: the value, or a usage error outside the range espeak-ng
    speaks (80 to 450). A callback, not click.IntRange, whose help would say the range again."""
    from calfkit.sound import MAX_RATE_WPM, MIN_RATE_WPM

    if value is not None and not MIN_RATE_WPM <= value <= MAX_RATE_WPM:
        raise click.BadParameter(
            f"must be {MIN_RATE_WPM} to {MAX_RATE_WPM} words a minute, not {value}"
        )
    return value


def voice_rate_help(start: str) -> str:
    """``--voice-rate``'s help, the range said once (click's own range note is not shown)."""
    from calfkit.sound import MAX_RATE_WPM, MIN_RATE_WPM

    return f"{start}, {MIN_RATE_WPM} to {MAX_RATE_WPM} words a minute."


def report(error: CalfkitError) -> None:
    """Print an error for people on stderr: one line per problem, never a traceback."""
    if isinstance(error, RoutineError):
        for problem in error.problems:
            click.echo(problem.format(), err=True)
    else:
        # calfkit's own words are printable: what is not came from a path or an argument.
        click.echo(f"calfkit: error: {shown(str(error))}", err=True)


@contextmanager
def errors_to_exit() -> Iterator[None]:
    """Run a command body, turning calfkit's own errors into a message and exit code 1, and
    a setting no session can use into a usage error naming its option (exit 2)."""
    try:
        yield
    except SettingError as error:
        raise click.BadParameter(error.message, param_hint=f"'{error.option}'") from None
    except CalfkitError as error:
        report(error)
        sys.exit(error.exit_code)


@contextmanager
def session_errors_to_exit() -> Iterator[None]:
    """Run a session (:mod:`calfkit.session`), turning the ways it can end early into exit
    codes: Ctrl-C 130; a setting it cannot use, a usage error; calfkit's own errors, their
    message; a failed write to stdout, as every command ends on one; anything else, one line
    saying playback failed (never a traceback). The session has put the terminal back."""
    try:
        yield
    except KeyboardInterrupt:
        sys.exit(INTERRUPTED_EXIT)
    except SettingError as error:
        raise click.BadParameter(error.message, param_hint=f"'{error.option}'") from None
    except CalfkitError as error:
        report(error)
        sys.exit(error.exit_code)
    except OutputError as error:
        output_failed(error)
    except Exception as error:
        text = str(error)
        described = f"{type(error).__name__}: {text}" if text else type(error).__name__
        click.echo(f"calfkit: error: playback failed: {described}", err=True)
        sys.exit(1)


def _drop_stdout() -> None:
    """Point stdout at the null device, so the final flush at exit cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 (lives until exit)


def end_quietly() -> NoReturn:
    """The reader of stdout went away (``calfkit list | head -1``): stop, silently, with success.

    click and rich would each exit with status 1 here; output cut short by its reader is not
    a failure.
    """
    _drop_stdout()
    sys.exit(0)


# What a write to stdout can fail with when the disk (or quota, or file size limit) is full.
_FULL = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}


def is_output_error(error: OSError) -> bool:
    """Whether ``error`` is one that writing calfkit's output ends on (a closed pipe, a full
    disk), rather than one of the routine's files or a device."""
    return error.errno == errno.EPIPE or error.errno in _FULL


def output_failed(error: OSError) -> NoReturn:
    """End on a failed write to stdout, the one way for every command: a reader that went
    away ends quietly with success; a full disk says so on stderr and exits 1."""
    if error.errno == errno.EPIPE:
        end_quietly()
    reason = os.strerror(error.errno) if error.errno else str(error)
    _drop_stdout()
    with contextlib.suppress(OSError, ValueError, AttributeError):
        sys.stderr.write(f"calfkit: cannot write output: {reason}\n")
        sys.stderr.flush()
    sys.exit(1)


class OutputError(OSError):
    """Writing to stdout failed: raised by :class:`GuardedOutput` so the command can tell it
    apart from a failure of any other file (an event log on a pipe, say)."""


class GuardedOutput(io.TextIOBase):
    """A text stream over stdout whose failed writes raise :class:`OutputError`."""

    def __init__(self, stream: TextIO | None) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        try:
            if self.stream is None:
                raise BrokenPipeError(errno.EPIPE, "stdout is closed")
            written: int = self.stream.write(text)
            return written
        except OSError as error:
            raise OutputError(error.errno, error.strerror) from error

    def flush(self) -> None:
        stream = self.stream
        # Nothing to flush into a stream already closed (as the wrapper's finaliser may find
        # it, after the command's output was taken away): the wrapper never closes stdout.
        if stream is None or getattr(stream, "closed", False):
            return
        try:
            stream.flush()
        except OSError as error:
            raise OutputError(error.errno, error.strerror) from error

    def isatty(self) -> bool:
        try:
            return self.stream is not None and self.stream.isatty()
        except (OSError, ValueError):
            return False


def echo(text: str, *, colour: bool | None = None) -> None:
    """``click.echo`` to stdout, flushed now: a reader that has gone is then noticed inside
    the command, where the group ends quietly, not at exit, where Python would complain."""
    click.echo(text, color=colour)
    sys.stdout.flush()


def spoken_option(ctx: click.Context, param: click.Parameter, value: str | None) -> object:
    """``--speak WHAT``'s value as a set of extras (None when not given), or a usage error."""
    if value is None:
        return None
    from calfkit.sound import parse_spoken

    try:
        return parse_spoken(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


SPEAK_HELP = (
    "What the voice says besides each cue: a comma list of notes, time (halfway, ten "
    "seconds, three-two-one in holds), counts (of slow counts), previews (of the next cue); "
    "all or none.  [default: all]"
)
VOICE_MODEL_HELP = (
    "A Piper voice model (.onnx, its .onnx.json beside it) to speak with; 'system' for the "
    "system's voice (espeak-ng, say, Windows). Default: $CALFKIT_VOICE_MODEL, else the voice "
    "the [piper] extra installs."
)


def speech_options(command: F) -> F:
    """``--speak WHAT`` and ``--voice-model FILE``, as play and export both take them."""
    command = click.option(
        "--voice-model",
        type=click.Path(dir_okay=False),
        default=None,
        metavar="FILE",
        help=VOICE_MODEL_HELP,
    )(command)
    return click.option(
        "--speak",
        "spoken",
        default=None,
        callback=spoken_option,
        metavar="WHAT",
        help=SPEAK_HELP,
    )(command)
