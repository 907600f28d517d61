"""``calfkit play ROUTINE``: builds the pieces (timeline, clock, keys, sinks) and runs the player.

Everything here is wiring: which sinks (the live view or plain lines, sounds, speech, the event
log, history), whether keys can be read, and how a session's end becomes an exit code. The
terminal is put back as it was found on every way out, including Ctrl-C (130), SIGTERM (143),
Ctrl-\\ (SIGQUIT, 131) and the terminal closing (SIGHUP, 129).
"""

from __future__ import annotations

import math
import os
import sys
from contextlib import ExitStack
from typing import TYPE_CHECKING, Any, TextIO, cast

import click

from calfkit.cli.common import (
    INTERRUPTED_EXIT,
    GuardedOutput,
    OutputError,
    check_lead_in,
    errors_to_exit,
    output_failed,
    report,
)
from calfkit.cli.routine_arg import ROUTINE
from calfkit.errors import CalfkitError
from calfkit.sound import CHOICES as SOUND_CHOICES
from calfkit.sound import DEFAULT_RATE_WPM, MAX_RATE_WPM, MIN_RATE_WPM

if TYPE_CHECKING:
    from calfkit.player.events import Controls, Event, Sink
    from calfkit.sinks.history import HistorySink
    from calfkit.sinks.live import LiveView
    from calfkit.sinks.speech import SpeechSink
    from calfkit.timeline import Timeline

# Plain numbers, not imported: calfkit --help must not load the speech modules.
# Slower than this, a 24-hour routine's deadlines pass what time.sleep can wait for (an
# OverflowError mid-session); 100 times slower is more than any preview needs.
MIN_SPEED = 0.01


def _positive_speed(ctx: click.Context, param: click.Parameter, value: float) -> float:
    if not (math.isfinite(value) and value >= MIN_SPEED):
        raise click.BadParameter(f"must be a number from {MIN_SPEED:g} up, not {value:g}")
    return value


