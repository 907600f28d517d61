"""``calfkit play ROUTINE``: builds the pieces (timeline, clock, keys, sinks) and runs the player.

Everything here is wiring: which sinks (the live view or plain lines, sounds, speech, the event
log, history), whether keys can be read, and how a session's end becomes an exit code. The
terminal is put back as it was found on every way out, including Ctrl-C (130) and SIGTERM (143).
"""

from __future__ import annotations

import math
import os
import sys
from contextlib import ExitStack
from typing import TYPE_CHECKING, Any

import click

from calfkit.cli.common import INTERRUPTED_EXIT, errors_to_exit
from calfkit.cli.routine_arg import ROUTINE
from calfkit.sound import CHOICES as SOUND_CHOICES

if TYPE_CHECKING:
    from calfkit.player.events import Controls, Sink
    from calfkit.sinks.history import HistorySink
    from calfkit.sinks.live import LiveView


def _positive_speed(ctx: click.Context, param: click.Parameter, value: float) -> float:
    if not (math.isfinite(value) and value > 0):
        raise click.BadParameter(f"must be a number above 0, not {value:g}")
    return value


def _lead_in(ctx: click.Context, param: click.Parameter, value: float) -> float:
    if not (math.isfinite(value) and value >= 0):
        raise click.BadParameter(f"must be 0 or more seconds, not {value:g}")
    return value


@click.command(name="play")
@click.argument("routine", type=ROUTINE)
@click.option(
    "--speed",
    type=float,
    default=1.0,
    show_default=True,
    callback=_positive_speed,
    metavar="X",
    help="Play X times faster (for previews and tests).",
)
@click.option(
    "--from",
    "start",
    type=int,
    default=1,
    show_default=True,
    metavar="N",
    help="Start at top-level step N (1 is the first).",
)
@click.option(
    "--sound",
    type=click.Choice(SOUND_CHOICES),  # the one list, in calfkit.sound
    default="auto",
    show_default=True,
    help="How to play beeps; auto takes the first that works, in this order.",
)
@click.option("--voice/--no-voice", default=False, show_default=True, help="Speak the cues.")
@click.option(
    "--plain",
    is_flag=True,
    help="One line per event instead of the live view (the default when stdout is not a terminal).",
)
@click.option(
    "--lead-in",
    type=float,
    default=3.0,
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
    _play(
        timeline,
        speed=speed,
        start=start,
        sound=sound,
        voice=voice,
        plain=plain or not _isatty(sys.stdout) or os.environ.get("TERM") == "dumb",
        lead_in=lead_in,
        log_events=log_events,
        history=not no_history,
    )


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream is not None and stream.isatty())
    except (AttributeError, ValueError):
        return False


class _Warnings:
    """Where warnings go while playing: under the live view (and repeated on stderr after it
    has gone, so they are not lost with the screen), or straight to stderr in plain mode."""

    def __init__(self) -> None:
        self.view: LiveView | None = None
        self.held: list[str] = []

    def __call__(self, message: str) -> None:
        if self.view is not None:
            self.view.notice(message)
            self.held.append(message)
        else:
            click.echo(message, err=True)

    def flush(self) -> None:
        held, self.held = self.held, []
        for message in held:
            click.echo(message, err=True)


