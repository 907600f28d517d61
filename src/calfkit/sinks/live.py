"""The live view: a full-screen rich display of the step in progress, redrawn on each event.

It is a sink like any other. It never runs a timer of its own: the engine sends a TICK once a
second, and every event redraws the screen once, so a quiet hold costs almost no CPU. It draws
on the terminal's alternate screen, so a resize never leaves half-drawn lines behind and the
scrollback is left as it was; the summary is printed on the normal screen when it closes.

It is made to be read from the floor, two metres away. The cue comes first, in bold; under it
the countdown (or the count, or the breath) in block digits (:mod:`calfkit.sinks.digits`) as
large as the terminal allows. Each frame is laid out for the terminal's size, and when rows
run short the lines give way by priority (:func:`lay_out`): the cue, the countdown, the time
left and the key help always show; the note, "Next" and the caution are ellipsised to one line
and then dropped first; only then do the digits shrink.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from calfkit.player.events import Event, EventKind
from calfkit.sinks import digits
from calfkit.sinks.summary import Summary
from calfkit.terminal.keys import help_items, help_line
from calfkit.text import clean, one_line
from calfkit.timeline import SegmentKind
from calfkit.words import countdown, preparing

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
    from rich.live import Live
    from rich.text import Text

    from calfkit.player.events import Outcome
    from calfkit.timeline import Segment, Timeline

# The key help, built from the one key map (calfkit.terminal.keys); ``key_help`` fills in
# what space and m do right now.
KEY_HELP = help_line()
KEY_HELP_MUTED = help_line(muted=True)


def key_help(*, paused: bool = False, muted: bool = False) -> list[str]:
    """The key help as items (joined with `` · `` and wrapped between items by the view)."""
    return help_items(paused=paused, muted=muted)


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

# The largest digits are a third of the terminal's rows, so the cue and the rest keep room.
_DIGITS_SHARE = 3


def margin_for(columns: int) -> int:
    """Columns left blank on each side: one on a small terminal, more on a wide one."""
    return 1 if columns < 60 else columns // 16


# -- layout -------------------------------------------------------------------------------


@dataclass
class Part:
    """One piece of the frame: its lines as laid out in full, and how it may give way.

    ``give_way`` is the order in which optional parts are first shortened to one ellipsised
    line and then dropped (lower goes first); None marks a part that always shows.
    """

    name: str
    lines: list[Text]
    give_way: int | None = None
    short: Text | None = None  # the one-line form
    state: str = "full"  # "full", "short" or "dropped": what the layout made of it

    @property
    def height(self) -> int:
        if self.state == "dropped":
            return 0
        if self.state == "short":
            return 1
        return len(self.lines)

    def shown(self) -> list[Text]:
        if self.state == "dropped":
            return []
        if self.state == "short" and self.short is not None:
            return [self.short]
        return self.lines


@dataclass
class Layout:
    """What fitted: the parts top to bottom, the digits' scale (0: plain text), and the blank
    rows put between the groups."""

    groups: list[list[Part]]
    scale: int
    counter: str | None
    gaps: list[int] = field(default_factory=list)

    def state(self, name: str) -> str:
        for group in self.groups:
            for part in group:
                if part.name == name:
                    return part.state
        return "absent"


def pick_scale(text: str | None, columns: int, lines: int) -> int:
    """The digits' scale for ``text`` on a terminal of ``columns`` x ``lines`` before anything
    else is counted: the largest that fits in the width and in a third of the rows."""
    if not text or not digits.can_draw(text):
        return 0
    width = columns - 2 * margin_for(columns)
    cap = lines // _DIGITS_SHARE
    best = digits.largest_scale(text, width, cap)
    if " " in text:
        best = max(best, digits.largest_scale(text.replace(" ", ""), width, cap))
    return best


def lay_out(
    groups: list[list[Part]],
    counter: str | None,
    counter_style: str,
    columns: int,
    lines: int,
) -> Layout:
    """Fit ``groups`` and the counter into ``lines`` rows, giving way by priority.

    The counter's part is named "counter" in ``groups`` and starts empty; it is filled here.
    Order of giving way: optional parts to one line (lowest ``give_way`` first), then dropped
    in the same order, then the digits shrink a scale at a time down to a plain line, and
    last the always-shown parts are cut from the bottom of the cue.
    """
    from rich.text import Text

    parts = [part for group in groups for part in group]
    counter_part = next(part for part in parts if part.name == "counter")
    optional = sorted(
        (part for part in parts if part.give_way is not None), key=lambda p: p.give_way or 0
    )
    width = columns - 2 * margin_for(columns)
    scale = pick_scale(counter, columns, lines)

    def draw(at: int) -> list[Text]:
        if counter is None:
            return []
        if at == 0:
            return [Text(counter, style=counter_style, justify="center")]
        text = counter
        if digits.width(text, at) > width:
            text = text.replace(" ", "")
        return [Text(row, style=counter_style, justify="center") for row in digits.render(text, at)]

    def used() -> int:
        return sum(part.height for part in parts)

    counter_part.lines = draw(scale)
    steps: list[tuple[Part, str]] = [(p, "short") for p in optional if len(p.lines) > 1]
    steps += [(p, "dropped") for p in optional]
    for part, state in steps:
        if used() <= lines:
            break
        if state == "short" and part.short is None:
            continue
        part.state = state
    while used() > lines and scale > 0:
        scale -= 1
        counter_part.lines = draw(scale)
    over = used() - lines
    if over > 0:
        # Still too many rows: the cue loses its last lines (ellipsised), then anything else.
        for part in parts:
            if over <= 0:
                break
            if part.name == "cue" and len(part.lines) > 1:
                keep = max(1, len(part.lines) - over)
                over -= len(part.lines) - keep
                cut = part.lines[keep - 1].copy()
                cut.truncate(max(1, cut.cell_len - 1))
                cut.append("…")
                part.lines = [*part.lines[: keep - 1], cut]
    layout = Layout(groups=groups, scale=scale, counter=counter)
    spare = max(0, lines - used())
    # Blank rows go between the groups (and above the first), most of them around the counter.
    slots = len(groups)
    layout.gaps = [spare // slots] * slots
    for n in range(spare % slots):
        layout.gaps[1 + n % (slots - 1) if slots > 1 else 0] += 1
    return layout


class Frame:
    """The view's picture at the console's size: laid out afresh on each render, because the
    terminal's size can change between any two frames."""

    def __init__(self, view: LiveView) -> None:
        self.view = view

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.segment import Segment as Cell

        columns = options.max_width
        lines = options.height or console.height
        layout = self.view.layout(columns, lines)
        margin = " " * margin_for(columns)
        width = columns - 2 * len(margin)
        new_line = Cell.line()
        emitted = 0
        for gap, group in zip(layout.gaps, layout.groups, strict=True):
            for _ in range(gap):
                if emitted < lines:
                    yield new_line
                    emitted += 1
            for part in group:
                for line in part.shown():
                    if emitted >= lines:
                        return
                    pad = max(0, (width - line.cell_len) // 2) if line.justify == "center" else 0
                    yield Cell(margin + " " * pad)
                    yield from line.render(console)
                    yield new_line
                    emitted += 1


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
        self._live: Live | None = None
        self._closed = False
        # Wrapped text, kept per (what, width): wrapping again on every redraw would be most
        # of the view's CPU time, and the cue stays the same for a whole step.
        self._wrapped: dict[tuple[object, ...], list[Text]] = {}

        self.timeline: Timeline | None = None
        self.title = ""
        self.caution: str | None = None
        self.equipment: tuple[str, ...] = ()
        self.segment: Segment | None = None
        self.where = ""  # the block path the player gave for ``segment``
        self.step_left: float | None = None
        self.counter: str | None = None
        self.big_counter: str | None = None  # what the counter says in block digits
        self.lead_in: int | None = None
        self.preparing: tuple[int, int] | None = None  # phrases rendered, of how many
        self.waiting = False
        self.paused = False
        self.muted = False
        self.routine_left: float | None = None
        self._extra = 0.0  # seconds ``+`` added to the step in progress
        self._count: int | None = None  # the count in progress, on a count step
        self.next_text: str | None = None  # the next step's cue, as the player said it
        # Warnings shown now, each with the count of steps entered at which it goes.
        self._warnings: list[tuple[str, int]] = []
        self._warned = 0  # warnings ever given, so a new one always redraws
        self._drawn: tuple[object, ...] | None = None  # what the last frame showed

        self._steps_entered = 0
        self.outcome: Outcome | None = None  # what the FINISH or STOP event said it came to

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

    def warn(self, text: str) -> None:
        """Show a warning inside the view until the next step begins.

        Safe to call before the view is first drawn (the warning shows on the first frame)
        and from any sink or player while playing.
        """
        until = self._steps_entered + 1 if self._steps_entered else 2
        self._warnings.append((text, until))
        self._warned += 1
        if self._live is not None:
            self.refresh()

    notice = warn  # the older name

    @property
    def warnings(self) -> list[str]:
        """The warnings the view shows now, oldest first."""
        return [text for text, until in self._warnings if self._steps_entered < until]

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
            self.preparing,
            self.waiting,
            self.paused,
            self.muted,
            self._extra,
            self._warned,
            self._steps_entered,
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
                self.title = one_line(routine.title)
                caution = routine.caution
                self.caution = None if caution is None else clean(caution, layout=True)
                self.equipment = tuple(one_line(item) for item in routine.equipment)
                if self.routine_left is None:
                    self.routine_left = event.timeline.total
        elif kind is EventKind.PREPARING:
            self.preparing = (event.number or 0, event.of or 0)
        elif kind is EventKind.LEAD_IN:
            self.lead_in = event.number
        elif kind in (EventKind.STEP, EventKind.SWITCH):
            self._enter(event)
        elif kind is EventKind.COUNT:
            self._count = event.number
            self.counter = f"{event.number} / {event.of}"
            self.big_counter = self.counter
        elif kind is EventKind.BREATH:
            self.counter = f"breath {event.number} of {event.of} · {event.phase}"
            phase = "in" if event.phase == "inhale" else "out"
            self.big_counter = f"{phase} {event.number}"
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
                self.big_counter = self.counter
        elif kind is EventKind.MUTE:
            self.muted = True
        elif kind is EventKind.UNMUTE:
            self.muted = False
        elif kind in (EventKind.FINISH, EventKind.STOP):
            self.outcome = event.outcome

    def _enter(self, event: Event) -> None:
        self._steps_entered += 1
        self._warnings = [w for w in self._warnings if self._steps_entered < w[1]]
        self.segment = event.segment
        self.where = event.where
        self.next_text = event.next_text
        self.lead_in = None
        self._extra = 0.0
        self._count = None
        self.counter = None
        self.big_counter = None
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
        """The whole view for the current state, as one rich renderable (laid out for the size
        of the console it is drawn on)."""
        return Frame(self)

    def _wrap(self, key: object, text: str, style: str, width: int) -> list[Text]:
        text = clean(text, layout=True)  # routine text never drives the terminal
        found = self._wrapped.get((key, text, style, width))
        if found is None:
            from rich.text import Text

            wrapped = Text(text, style=style).wrap(self.console, max(1, width), justify="left")
            found = []
            for line in wrapped:
                # Wrapped flush left; the frame centres each line itself.
                line.rstrip()
                line.justify = "center"
                found.append(line)
            if len(self._wrapped) > 64:
                self._wrapped.clear()
            self._wrapped[key, text, style, width] = found
        return found

    def _one_line(self, lines: list[Text], width: int) -> Text | None:
        """``lines`` as a single line, cut with an ellipsis to ``width``."""
        if not lines:
            return None
        line = lines[0].copy()
        for more in lines[1:]:
            line.append(" ")
            line.append_text(more)
        line.justify = "center"
        if line.cell_len > width:
            line.truncate(max(1, width - 1))
            line.append("…")
        return line

    def _optional(self, name: str, rank: int, text: str, style: str, width: int) -> Part:
        lines = self._wrap(name, text, style, width)
        return Part(name, lines, give_way=rank, short=self._one_line(lines, width))

    def layout(self, columns: int, lines: int) -> Layout:
        """The frame's parts for a terminal of ``columns`` x ``lines``, after giving way."""
        from rich.text import Text

        width = max(1, columns - 2 * margin_for(columns))
        segment = self.segment
        top: list[Part] = []
        middle: list[Part] = []
        lower: list[Part] = []
        counter: str | None
        counter_style = "bold"
        # Give-way ranks: the note first, then "Next", then the caution, then where, then
        # the warnings (shortened last of all, but never the cue or the time left).
        if segment is None:
            top.append(
                Part("cue", self._wrap("title", self.title or "Getting ready", "bold", width))
            )
            if self.equipment:
                top.append(
                    self._optional(
                        "equipment", 4, "You need: " + ", ".join(self.equipment), "", width
                    )
                )
            if self.lead_in is not None:
                middle.append(Part("detail", [Text("Starting in", style="bold", justify="center")]))
                counter = str(self.lead_in)
            else:
                counter = None
                if self.preparing is not None:
                    text = preparing(*self.preparing)
                    middle.append(Part("preparing", self._wrap("preparing", text, "bold", width)))
            middle.append(Part("counter", []))
            if self.caution:
                lower.append(self._caution(width, rank=3))
        else:
            top.append(Part("cue", self._wrap(segment, segment.text, "bold", width)))
            if segment.note:
                top.append(self._optional("note", 1, segment.note, "italic", width))
            counter_style = _KIND_COLOUR.get(segment.kind, "bold")
            if self.waiting:
                # A ready step: what to do, instead of digits.
                text = "Press Enter when you are ready"
                middle.append(Part("waiting", self._wrap("waiting", text, "bold", width)))
            counter = self._counter_text()
            middle.append(Part("counter", []))
            detail = self._detail(segment)
            if detail:
                middle.append(self._optional("detail", 4, detail, "", width))
            lower.append(self._optional("next", 2, self._next_text(), "dim", width))
            # Without a lead-in the caution would never be seen: keep it for the first step;
            # an included routine's caution shows while its part's first step plays.
            shown = segment.caution
            if self.caution and self._steps_entered == 1:
                shown = self.caution if shown is None else f"{self.caution} {shown}"
            if shown:
                lower.append(self._caution(width, rank=3, text=shown))
        for n, warning in enumerate(self.warnings):
            lower.append(self._optional(f"warning {n}", 5, warning, "bold yellow", width))
        badges = self._badges()
        middle.append(Part("badges", [badges] if badges.cell_len else []))
        bottom = [Part("time left", [self._bar(width)])]
        if self.keys:
            help_lines = self._help(width)
            bottom.append(Part("keys", help_lines))
        return lay_out([top, middle, lower, bottom], counter, counter_style, columns, lines)

    def _caution(self, width: int, *, rank: int, text: str | None = None) -> Part:
        if text is None:
            text = self.caution or ""
        lines = self._wrap("caution", "Caution  " + text, "", width)
        # The label is a badge (reverse video) so it reads as a label under NO_COLOR too.
        marked: list[Text] = []
        for n, line in enumerate(lines):
            if n == 0 and line.plain.startswith("Caution"):
                line = line.copy()
                line.stylize("bold reverse yellow", 0, len("Caution"))
            marked.append(line)
        return Part("caution", marked, give_way=rank, short=self._one_line(marked, width))

    def _counter_text(self) -> str | None:
        segment = self.segment
        if segment is None or self.waiting:
            return None
        if self.big_counter is not None and segment.kind in (
            SegmentKind.COUNT,
            SegmentKind.BREATHE,
        ):
            return self.big_counter
        left = segment.duration if self.step_left is None else self.step_left
        return countdown(left)

    def _detail(self, segment: Segment) -> str:
        """The small line under the digits: what kind of step, the breath in words, where."""
        parts = [_KIND_LABEL.get(segment.kind, segment.kind.value.title())]
        if self.counter is not None and segment.kind is SegmentKind.BREATHE:
            parts.append(self.counter)
        if self.where:
            parts.append(self.where)
        return " · ".join(parts)

    def _badges(self) -> Text:
        """PAUSED, MUTED and VOICE as reverse-video labels, so they read without colour."""
        from rich.text import Text

        line = Text(justify="center")
        badges = []
        if self.paused:
            badges.append(("PAUSED", "bold reverse yellow"))
        if self.muted:
            badges.append(("MUTED", "bold reverse"))
        if self.voice:
            badges.append(("VOICE", "bold reverse"))
        for n, (label, style) in enumerate(badges):
            if n:
                line.append("  ")
            line.append(f" {label} ", style=style)
        return line

    def _help(self, width: int) -> list[Text]:
        """The key help, wrapped between items (never inside one) to the width."""
        from rich.text import Text

        key = ("help", self.paused, self.muted, width)
        found = self._wrapped.get(key)
        if found is not None:
            return found
        rows: list[str] = []
        for item in key_help(paused=self.paused, muted=self.muted):
            if rows and len(rows[-1]) + 3 + len(item) <= width:
                rows[-1] += " · " + item
            else:
                rows.append(item)
        found = [Text(row[:width], style="dim", justify="center") for row in rows]
        self._wrapped[key] = found
        return found

    def _next_text(self) -> str:
        if self.segment is None:
            return ""
        if self.next_text is None:
            return "Next: finish"
        return f"Next: {self.next_text}"

    def _bar(self, width: int) -> Text:
        """A progress bar filling the line, then the time left. The done and to-do parts
        differ in shape, not only in colour, so the bar still reads under NO_COLOR."""
        from rich.text import Text

        timeline = self.timeline
        total = timeline.total if timeline is not None else 0.0
        left = total if self.routine_left is None else self.routine_left
        # Time ``+`` added is not progress: the bar stays at the step's end while it plays.
        done = max(0.0, total + self._extra - left)
        if self.segment is not None:
            done = min(done, self.segment.end)
        percent = 0 if total <= 0 else min(100, int(100 * done / total))
        label = f"{percent:3d}% · {countdown(left)} left"
        if len(label) > width:
            label = f"{countdown(left)} left"
        line = Text()
        room = width - len(label) - 1
        if room >= 4:
            fraction = 0.0 if total <= 0 else min(1.0, max(0.0, done / total))
            filled = int(fraction * room + 1e-9)
            line.append("━" * filled, style="bold green")
            line.append("─" * (room - filled) + " ", style="dim")
        line.append(label[:width])
        return line
