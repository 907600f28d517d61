"""The live view: a full-screen rich display of the step in progress, redrawn on each event.

It is a sink like any other. It never runs a timer of its own: the engine sends a TICK once a
second, and every event redraws the screen once, so a quiet hold costs almost no CPU. It draws
on the terminal's alternate screen, so a resize never leaves half-drawn lines behind and the
scrollback is left as it was; the summary is printed on the normal screen when it closes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from calfkit.player.events import Event, EventKind
from calfkit.sinks.summary import Summary
from calfkit.terminal.keys import help_line
from calfkit.timeline import SegmentKind
from calfkit.words import countdown

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
    from rich.live import Live
    from rich.measure import Measurement
    from rich.segment import Segment as Cell

    from calfkit.player.events import Outcome
    from calfkit.timeline import Segment, Timeline

KEY_HELP = help_line()  # built from the one key map, in calfkit.terminal.keys
KEY_HELP_MUTED = help_line(muted=True)

# Colour only ever repeats what the words and shapes already say (NO_COLOR drops it).
_KIND_COLOUR = {
    SegmentKind.PREPARE: "bold blue",
    SegmentKind.DO: "bold cyan",
    SegmentKind.HOLD: "bold cyan",
    SegmentKind.COUNT: "bold cyan",
    SegmentKind.BREATHE: "bold cyan",
    SegmentKind.REST: "bold green",
    SegmentKind.SWITCH: "bold magenta",
}

_KIND_LABEL = {
    SegmentKind.PREPARE: "Get ready",
    SegmentKind.DO: "Do",
    SegmentKind.HOLD: "Hold",
    SegmentKind.COUNT: "Count",
    SegmentKind.BREATHE: "Breathe",
    SegmentKind.REST: "Rest",
    SegmentKind.SWITCH: "Switch sides",
}


class Bar:
    """A progress bar filling the line, then ``label``. The done and to-do parts differ in
    shape, not only in colour, so the bar still reads under NO_COLOR."""

    def __init__(self, fraction: float, label: str) -> None:
        self.fraction = min(1.0, max(0.0, fraction))
        self.label = label

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.segment import Segment as Cell
        from rich.style import Style

        width = options.max_width - len(self.label) - 1
        if width >= 4:
            filled = int(self.fraction * width + 1e-9)
            yield Cell("━" * filled, Style(bold=True, color="green"))
            yield Cell("─" * (width - filled) + " ", Style(dim=True))
        yield Cell(self.label[: options.max_width])
        yield Cell.line()

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        from rich.measure import Measurement

        return Measurement(1, options.max_width)


class Frozen:
    """A renderable laid out once per width and then reused as it is.

    The cue panel stays the same for a whole step while the countdown under it changes every
    second; wrapping its text again on each redraw would be most of the view's CPU time.
    """

    def __init__(self, renderable: RenderableType) -> None:
        self.renderable = renderable
        self._lines: dict[int, list[list[Cell]]] = {}

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.segment import Segment as Cell

        lines = self._lines.get(options.max_width)
        if lines is None:
            lines = console.render_lines(self.renderable, options.update(height=None))
            self._lines = {options.max_width: lines}
        new_line = Cell.line()
        for line in lines:
            yield from line
            yield new_line

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        from rich.measure import Measurement

        return Measurement.get(console, options, self.renderable)


class LiveView:
    """A sink that shows the routine on the terminal while it plays.

    ``keys`` says whether key help is shown (keys are read only when stdin is a terminal).
    ``screen`` draws on the alternate screen; tests turn it off to read the frames back.
    Times shown are the routine seconds the events carry, whatever the player's speed.
    """

    def __init__(
        self,
        console: Console | None = None,
        *,
        keys: bool = True,
        screen: bool = True,
    ) -> None:
        if console is None:
            from rich.console import Console

            # A normally created Console honours NO_COLOR and TERM=dumb by itself.
            console = Console(highlight=False)
        # What drawing needs is imported now, before playback's clock starts, so that the
        # first cue is not late by the time these imports take (milliseconds).
        import rich.live
        import rich.padding
        import rich.panel
        import rich.text  # noqa: F401

        self.console = console
        self.keys = keys
        self.screen = screen
        self._live: Live | None = None
        self._closed = False
        self._panel: Frozen | None = None  # the step's cue panel, laid out once per width
        self._panel_for: Segment | None = None

        self.timeline: Timeline | None = None
        self.title = ""
        self.caution: str | None = None
        self.equipment: tuple[str, ...] = ()
        self.segment: Segment | None = None
        self.where = ""  # the block path the player gave for ``segment``
        self.next_text: str | None = None  # the next step's cue (None at the last)
        self.step_left: float | None = None
        self.counter: str | None = None
        self.lead_in: int | None = None
        self.waiting = False
        self.paused = False
        self.muted = False
        self.routine_left: float | None = None
        self._extra = 0.0  # seconds ``+`` added to the step in progress
        self._count: int | None = None  # the count in progress, on a count step
        self.notices: list[str] = []
        self._drawn: tuple[object, ...] | None = None  # what the last frame showed

        self._steps_entered = 0
        self.outcome: Outcome | None = None  # what the FINISH or STOP event said it came to

    # -- the sink ---------------------------------------------------------------------------

    def handle(self, event: Event) -> None:
        if self._closed:
            return
        self._update(event)
        if event.kind in (EventKind.FINISH, EventKind.STOP):
            self.close()
            return
        if event.kind is EventKind.TICK and self._looks() == self._drawn:
            # A TICK only asks for a redraw; a cue at the same moment already drew this.
            return
        self.refresh()

    def close(self) -> None:
        """Leave the screen as it was and print the summary; safe to call more than once."""
        if self._closed:
            return
        self._closed = True
        self._stop_live()
        summary = self.summary()
        if summary is not None:
            for line in summary.lines():
                self.console.print(line, markup=False, highlight=False, soft_wrap=False)

    def suspend(self) -> None:
        """Leave the screen for now (Ctrl-Z): the shell gets its own screen and cursor back."""
        if not self._closed:
            self._stop_live()

    def resume(self) -> None:
        """Draw again after :meth:`suspend` (``fg``)."""
        self.refresh()

    def notice(self, text: str) -> None:
        """Show a one-line message (e.g. a sound back end that failed) under the view."""
        self.notices.append(text)
        if self._live is not None:
            self.refresh()

    def refresh(self) -> None:
        """Draw the current state once (also called when the terminal is resized)."""
        if self._closed:
            return
        self._drawn = self._looks()
        if self._live is None:
            from rich.live import Live

            self._live = Live(
                self.render(),
                console=self.console,
                auto_refresh=False,
                screen=self.screen,
                transient=True,
                redirect_stdout=False,
                redirect_stderr=False,
            )
            self._live.start(refresh=True)
        else:
            self._live.update(self.render(), refresh=True)

    def _looks(self) -> tuple[object, ...]:
        """Everything the view's picture depends on."""
        return (
            self.segment,
            self.step_left,
            self.routine_left,
            self.counter,
            self.lead_in,
            self.waiting,
            self.paused,
            self.muted,
            self._extra,
            len(self.notices),
        )

    def _stop_live(self) -> None:
        live, self._live = self._live, None
        if live is None:
            return
        try:
            live.stop()
        except BaseException:
            # Stopping failed half-way: still never leave the terminal on the alternate
            # screen or without a cursor.
            if self.console.is_alt_screen:
                self.console.set_alt_screen(False)
            self.console.show_cursor(True)
            raise

    # -- state ------------------------------------------------------------------------------

    def _update(self, event: Event) -> None:
        kind = event.kind
        # The player says how much is left, in routine seconds, with every event.
        if event.routine_left is not None:
            self.routine_left = event.routine_left
        if event.step_left is not None:
            self.step_left = event.step_left

        if kind is EventKind.START:
            if event.timeline is not None:
                self.timeline = event.timeline
                routine = event.timeline.routine
                self.title = routine.title
                self.caution = routine.caution
                self.equipment = routine.equipment
                if self.routine_left is None:
                    self.routine_left = event.timeline.total
        elif kind is EventKind.LEAD_IN:
            self.lead_in = event.number
        elif kind in (EventKind.STEP, EventKind.SWITCH):
            self._enter(event)
        elif kind is EventKind.COUNT:
            self._count = event.number
            self.counter = f"{event.number} / {event.of}"
        elif kind is EventKind.BREATH:
            self.counter = f"breath {event.number} of {event.of} · {event.phase}"
        elif kind is EventKind.WAITING:
            self.waiting = True
        elif kind is EventKind.READY:
            self.waiting = False
        elif kind is EventKind.PAUSE:
            self.paused = True
        elif kind is EventKind.RESUME:
            self.paused = False
        elif kind is EventKind.EXTEND:
            self._extra += float(event.number or 0)
            if event.of is not None and self._count is not None:
                self.counter = f"{self._count} / {event.of}"  # more counts to come: "4 / 14"
        elif kind is EventKind.MUTE:
            self.muted = True
        elif kind is EventKind.UNMUTE:
            self.muted = False
        elif kind in (EventKind.FINISH, EventKind.STOP):
            self.outcome = event.outcome

    def _enter(self, event: Event) -> None:
        self._steps_entered += 1
        self.segment = event.segment
        self.where = event.where
        self.next_text = event.next_text
        self.lead_in = None
        self._extra = 0.0
        self._count = None
        self.counter = None
        self.waiting = False
        if self.segment is not None and event.step_left is None:
            self.step_left = self.segment.duration

    def summary(self) -> Summary | None:
        """The end-of-session figures, once playback has finished or stopped."""
        if self.outcome is None:
            return None
        return Summary.of_outcome(self.outcome, self.title or "the routine")

    # -- drawing ----------------------------------------------------------------------------

    def render(self) -> RenderableType:
        """The whole view for the current state, as one rich renderable."""
        from rich.console import Group
        from rich.padding import Padding
        from rich.panel import Panel
        from rich.text import Text

        parts: list[RenderableType] = []
        if self.paused:
            parts.append(
                Text(
                    " PAUSED · press space to resume ",
                    style="bold reverse yellow",
                    justify="center",
                )
            )
        segment = self.segment
        if segment is None:
            parts.append(self._render_before_start())
        else:
            body = Text()
            body.append(segment.text, style="bold")
            if segment.note:
                body.append("\n\n")
                body.append(segment.note, style="italic")
            if self._panel is None or self._panel_for is not segment:
                self._panel_for = segment
                self._panel = Frozen(
                    Panel(
                        Padding(body, (1, 1)),
                        title=_KIND_LABEL.get(segment.kind, segment.kind.value.title()),
                        title_align="left",
                        border_style=_KIND_COLOUR.get(segment.kind, "bold"),
                    )
                )
            parts.append(self._panel)
            parts.append(Text(self._progress_in_step(), style="bold cyan", justify="center"))
            if self.where:
                parts.append(Text(self.where, justify="center"))
            parts.append(Text(self._next_text(), style="dim"))
            if self.caution and self._steps_entered == 1:
                # Without a lead-in the caution would never be seen: keep it for the first step.
                caution = Text()
                caution.append(" Caution ", style="bold reverse yellow")
                caution.append(" " + self.caution)
                parts.append(caution)
        parts.append(self._render_progress())
        for notice in self.notices[-2:]:
            parts.append(Text(notice, style="yellow"))
        if self.keys:
            parts.append(Text(KEY_HELP_MUTED if self.muted else KEY_HELP, style="dim"))
        elif self.muted:
            parts.append(Text("muted", style="dim"))
        return Group(*parts)

    def _render_before_start(self) -> RenderableType:
        from rich.panel import Panel
        from rich.text import Text

        body = Text()
        body.append(self.title or "Getting ready", style="bold")
        if self.equipment:
            body.append("\nYou need: " + ", ".join(self.equipment))
        if self.caution:
            body.append("\n\n")
            body.append(" Caution ", style="bold reverse yellow")
            body.append(" " + self.caution)
        if self.lead_in is not None:
            body.append(f"\n\nStarting in {self.lead_in}…", style="bold")
        return Panel(body, border_style="bold")

    def _progress_in_step(self) -> str:
        segment = self.segment
        if segment is None:
            return ""
        if self.waiting:
            return "Press Enter when you are ready"
        if self.counter is not None and segment.kind in (SegmentKind.COUNT, SegmentKind.BREATHE):
            return self.counter
        left = segment.duration if self.step_left is None else self.step_left
        return countdown(left)

    def _next_text(self) -> str:
        if self.segment is None:
            return ""
        if self.next_text is None:
            return "Next: finish"
        return f"Next: {self.next_text}"

    def _render_progress(self) -> RenderableType:
        timeline = self.timeline
        total = timeline.total if timeline is not None else 0.0
        left = total if self.routine_left is None else self.routine_left
        # Time ``+`` added is not progress: the bar stays at the step's end while it plays.
        done = max(0.0, total + self._extra - left)
        if self.segment is not None:
            done = min(done, self.segment.end)
        percent = 0 if total <= 0 else min(100, int(100 * done / total))
        label = f"{percent:3d}% · {countdown(left)} left"
        return Bar(0.0 if total <= 0 else done / total, label)