def _lead_in(ctx: click.Context, param: click.Parameter, value: float) -> float:
    return check_lead_in(value)


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
    "--voice-rate",
    type=click.IntRange(MIN_RATE_WPM, MAX_RATE_WPM),
    default=DEFAULT_RATE_WPM,
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
    _play(
        timeline,
        speed=speed,
        start=start,
        sound=sound,
        voice=voice,
        voice_rate=voice_rate,
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
    """Where warnings go while playing: in the live view as WARNING events (and repeated on
    stderr after it has gone, so they are not lost with the screen), or straight to stderr in
    plain mode. Those that arise before the session starts (setting up sound and voice) are
    held until the view is up, and shown in it."""

    def __init__(self) -> None:
        self.view: LiveView | None = None
        self.relay: _Relay | None = None
        self.started = False
        self.early: list[str] = []
        self.held: list[str] = []

    def __call__(self, message: str) -> None:
        if self.view is None and self.started:
            click.echo(message, err=True)
            return
        if not self.started:
            self.early.append(message)
            return
        self.held.append(message)
        if self.relay is not None:
            self.relay.warning(message)

    def start(self) -> None:
        """The session has started: show what was held (in plain mode, print it now)."""
        self.started = True
        early, self.early = self.early, []
        for message in early:
            self(message)

    def flush(self) -> None:
        held, self.held = self.early + self.held, []
        self.early = []
        for message in held:
            click.echo(message, err=True)


class _Relay:
    """The sinks that two threads tell (the player, and speech with its ``speak`` events and
    warnings), one event at a time; START also shows the warnings held until then."""

    def __init__(self, sinks: list[Sink], warn: _Warnings) -> None:
        import threading

        self.sinks = sinks
        self._warn = warn
        self._lock = threading.RLock()

        self._at = 0.0  # the session time of the last event told
        self._wall = 0.0  # and the player's wall clock then (``Clock.wall``)
        self._told = False

    def prepare(self, timeline: Timeline) -> None:
        """Each sink's slow work, before the player's clock starts (history inserts its row)."""
        from calfkit.player.events import prepare_sinks

        prepare_sinks(self.sinks, timeline)

    def handle(self, event: Event) -> None:
        from calfkit.player.events import EventKind

        with self._lock:
            if event.actual >= self._at:
                self._at, self._wall = event.actual, event.wall
            self._told = True
            # Each sink is told even if one before it fails (the first failure is raised),
            # so a broken log still lets the screen say how the session ended.
            first: Exception | None = None
            for sink in self.sinks:
                try:
                    sink.handle(event)
                except Exception as error:
                    first = first or error
            if event.kind is EventKind.START:
                self._warn.start()
            if first is not None:
                raise first

    def warning(self, message: str) -> None:
        import time

        from calfkit.player.events import Event, EventKind

        with self._lock:
            at = self._at
            # At the last event's moment, on the player's wall clock once it has told one.
            wall = self._wall if self._told else time.time()
            self.handle(Event(EventKind.WARNING, at, at, wall, text=message))

    def close(self) -> None:
        first: Exception | None = None
        for sink in self.sinks:
            try:
                sink.close()
            except Exception as error:
                first = first or error
        if first is not None:
            raise first


def _play(
    timeline: Any,
    *,
    speed: float,
    start: int,
    sound: str,
    voice: bool,
    voice_rate: int = DEFAULT_RATE_WPM,
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
            # Told by two threads (the player, and speech): the relay keeps them in turn.
            shared: list[Sink] = []
            relay = _Relay(shared, warn)
            warn.relay = relay
            first = next(s.index for s in timeline.segments if s.top >= start)
            sinks.extend(
                _sound_sinks(
                    sound,
                    voice,
                    warn,
                    timeline=timeline,
                    first=first,
                    lead_in=lead_in,
                    speed=speed,
                    wpm=voice_rate,
                    emit=relay.handle,
                )
            )
            speech = _speech_sink(sinks)
            if speech is not None:
                lead_in = speech.lead_in  # the caution is spoken in it: it lasts long enough
            sinks.append(relay)
            if log_events is not None:
                shared.append(_event_log(log_events))
            view: LiveView | None = None
            if plain:
                from calfkit.sinks.plain import PlainSink

                # Failed writes to stdout are told apart from those of other files: they
                # end the session the way every command ends on a closed pipe or full disk.
                shared.append(PlainSink(cast(TextIO, GuardedOutput(sys.stdout))))
            else:
                from calfkit.sinks.live import LiveView

                # What setting up sound and speech warned about is held and shown inside the
                # view once the session starts (and again on stderr once it has gone).
                view = LiveView(keys=keys)
                stack.callback(view.close)
                warn.view = view
                if voice:
                    # The badge says what is really spoken: there may be no engine or device.
                    view.voice = speech is not None
                shared.append(view)
            if history:
                history_sink = _history_sink(sound, voice, warn, speed, sinks)
                shared.append(history_sink)
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
                lead_in_gate=speech.ready if speech is not None else None,
                gate_progress=speech.progress if speech is not None else None,
            )
            outcome = player.run()
        except KeyboardInterrupt:
            stack.close()
            sys.exit(INTERRUPTED_EXIT)
        except click.ClickException:
            _close_quietly(sinks)
            raise
        except CalfkitError as error:
            # A --sound back end that cannot play here: said before anything played.
            _close_quietly(sinks)
            stack.close()
            report(error)
            sys.exit(error.exit_code)
        except OutputError as error:
            _close_quietly(sinks)
            stack.close()
            output_failed(error)
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


def _sound_sinks(choice: str, voice: bool, warn: _Warnings, **speech: Any) -> list[Sink]:
    if choice == "off" and not voice:
        return []
    from calfkit.sinks import build_sinks

    return build_sinks(choice, voice, warn, **speech)


def _speech_sink(sinks: list[Sink]) -> SpeechSink | None:
    from calfkit.sinks.speech import SpeechSink

    return next((sink for sink in sinks if isinstance(sink, SpeechSink)), None)


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
