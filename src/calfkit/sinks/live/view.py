"""The live view: a full-screen rich display of the step in progress, redrawn on each event.

It is a sink like any other. It never runs a timer of its own: the engine sends a TICK once a
second, and every event redraws the screen once, so a quiet hold costs almost no CPU. It draws
on the terminal's alternate screen, so a resize never leaves half-drawn lines behind and the
scrollback is left as it was; the summary is printed on the normal screen when it closes.

It is made to be read from the floor, two metres away. What it knows is folded from the events
into a :class:`~calfkit.sinks.live.state.ViewState`; what a frame shows for that state is
:mod:`calfkit.sinks.live.compose`, and how it fits the terminal :mod:`calfkit.sinks.live.layout`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from calfkit.player.events import Event, EventKind, Status
from calfkit.sinks.live.compose import Painter
from calfkit.sinks.live.layout import Frame, Layout
from calfkit.sinks.live.state import ViewState

if TYPE_CHECKING:
    from rich.console import Console, RenderableType
    from rich.live import Live

    from calfkit.sinks.summary import Summary


class LiveView:
    """A sink that shows the routine on the terminal while it plays.

    ``keys`` says whether key help is shown (keys are read only when stdin is a terminal).
    ``screen`` draws on the alternate screen; tests turn it off to read the frames back.
    Times shown are the routine seconds the events carry, whatever the player's speed.
    ``voice`` shows the VOICE badge (cues are spoken); the CLI sets it once speech is set up.

    Warnings that arise while playing (a sound back end failing, spoken cues turned off) are
    handed to :meth:`warn`; each shows inside the view until the next step begins (one that
    arises before the first step stays through the first step).
    """

    def __init__(
        self,
        console: Console | None = None,
        *,
        keys: bool = True,
        screen: bool = True,
        voice: bool = False,
    ) -> None:
        if console is None:
            from rich.console import Console

            # A normally created Console honours NO_COLOR and TERM=dumb by itself.
            console = Console(highlight=False)
        # What drawing needs is imported now, before playback's clock starts, so that the
        # first cue is not late by the time these imports take (milliseconds).
        import rich.live
        import rich.segment
        import rich.text  # noqa: F401

        self.console = console
        self.keys = keys
        self.screen = screen
        self.voice = voice
        self.state = ViewState()
        self._painter = Painter(console)
        self._live: Live | None = None
        self._closed = False
        self._drawn: tuple[object, ...] | None = None  # what the last frame showed
        # Set by a session that can wait for a key: a finished routine then stays on screen
        # until :meth:`end` is done with it (a stop by q leaves at once, as asked).
        self.linger = False

    # -- the sink ---------------------------------------------------------------------------

    def handle(self, event: Event) -> None:
        if self._closed:
            return
        if event.kind is EventKind.WARNING:
            if event.text:
                self.warn(event.text)
            return
        if event.kind is EventKind.SPEAK:
            return  # heard, not seen
        self.state.fold(event)
        if event.kind is EventKind.FINISH and self.linger:
            return  # the session shows the end screen once history has its say (:meth:`end`)
        if event.kind in (EventKind.FINISH, EventKind.STOP):
            self.close()
            return
        if event.kind is EventKind.TICK and self.state.looks() == self._drawn:
            # A TICK only asks for a redraw; a cue at the same moment already drew this.
            return
        self.refresh()

    def close(self) -> None:
        """Leave the screen as it was and print the summary; safe to call more than once."""
        if self._closed or self._lingering():
            return
        self._closed = True
        self._stop_live()
        summary = self.summary()
        if summary is not None:
            for line in summary.lines():
                # emoji=False: a title's ":smile:" is text, and rich's emoji table (a fresh
                # import of 140 kB) would make the summary late by a tenth of a second.
                self.console.print(
                    line, markup=False, highlight=False, emoji=False, soft_wrap=False
                )

    def close_now(self) -> None:
        """Close, end screen or not (the session's last word on every way out)."""
        self.linger = False
        self.close()

    def _lingering(self) -> bool:
        """Whether a finished routine waits for :meth:`end` (the player's closing its sinks
        then leaves the view up)."""
        outcome = self.state.outcome
        return self.linger and outcome is not None and outcome.status is Status.FINISHED

    def show_help(self, shown: bool) -> None:
        """Show (or hide) the keys' help over the step; the routine plays on under it."""
        self.state.help = shown
        self.refresh()

    def end(self, lines: list[str], wait: Callable[[float], bool], seconds: float) -> bool:
        """Show the end screen of a finished routine, with ``lines`` (what history says now)
        under the figures, until ``wait`` sees a key or ``seconds`` pass; then close. True
        when the end screen was shown (the lines then need not be printed again)."""
        if self._closed or self._live is None or not self._lingering():
            self.close_now()
            return False
        self.state.ending = tuple(lines)
        self.state.help = False
        self.refresh()
        try:
            wait(seconds)
        finally:
            self.close_now()
        return True

    def suspend(self) -> None:
        """Leave the screen for now (Ctrl-Z): the shell gets its own screen and cursor back."""
        if not self._closed:
            self._stop_live()

    def resume(self) -> None:
        """Draw again after :meth:`suspend` (``fg``)."""
        self.refresh()

    def warn(self, text: str) -> None:
        """Show a warning inside the view until the next step begins.

        Safe to call before the view is first drawn (the warning shows on the first frame)
        and from any sink or player while playing.
        """
        self.state.warn(text)
        if self._live is not None:
            self.refresh()

    notice = warn  # the older name

    @property
    def warnings(self) -> list[str]:
        """The warnings the view shows now, oldest first."""
        return self.state.warnings

    def summary(self) -> Summary | None:
        """The end-of-session figures, once playback has finished or stopped."""
        return self.state.summary()

    # -- drawing ----------------------------------------------------------------------------

    def refresh(self) -> None:
        """Draw the current state once (also called when the terminal is resized)."""
        if self._closed:
            return
        self._drawn = self.state.looks()
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

    def render(self) -> RenderableType:
        """The whole view for the current state, as one rich renderable (laid out for the size
        of the console it is drawn on)."""
        return Frame(self.layout)

    def layout(self, columns: int, lines: int) -> Layout:
        """The frame's parts for a terminal of ``columns`` x ``lines``, after giving way."""
        return self._painter.layout(self.state, columns, lines, keys=self.keys, voice=self.voice)

    def _counter_text(self) -> str | None:
        return self.state.counter_text()

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
