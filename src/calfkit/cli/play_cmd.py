"""``calfkit play ROUTINE``: its options become :class:`~calfkit.session.settings.Settings`,
the session layer (:mod:`calfkit.session.play`) plays them, and how it ended becomes an exit
code. The terminal is put back as it was found on every way out, including Ctrl-C (130),
SIGTERM (143), Ctrl-\\ (SIGQUIT, 131) and the terminal closing (SIGHUP, 129).
"""

from __future__ import annotations

import sys
from typing import TextIO, cast

import click

from calfkit.cli.common import (
    GuardedOutput,
    check_lead_in,
    check_speed,
    errors_to_exit,
    session_errors_to_exit,
)
from calfkit.cli.routine_arg import ROUTINE
from calfkit.session.settings import DEFAULTS, Settings
from calfkit.sound import CHOICES as SOUND_CHOICES
from calfkit.sound import MAX_RATE_WPM, MIN_RATE_WPM


def _speed(ctx: click.Context, param: click.Parameter, value: float) -> float:
    return check_speed(value)


def _lead_in(ctx: click.Context, param: click.Parameter, value: float) -> float:
    return check_lead_in(value)


@click.command(name="play")
@click.argument("routine", type=ROUTINE)
@click.option(
    "--speed",
    type=float,
    default=DEFAULTS.speed,
    show_default=True,
    callback=_speed,
    metavar="X",
    help="Play X times faster (for previews and tests).",
)
@click.option(
    "--from",
    "start",
    type=int,
    default=DEFAULTS.start,
    show_default=True,
    metavar="N",
    help="Start at top-level step N (1 is the first).",
)
@click.option(
    "--sound",
    type=click.Choice(SOUND_CHOICES),  # the one list, in calfkit.sound
    default=DEFAULTS.sound,
    show_default=True,
    help="How to play beeps; auto takes the first that works, in this order.",
)
@click.option(
    "--voice/--no-voice", default=DEFAULTS.voice, show_default=True, help="Speak the cues."
)
@click.option(
    "--voice-rate",
    type=click.IntRange(MIN_RATE_WPM, MAX_RATE_WPM),
    default=DEFAULTS.voice_rate,
    show_default=True,
    metavar="WPM",
    help=f"How fast the voice speaks, in words a minute ({MIN_RATE_WPM} to {MAX_RATE_WPM}).",
)
@click.option(
    "--plain",
    is_flag=True,
    help="One line per event instead of the live view (the default when stdout is not a terminal).",
)
@click.option(
    "--lead-in",
    type=float,
    default=DEFAULTS.lead_in,
    show_default=True,
    callback=_lead_in,
    metavar="SECONDS",
    help="A get-ready countdown before the first step; 0 for none.",
)
@click.option(
    "--log-events",
    type=click.Path(dir_okay=False, writable=True),
    metavar="FILE",
    help="Write every event to FILE as JSON Lines, as it fires.",
)
@click.option("--force", is_flag=True, help="Let --log-events write over an existing FILE.")
@click.option("--no-history", is_flag=True, help="Do not record this session in your history.")
def command(
    routine: str,
    speed: float,
    start: int,
    sound: str,
    voice: bool,
    voice_rate: int,
    plain: bool,
    lead_in: float,
    log_events: str | None,
    force: bool,
    no_history: bool,
) -> None:
    """Play ROUTINE (a name or a path to a .yaml file) with cues, countdowns and sounds.

    \b
    Keys: space pause/resume · n or → next step · b or ← back · + 10 more seconds
          m mute · q or Esc stop · Enter when a step waits for you.

    \b
    Examples:  calfkit play calf-release
               calfkit play ./my-routine.yaml --from 3 --sound bell
    """
    from calfkit import library
    from calfkit.timeline import compile_routine

    with errors_to_exit():
        loaded = library.load_ref(routine)
        timeline = compile_routine(loaded)
        if log_events is not None:
            from calfkit.cli.outputs import check_output, routine_files

            # Never the routine or a file it includes; an existing log only with --force.
            check_output(
                log_events,
                reading=routine_files(loaded),
                force=force,
                option="--log-events",
                replaces=False,
            )
    tops = len(loaded.steps)
    if not 1 <= start <= tops:
        steps = "step" if tops == 1 else "steps"
        raise click.BadParameter(
            f"{start} is not a step of {loaded.title!r}, which has {tops} top-level {steps} "
            f"(1 to {tops})",
            param_hint="'--from'",
        )
    settings = Settings(
        lead_in=lead_in,
        speed=speed,
        start=start,
        sound=sound,
        voice=voice,
        voice_rate=voice_rate,
        plain=plain,
        log_events=log_events,
        history=not no_history,
    )
    from calfkit.session.play import play

    with session_errors_to_exit():
        # Failed writes to stdout are told apart from those of other files: they end the
        # session the way every command ends on a closed pipe or full disk.
        out = cast(TextIO, GuardedOutput(sys.stdout))
        played = play(timeline, settings, out=out, warn=lambda line: click.echo(line, err=True))
    for line in played.lines:
        click.echo(line)