def _play(
    timeline: Any,
    *,
    speed: float,
    start: int,
    sound: str,
    voice: bool,
    plain: bool,
    lead_in: float,
    log_events: str | None,
    history: bool,
) -> None:
    from calfkit.player.clock import MonotonicClock, StoppableClock
    from calfkit.player.engine import Player
    from calfkit.player.events import NoControls, Status
    from calfkit.terminal.mode import KeyMode, show_cursor, stdin_is_terminal, terminate_raises

    keys = stdin_is_terminal(sys.stdin)
    warn = _Warnings()
    outcome = None
    history_sink: HistorySink | None = None
    with ExitStack() as stack:
        # SIGTERM raises from here on, so every cleanup below runs for it as for Ctrl-C.
        stack.enter_context(terminate_raises())
        if _isatty(sys.stdout):
            stack.callback(show_cursor, sys.stdout)
        stack.callback(warn.flush)
        sinks: list[Sink] = []
        try:
            sinks.extend(_sound_sinks(sound, voice, warn))
            if log_events is not None:
                sinks.append(_event_log(log_events))
            view: LiveView | None = None
            if plain:
                from calfkit.sinks.plain import PlainSink

                sinks.append(PlainSink(sys.stdout))
            else:
                from calfkit.sinks.live import LiveView

                view = LiveView(keys=keys)
                stack.callback(view.close)
                warn.view = view
                sinks.append(view)
            if history:
                history_sink = _history_sink(sound, voice, warn, speed, sinks)
                sinks.append(history_sink)
            controls: Controls
            # With keys, Ctrl-Z stops the session and ``fg`` takes it up where it was: the
            # clock leaves the stopped time out.
            clock: StoppableClock | MonotonicClock = MonotonicClock()
            if keys:
                clock = StoppableClock()
                mode = KeyMode(sys.stdin.fileno(), sys.stdout, clock=clock)
                key_controls = stack.enter_context(mode)
                if view is not None:
                    key_controls.on_resize = view.refresh
                    mode.on_suspend = view.suspend
                    mode.on_continue = view.resume
                controls = key_controls
            else:
                controls = NoControls()
            player = Player(
                timeline,
                clock=clock,
                sinks=sinks,
                controls=controls,
                speed=speed,
                start_top=start,
                lead_in=lead_in,
                keys_interactive=keys,
            )
            outcome = player.run()
        except KeyboardInterrupt:
            stack.close()
            sys.exit(INTERRUPTED_EXIT)
        except click.ClickException:
            _close_quietly(sinks)
            raise
        except Exception as error:
            _close_quietly(sinks)
            stack.close()
            click.echo(f"calfkit: error: playback failed: {_describe(error)}", err=True)
            sys.exit(1)
    # Plain lines already said how it ended, where, and the figures; the live view's summary
    # said how and the figures: say where, in top-level steps (what ``--from`` takes).
    if outcome is not None and not plain and outcome.status is Status.STOPPED:
        if outcome.step:
            click.echo(f"stopped at step {outcome.top_step} of {outcome.tops_total}")
        else:
            # Stopped during the lead-in: no step had begun yet.
            click.echo(f"stopped before step {start} of {outcome.tops_total}")
    comparison = history_sink.summary_line() if history_sink is not None else None
    if comparison is not None:
        click.echo(comparison)


def _describe(error: BaseException) -> str:
    text = str(error)
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _close_quietly(sinks: list[Sink]) -> None:
    """Close sinks the player never got to close (it failed before or while starting)."""
    for sink in sinks:
        try:
            sink.close()
        except Exception:
            continue


def _sound_sinks(choice: str, voice: bool, warn: _Warnings) -> list[Sink]:
    if choice == "off" and not voice:
        return []
    from calfkit.sinks import build_sinks

    return build_sinks(choice, voice, warn)


def _event_log(path: str) -> Sink:
    from calfkit.sinks.eventlog import EventLogSink

    try:
        return EventLogSink(path)
    except OSError as error:
        raise click.BadParameter(
            f"cannot write {path}: {error.strerror or error}", param_hint="'--log-events'"
        ) from None


def _history_sink(
    choice: str, voice: bool, warn: _Warnings, speed: float, sinks: list[Sink]
) -> HistorySink:
    from calfkit.sinks.history import HistorySink

    label = "off"
    for sink in sinks:
        backend = getattr(sink, "backend", None)
        if backend is not None:
            label = str(getattr(backend, "label", choice))
            break
    if voice:
        from calfkit.sinks.speech import SpeechSink

        # What is really spoken: --voice without a speech engine (or device) plays no voice.
        voice = any(isinstance(sink, SpeechSink) for sink in sinks)
    return HistorySink(label, voice, warn, speed=speed)
