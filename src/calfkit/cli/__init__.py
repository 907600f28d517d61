"""The ``calfkit`` command line: a thin click layer over the library.

Each command lives in its own module and is imported only when it runs (or when help
lists it by name), so ``calfkit --help`` stays fast.
"""

from __future__ import annotations

import sys

try:
    import importlib
    from collections.abc import Iterator
    from contextlib import contextmanager
    from typing import Any

    import click

    from calfkit import __version__
except KeyboardInterrupt:
    # Ctrl-C while the command line is still being imported ends as it does later: 130,
    # not a traceback from deep inside click.
    raise SystemExit(130) from None

# name -> (module, one-line help shown by `calfkit --help` without importing the module)
COMMANDS: dict[str, tuple[str, str]] = {
    "list": ("calfkit.cli.list_cmd", "List every routine found, built-in and your own."),
    "show": ("calfkit.cli.show_cmd", "Show a routine as a tree of steps with their times."),
    "play": ("calfkit.cli.play_cmd", "Play a routine with cues, countdowns and sounds."),
    "validate": ("calfkit.cli.validate_cmd", "Check routine files and report every problem."),
    "schema": ("calfkit.cli.schema_cmd", "Print the JSON Schema of the routine format."),
    "export": ("calfkit.cli.export_cmd", "Render a session to a sound track or a watch workout."),
    "history": ("calfkit.cli.history_cmd", "Show past sessions, weekly totals and your streak."),
    "today": ("calfkit.cli.today_cmd", "Say what your plan asks for today, and what is done."),
    "plan": ("calfkit.cli.plan_cmd", "Practice plans: list, show, start, export to a calendar."),
    "doctor": ("calfkit.cli.doctor_cmd", "Check which sound and speech back ends work here."),
    "new": ("calfkit.cli.new_cmd", "Write a starter routine into your routines folder."),
}


@contextmanager
def _quiet_ends() -> Iterator[None]:
    try:
        yield
    except click.ClickException as error:
        # A usage error quotes what was typed (a path, an option's value): shown escaped, as
        # every path and argument calfkit echoes, never as the escape sequence it may hold.
        from calfkit.text import shown

        vars(error)["message"] = shown(error.message)  # click declares it Final
        raise
    except KeyboardInterrupt:
        from calfkit.cli.common import INTERRUPTED_EXIT

        sys.exit(INTERRUPTED_EXIT)
    except OSError as error:
        from calfkit.cli.common import is_output_error, output_failed

        if not is_output_error(error):
            raise
        output_failed(error)


class LazyGroup(click.Group):
    """A group whose commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module = importlib.import_module(COMMANDS[cmd_name][0])
        command: click.Command = module.command
        return command

    # click turns a closed stdout into exit status 1 and Ctrl-C into "Aborted!" with status 1;
    # calfkit's contract is a quiet 0 for the first (`calfkit list | head -1`) and 130 for the
    # second, so both are caught here, before click's own handlers see them.
    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        with _quiet_ends():
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: click.Context) -> Any:
        with _quiet_ends():
            return super().invoke(ctx)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, help_text) for name, (_, help_text) in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


# Whether an unexpected error (a bug) shows its traceback: --debug, or CALFKIT_DEBUG set to
# anything but "" or "0". Otherwise it is one short line.
_debug = False


def _set_debug(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    global _debug
    _debug = value
    return value


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="calfkit", message="%(prog)s %(version)s")
@click.option(
    "--debug",
    is_flag=True,
    envvar="CALFKIT_DEBUG",
    expose_value=False,
    is_eager=True,
    callback=_set_debug,
    help="Show the traceback of an unexpected error (also: CALFKIT_DEBUG=1).",
)
def cli() -> None:
    """Guided lower-leg recovery routines in your terminal: calf release, stretches,
    foam rolling and self-massage, carried by sound so you can follow them from the floor.

    \b
    Try:  calfkit list
          calfkit play calf-release
    """


# Python's error handlers that fail (or, under LANG=C, write raw bytes) where a character cannot
# be encoded for the terminal.
STRICT_ERRORS = ("strict", "surrogateescape")


def main(argv: list[str] | None = None) -> Any:
    """Entry point for the console script and ``python -m calfkit``."""
    import os

    if sys.stdout is None:
        # Started with stdout closed (``>&-``): make it a pipe whose reader has gone, so every
        # command ends exactly as it does on a closed pipe.
        read, write = os.pipe()
        os.close(read)
        sys.stdout = os.fdopen(write, "w", encoding="utf-8")
    if sys.stderr is None:
        # Started with stderr closed (``2>&-``): print(file=sys.stderr) would then write to
        # stdout, into the JSON a script is reading. Messages go nowhere instead, and the
        # descriptor is taken, so no file opened later becomes stderr for C libraries.
        sys.stderr = os.fdopen(os.open(os.devnull, os.O_WRONLY), "w", encoding="utf-8")
    # A terminal that is not UTF-8 (LANG=C, a Latin-1 locale, PYTHONIOENCODING=ascii) cannot
    # show every character a routine holds: "?" in its place, not a UnicodeEncodeError; and
    # calfkit's own block digits, bar and separators as "#", "=", "-" (calfkit.text.fallback).
    import codecs

    from calfkit.text import fallback

    codecs.register_error("calfkit-fallback", fallback)
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and getattr(stream, "errors", None) in STRICT_ERRORS:
            reconfigure(errors="calfkit-fallback")
    try:
        return cli.main(args=argv, prog_name="calfkit")
    except Exception as error:
        if _debug:
            raise
        _unexpected(error)


def _unexpected(error: Exception) -> None:
    """A bug, not bad input: one short message instead of a traceback, and how to see it."""
    from calfkit.text import one_line

    text = " ".join(one_line(str(error)).split())
    if len(text) > 200:
        text = text[:199] + "…"
    message = f"{type(error).__name__}: {text}" if text else type(error).__name__
    sys.stderr.write(
        f"calfkit: unexpected error: {message}\n"
        "calfkit: this is a bug; `calfkit --debug COMMAND ...` (or CALFKIT_DEBUG=1) shows where\n"
    )
    sys.stderr.flush()
    raise SystemExit(1)
