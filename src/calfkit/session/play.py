"""A session played in the terminal: the timeline, the clock, the keys and the sinks put
together from one :class:`~calfkit.session.settings.Settings`, and the player run.

The terminal is put back as it was found on every way out, including Ctrl-C, SIGTERM, Ctrl-\\
and the terminal closing; errors are raised once it is (the command line turns them into
messages and exit codes).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TextIO

from calfkit.player.events import Fanout, Status
from calfkit.session.outputs import build_sinks, event_log, history_sink, speech_sink
from calfkit.session.relay import Relay, Warnings
from calfkit.session.settings import Settings

if TYPE_CHECKING:
    from calfkit.player.clock import MonotonicClock, StoppableClock
    from calfkit.player.events import Controls, Outcome, Sink
    from calfkit.sinks.eventlog import EventLogSink
    from calfkit.sinks.history import HistorySink
    from calfkit.sinks.live import LiveView
    from calfkit.sinks.speech import SpeechSink
    from calfkit.timeline import Timeline

__all__ = ["Played", "play"]

# How long the end screen of a finished routine stays without a key.
END_SCREEN_SECONDS = 10.0


@dataclass(frozen=True)
class Played:
    """What a session came to, and the lines left to say once its outputs have gone;
    ``failed``: why an output named on the command line (the event log) stopped short while
    the session played on, for an exit status that says so."""

    outcome: Outcome
    lines: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def isatty(stream: Any) -> bool:
    try:
        return bool(stream is not None and stream.isatty())
    except (AttributeError, ValueError):
        return False


def play(
    timeline: Timeline,
    settings: Settings,
    *,
    out: TextIO,
    warn: Callable[[str], None],
) -> Played:
    """Play ``timeline`` as ``settings`` say, in this process's terminal.

    ``out``: where plain lines go (stdout, guarded by the caller so it can tell its failures
    apart); ``warn``: where warnings are written once no view shows them. Raises what ended
    the session early (KeyboardInterrupt, a :class:`~calfkit.errors.CalfkitError` such as a
    ``--sound`` back end that cannot play here, a failed write), after putting the terminal
    back.
    """
    plain = settings.plain or not isatty(sys.stdout) or os.environ.get("TERM") == "dumb"
    session = _Session(timeline, settings, plain=plain, warn=Warnings(warn))
    outcome = session.run(out)
    lines: list[str] = []
    # Plain lines already said how it ended, where, and the figures; the live view's summary
    # said how and the figures: say where, in top-level steps (what ``--from`` takes).
    if not plain and outcome.status is Status.STOPPED:
        if outcome.step:
            lines.append(f"stopped at step {outcome.top_step} of {outcome.tops_total}")
        else:
            # Stopped during the lead-in: no step had begun yet.
            before = settings.start if settings.resume is None else settings.resume.end_top
            lines.append(f"stopped before step {before} of {outcome.tops_total}")
    history = session.history
    comparison = history.summary_line() if history is not None else None
    if comparison is not None:
        lines.append(comparison)
    log = session.log
    return Played(outcome, lines, [log.failed] if log is not None and log.failed else [])


class _Session:
    """One session's pieces, put together in :meth:`run`."""

    def __init__(self, timeline: Timeline, settings: Settings, *, plain: bool, warn: Warnings):
        from calfkit.terminal.mode import stdin_is_terminal

        self.timeline = timeline
        self.settings = settings
        self.plain = plain
        self.warn = warn
        self.keys = stdin_is_terminal(sys.stdin)
        # Told by two threads (the player, and speech): the relay keeps them in turn.
        self.relay = Relay([], warn)
        warn.relay = self.relay
        self.sinks: list[Sink] = []  # what the player tells: speech, sounds, the relay
        self.view: LiveView | None = None
        self.speech: SpeechSink | None = None
        self.history: HistorySink | None = None
        self.log: EventLogSink | None = None
        self.clock = _clock(self.keys)

    def run(self, out: TextIO) -> Outcome:
        from calfkit.terminal.mode import show_cursor, terminate_raises

        with ExitStack() as stack:
            # SIGTERM raises from here on, so every cleanup below runs for it as for Ctrl-C.
            stack.enter_context(terminate_raises())
            if isatty(sys.stdout):
                stack.callback(show_cursor, sys.stdout)
            stack.callback(self.warn.flush)
            try:
                self._outputs(stack, out)
                return self._play(stack)
            except Exception:
                # The sinks the player never got to close (it failed before or while starting).
                Fanout(self.sinks).close(forgiving=True)
                raise

    def _outputs(self, stack: ExitStack, out: TextIO) -> None:
        settings, warn = self.settings, self.warn
        step = settings.start_step
        first = next(
            s.index
            for s in self.timeline.segments
            if (s.index >= step if step is not None else s.top >= settings.start)
        )
        self.sinks.extend(
            build_sinks(
                settings,
                warn,
                timeline=self.timeline,
                first=first,
                emit=self.relay.handle,
                clock=self.clock,
                keys=self.keys,
            )
        )
        self.speech = speech_sink(self.sinks)
        self.sinks.append(self.relay)
        shared = self.relay.sinks
        if settings.log_events is not None:
            self.log = event_log(settings.log_events, warn)
            shared.append(self.log)
        if self.plain:
            from calfkit.sinks.plain import PlainSink

            shared.append(PlainSink(out))
        else:
            from calfkit.sinks.live import LiveView

            # What setting up sound and speech warned about is held and shown inside the
            # view once the session starts (and again on stderr once it has gone).
            self.view = view = LiveView(keys=self.keys)
            view.linger = self.keys  # an end screen, closed by a key
            stack.callback(view.close_now)
            warn.view = view
            if settings.voice:
                # The badge says what is really spoken: there may be no engine or device.
                view.voice = self.speech is not None
            shared.append(view)
        if settings.history:
            self.history = history_sink(settings, warn, self.sinks)
            shared.append(self.history)

    def _controls(self, stack: ExitStack) -> Controls:
        from calfkit.player.clock import StoppableClock
        from calfkit.player.events import NoControls
        from calfkit.terminal.mode import KeyMode

        if not self.keys or not isinstance(self.clock, StoppableClock):
            return NoControls()
        mode = KeyMode(sys.stdin.fileno(), sys.stdout, clock=self.clock)
        controls = stack.enter_context(mode)
        if self.view is not None:
            controls.on_resize = self.view.refresh
            controls.on_help = self.view.show_help
            mode.on_suspend = self.view.suspend
            mode.on_continue = self.view.resume
        return controls

    def _play(self, stack: ExitStack) -> Outcome:
        from calfkit.player.engine import Player

        speech = self.speech
        # A spoken caution makes the lead-in longer: the speech sink says how long.
        lead_in = speech.lead_in if speech is not None else self.settings.lead_in
        controls = self._controls(stack)
        player = Player(
            self.timeline,
            clock=self.clock,
            sinks=self.sinks,
            controls=controls,
            speed=self.settings.speed,
            start_top=self.settings.start,
            start_step=self.settings.start_step,
            lead_in=lead_in,
            keys_interactive=self.keys,
            lead_in_gate=speech.ready if speech is not None else None,
            gate_progress=speech.progress if speech is not None else None,
        )
        outcome = player.run()
        view = self.view
        if view is not None and view.linger and hasattr(controls, "any_key"):
            # History has recorded the session by now, so the end screen can say what it
            # makes of it ("3rd session this week").
            said = self.history.summary_line() if self.history is not None else None
            view.end([said] if said else [], controls.any_key, END_SCREEN_SECONDS)
        return outcome


def _clock(keys: bool) -> StoppableClock | MonotonicClock:
    """The session's clock: with keys, Ctrl-Z stops the session and ``fg`` takes it up where
    it was, so the clock leaves the stopped time out."""
    from calfkit.player.clock import MonotonicClock, StoppableClock

    return StoppableClock() if keys else MonotonicClock()
