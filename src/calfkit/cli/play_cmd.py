"""``calfkit play ROUTINE``: its options become :class:`~calfkit.session.settings.Settings`,
the session layer (:mod:`calfkit.session.play`) plays them, and how it ended becomes an exit
code. The terminal is put back as it was found on every way out, including Ctrl-C (130),
SIGTERM (143), Ctrl-\\ (SIGQUIT, 131) and the terminal closing (SIGHUP, 129).
"""

from __future__ import annotations

import shlex
import sys
from typing import TYPE_CHECKING, TextIO, cast

import click

from calfkit.cli.common import (
    GuardedOutput,
    check_lead_in,
    check_speed,
    check_voice_rate,
    errors_to_exit,
    session_errors_to_exit,
    speech_options,
    voice_rate_help,
)
from calfkit.cli.routine_arg import PLAYABLE
from calfkit.player.events import Status
from calfkit.session.settings import DEFAULTS, Settings
from calfkit.sound import CHOICES as SOUND_CHOICES

if TYPE_CHECKING:
    from calfkit.history import Session
    from calfkit.model import Routine
    from calfkit.player.events import Outcome
    from calfkit.timeline import Timeline


def _speed(ctx: click.Context, param: click.Parameter, value: float) -> float:
    return check_speed(value)


def _lead_in(ctx: click.Context, param: click.Parameter, value: float) -> float:
    return check_lead_in(value)


@click.command(name="play")
@click.argument("routine", type=PLAYABLE)
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
    type=int,
    default=DEFAULTS.voice_rate,
    show_default=True,
    callback=check_voice_rate,
    metavar="WPM",
    help=voice_rate_help("How fast the voice speaks"),
)
@speech_options
@click.option(
    "--plain",
    is_flag=True,
    help="One line per event instead of the live view (the default when stdout is not a terminal).",
)
@click.option(
    "--lead-in",
    type=float,
    default=DEFAULTS.lead_in,
    callback=_lead_in,
    metavar="SECONDS",
    # The default said as export says it ("3", where click would show "3.0").
    help="A get-ready countdown before the first step; 0 for none.  "
    f"[default: {DEFAULTS.lead_in:g}]",
)
@click.option(
    "--log-events",
    type=click.Path(dir_okay=False, writable=True),
    metavar="FILE",
    help="Write every event to FILE as JSON Lines, as it fires.",
)
@click.option("--force", is_flag=True, help="Let --log-events write over an existing FILE.")
@click.option("--no-history", is_flag=True, help="Do not record this session in your history.")
@click.option(
    "--resume",
    is_flag=True,
    help="Take up the last unfinished session of ROUTINE at the step where it stopped.",
)
def command(
    routine: str,
    speed: float,
    start: int,
    sound: str,
    voice: bool,
    voice_rate: int,
    spoken: frozenset[str] | None,
    voice_model: str | None,
    plain: bool,
    lead_in: float,
    log_events: str | None,
    force: bool,
    no_history: bool,
    resume: bool,
) -> None:
    """Play ROUTINE (a name or a path to a .yaml file) with cues, countdowns and sounds.
    `calfkit play today` plays the next session your plan asks for today (calfkit today).

    \b
    Keys: space pause/resume · n or → next step · b or ← back · + 10 more seconds
          m mute · q or Esc stop · Enter when a step waits for you
          ? or h every key and what it does.

    \b
    Examples:  calfkit play calf-release
               calfkit play ./my-routine.yaml --from 3 --sound bell
               calfkit play calf-release --resume
               calfkit play today
    """
    from calfkit import library
    from calfkit.timeline import compile_routine

    _check_resume(resume, start=start, no_history=no_history)
    with errors_to_exit():
        loaded = _todays_routine(resume) if routine == TODAY else library.load_ref(routine)
        timeline = compile_routine(loaded)
        resumed = _resume_point(loaded, timeline) if resume else None
        if log_events is not None:
            _check_log(loaded, log_events, force=force)
    _check_start(loaded, start)
    if not voice and (spoken is not None or voice_model is not None):
        click.echo("note: --speak and --voice-model change nothing without --voice", err=True)
    from calfkit.cli.practice import rest_days_later
    from calfkit.session.play import play

    with session_errors_to_exit():
        settings = Settings.given(
            lead_in=lead_in,
            speed=speed,
            start=start,
            sound=sound,
            voice=voice,
            voice_rate=voice_rate,
            speak=spoken,
            voice_model=voice_model,
            plain=plain,
            log_events=log_events,
            history=not no_history,
            resume=resumed,
            rest_days=None if no_history else rest_days_later(),
        )
        # Failed writes to stdout are told apart from those of other files: they end the
        # session the way every command ends on a closed pipe or full disk.
        out = cast(TextIO, GuardedOutput(sys.stdout))
        played = play(timeline, settings, out=out, warn=lambda line: click.echo(line, err=True))
    for line in played.lines:
        click.echo(line)
    if settings.history:
        _resume_hint(played.outcome, routine, speed)
    if played.failed:
        # The session played on past it, but what was asked for by name is not all there.
        for why in played.failed:
            click.echo(f"calfkit: error: {why} (the session played on without it)", err=True)
        sys.exit(1)


def _check_log(loaded: Routine, path: str, *, force: bool) -> None:
    """Never the routine, a file it includes or one of calfkit's own; never a link, a device
    or a FIFO; an existing log only with --force (:func:`calfkit.cli.outputs.check_output`)."""
    from calfkit.cli.outputs import check_output, routine_files

    check_output(path, reading=routine_files(loaded), force=force, option="--log-events")


def _check_start(loaded: Routine, start: int) -> None:
    """``--from START`` names a top-level step of ``loaded``, or it is a usage error."""
    tops = len(loaded.steps)
    if not 1 <= start <= tops:
        steps = "step" if tops == 1 else "steps"
        raise click.BadParameter(
            f"{start} is not a step of {loaded.title!r}, which has {tops} top-level {steps} "
            f"(1 to {tops})",
            param_hint="'--from'",
        )


TODAY = "today"
"""``calfkit play today``: the plan's next session for today, not a routine of that name."""


def _check_resume(resume: bool, *, start: int, no_history: bool) -> None:
    if resume and start != DEFAULTS.start:
        raise click.UsageError("--resume starts where the session stopped; leave out --from")
    if resume and no_history:
        raise click.UsageError(
            "--resume continues a session in your history; leave out --no-history"
        )


def _resume_point(loaded: Routine, timeline: Timeline) -> Session:
    """The session ``--resume`` takes up (said before it plays), or CalfkitError."""
    from calfkit.cli.practice import resume_point, resuming_line

    resumed = resume_point(loaded, timeline)
    click.echo(resuming_line(loaded, timeline, resumed))
    return resumed


def _resume_hint(outcome: Outcome, routine: str, speed: float) -> None:
    """Stopped part-way (and recorded, not a preview): how to take it up again."""
    from calfkit import library
    from calfkit.history.store import is_preview

    if outcome.status is not Status.STOPPED or outcome.step <= 0 or is_preview(speed):
        return
    ref = routine if routine == TODAY or library.is_name(routine) else shlex.quote(routine)
    click.echo(f"Resume where you stopped: calfkit play {ref} --resume")


def _todays_routine(resuming: bool) -> Routine:
    from calfkit.cli.practice import NothingToDo, todays_routine

    try:
        return todays_routine(resuming=resuming)
    except NothingToDo as done:
        click.echo(str(done))
        sys.exit(0)
