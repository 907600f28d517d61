"""What the live view's frame shows for a state: the parts, their words and styles.

:class:`Painter` turns a :class:`~calfkit.sinks.live.state.ViewState` into the groups of
parts that :func:`~calfkit.sinks.live.layout.lay_out` fits into the terminal: the phase band
(a reverse-video row the width of the screen, coloured by the kind of step, saying it and the
side in words); the cue, in bold; while paused a PAUSED band, with the digits dim; the
countdown (or the count, or the breath) in block digits; the note, "Next", the caution and the
warnings, each with its rank for giving way; the badges, the progress bar with the time left,
and the key help. Colour only ever repeats what the words and shapes already say (NO_COLOR
drops it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from calfkit.model import unreachable
from calfkit.sinks.live.layout import Layout, Part, lay_out, margin_for
from calfkit.sinks.live.state import kind_label
from calfkit.terminal.keys import help_items, help_line
from calfkit.text import clean
from calfkit.timeline import SegmentKind
from calfkit.words import PRESS_ENTER, countdown, preparing

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from calfkit.sinks.live.state import ViewState

# The key help, built from the one key map (calfkit.terminal.keys); ``key_help`` fills in
# what space and m do right now.
KEY_HELP = help_line()
KEY_HELP_MUTED = help_line(muted=True)


def key_help(*, paused: bool = False, muted: bool = False) -> list[str]:
    """The key help as items (joined with `` · `` and wrapped between items by the view)."""
    return help_items(paused=paused, muted=muted)


def kind_colour(kind: SegmentKind) -> str:
    """The digits' style for a step of ``kind``."""
    match kind:
        case SegmentKind.PREPARE:
            return "bold blue"
        case (
            SegmentKind.DO
            | SegmentKind.HOLD
            | SegmentKind.COUNT
            | SegmentKind.REPS
            | SegmentKind.BREATHE
        ):
            return "bold cyan"
        case SegmentKind.REST:
            return "bold green"
        case SegmentKind.SWITCH:
            return "bold magenta"
        case _:
            unreachable(kind)


# Rows of the PAUSED band where the terminal has them (a one-row band below that).
PAUSED_ROWS = 3
PAUSED_ROWS_FROM = 20  # terminal rows


def phase(state: ViewState) -> tuple[str, str]:
    """The phase band's words and colour: what kind of step (or "READY" while a step waits
    for Enter) and the side, e.g. ("HOLD · RIGHT SIDE", "cyan")."""
    segment = state.segment
    if segment is None:
        return ("STARTING" if state.lead_in is not None else "GET READY"), "blue"
    if state.waiting:
        label, colour = "READY", "yellow"
    else:
        label = kind_label(segment.kind).upper()
        colour = kind_colour(segment.kind).removeprefix("bold ")
    if segment.side is not None:
        label += f" · {segment.side.value.upper()} SIDE"
    return label, colour


def band(label: str, style: str, width: int, rows: int = 1) -> list[Text]:
    """``label`` centred in a reverse-video band ``width`` wide and ``rows`` tall (the label on
    its middle row): a block of colour that says the phase from across the room, and still a
    band of reverse video with words in it under NO_COLOR."""
    from rich.text import Text

    label = label if len(label) <= width else label[: max(1, width - 1)] + "…"
    blank = Text(" " * width, style=style, justify="center")
    lines = [blank] * rows
    lines[rows // 2] = Text(label.center(width), style=style, justify="center")
    return lines


class Painter:
    """Makes the frame's parts for a state, at a width. Wrapped text is kept per (what,
    width): wrapping again on every redraw would be most of the view's CPU time, and the cue
    stays the same for a whole step."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self._wrapped: dict[tuple[object, ...], list[Text]] = {}

    def layout(
        self, state: ViewState, columns: int, lines: int, *, keys: bool, voice: bool
    ) -> Layout:
        """The frame's parts for a terminal of ``columns`` x ``lines``, after giving way.

        ``keys`` shows the key help; ``voice`` the VOICE badge.
        """
        width = max(1, columns - 2 * margin_for(columns))
        if state.ending is not None and state.outcome is not None:
            return self._end(state, width, columns, lines)
        if state.help:
            return self._keys(state, width, columns, lines)
        top: list[Part] = []
        middle: list[Part] = []
        lower: list[Part] = []
        counter: str | None
        counter_style = "bold"
        # Give-way ranks: the note first, then "Next", then the caution, then where, then
        # the warnings (shortened last of all, but never the cue or the time left).
        label, colour = phase(state)
        top.append(Part("phase", self._band(label, f"bold reverse {colour}", width), give_way=6))
        if state.segment is None:
            counter = self._before_first_step(state, width, top, middle, lower)
        else:
            counter = state.counter_text()
            counter_style = kind_colour(state.segment.kind)
            self._step(state, width, top, middle, lower)
        if state.paused:
            # Unmistakable from the floor: a wide PAUSED band, and the digits go dim.
            rows = PAUSED_ROWS if lines >= PAUSED_ROWS_FROM else 1
            paused = self._band("PAUSED · space resumes", "bold reverse yellow", width, rows)
            middle.insert(0, Part("paused", paused))
            counter_style = "dim"
        for n, warning in enumerate(state.warnings):
            lower.append(self._optional(f"warning {n}", 5, warning, "bold yellow", width))
        badges = self._badges(state, voice=voice)
        middle.append(Part("badges", [badges] if badges.cell_len else []))
        bottom = [Part("time left", [self._bar(state, width)])]
        if keys:
            bottom.append(Part("keys", self._help(state, width)))
        return lay_out([top, middle, lower, bottom], counter, counter_style, columns, lines)

    def _before_first_step(
        self,
        state: ViewState,
        width: int,
        top: list[Part],
        middle: list[Part],
        lower: list[Part],
    ) -> str | None:
        """The title, equipment, lead-in and caution; returns what the digits say."""
        from rich.text import Text

        top.append(Part("cue", self._wrap("title", state.title or "Getting ready", "bold", width)))
        if state.equipment:
            need = "You need: " + ", ".join(state.equipment)
            top.append(self._optional("equipment", 4, need, "", width))
        counter = None
        if state.lead_in is not None:
            middle.append(Part("detail", [Text("Starting in", style="bold", justify="center")]))
            counter = str(state.lead_in)
        elif state.preparing is not None:
            text = preparing(*state.preparing)
            middle.append(Part("preparing", self._wrap("preparing", text, "bold", width)))
        middle.append(Part("counter", []))
        if state.caution:
            lower.append(self._caution(state.caution, width, rank=3))
        return counter

    def _step(
        self,
        state: ViewState,
        width: int,
        top: list[Part],
        middle: list[Part],
        lower: list[Part],
    ) -> None:
        """The step in progress: cue, note, waiting or digits, detail, "Next", caution."""
        segment = state.segment
        assert segment is not None
        top.append(Part("cue", self._wrap(segment, segment.text, "bold", width)))
        if segment.note:
            top.append(self._optional("note", 1, segment.note, "italic", width))
        if state.waiting:
            # A ready step: what to do, instead of digits.
            text = PRESS_ENTER
            middle.append(Part("waiting", self._wrap("waiting", text, "bold", width)))
        middle.append(Part("counter", []))
        detail = state.detail()
        if detail:
            middle.append(self._optional("detail", 4, detail, "", width))
        lower.append(self._optional("next", 2, state.next_line(), "dim", width))
        caution = state.step_caution()
        if caution:
            lower.append(self._caution(caution, width, rank=3))

    def _end(self, state: ViewState, width: int, columns: int, lines: int) -> Layout:
        """The end screen: how it ended (as history records it), the time played in block
        digits, the figures, what history says now, and how to close it."""
        from rich.text import Text

        from calfkit.words import clock

        summary = state.summary()
        assert summary is not None and state.ending is not None
        if summary.finished:
            label, style = "FINISHED", "bold reverse green"
            if summary.skipped:
                label += f" · {summary.skipped} SKIPPED"
        else:
            label, style = "STOPPED", "bold reverse yellow"
        head, figures = summary.lines()
        top = [
            Part("phase", band(label, style, width), give_way=6),
            Part("cue", self._wrap("end", head, "bold", width)),
        ]
        middle = [
            Part("counter", []),
            Part("detail", [Text("time played", justify="center")]),
        ]
        lower = [self._optional("figures", 4, figures, "", width)]
        for n, line in enumerate(state.ending):
            lower.append(self._optional(f"history {n}", 5, line, "bold", width))
        close = "Press any key to close"
        bottom = [Part("keys", self._wrap("close", close, "dim", width))]
        counter = clock(summary.played)
        return lay_out([top, middle, lower, bottom], counter, "bold green", columns, lines)

    def _keys(self, state: ViewState, width: int, columns: int, lines: int) -> Layout:
        """The keys' help, over the step: every key and what it does, in full. The time runs
        on under it (the bar at the bottom says so)."""
        import textwrap

        from rich.text import Text

        from calfkit.terminal.keys import KEY_TABLE

        key_width = max(len(key) for key, _ in KEY_TABLE) + 2
        rows: list[str] = []
        for key, does in KEY_TABLE:
            wrapped = textwrap.wrap(does, max(8, width - key_width)) or [""]
            rows.append(key.ljust(key_width) + wrapped[0])
            rows.extend(" " * key_width + more for more in wrapped[1:])
        longest = min(width, max(len(row) for row in rows))
        table = [Text(row.ljust(longest)[:width], justify="center") for row in rows]
        top = [
            Part("phase", band("KEYS", "bold reverse", width)),
            Part("detail", self._wrap("closes", "Any key closes this", "dim", width)),
        ]
        middle = [Part("cue", table), Part("counter", [])]
        bottom = [Part("time left", [self._bar(state, width)])]
        return lay_out([top, middle, bottom], None, "bold", columns, lines)

    # -- pieces -----------------------------------------------------------------------------

    def _band(self, label: str, style: str, width: int, rows: int = 1) -> list[Text]:
        key = ("band", label, style, width, rows)
        found = self._wrapped.get(key)
        if found is None:
            found = self._wrapped[key] = band(label, style, width, rows)
        return found

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

    def _caution(self, text: str, width: int, *, rank: int) -> Part:
        lines = self._wrap("caution", "Caution  " + text, "", width)
        # The label is a badge (reverse video) so it reads as a label under NO_COLOR too.
        marked: list[Text] = []
        for n, line in enumerate(lines):
            if n == 0 and line.plain.startswith("Caution"):
                line = line.copy()
                line.stylize("bold reverse yellow", 0, len("Caution"))
            marked.append(line)
        return Part("caution", marked, give_way=rank, short=self._one_line(marked, width))

    def _badges(self, state: ViewState, *, voice: bool) -> Text:
        """MUTED and VOICE as reverse-video labels, so they read without colour (PAUSED is a
        band of its own)."""
        from rich.text import Text

        line = Text(justify="center")
        badges = []
        if state.muted:
            badges.append(("MUTED", "bold reverse"))
        if voice:
            badges.append(("VOICE", "bold reverse"))
        for n, (label, style) in enumerate(badges):
            if n:
                line.append("  ")
            line.append(f" {label} ", style=style)
        return line

    def _help(self, state: ViewState, width: int) -> list[Text]:
        """The key help, wrapped between items (never inside one) to the width."""
        from rich.text import Text

        key = ("help", state.paused, state.muted, width)
        found = self._wrapped.get(key)
        if found is not None:
            return found
        rows: list[str] = []
        for item in key_help(paused=state.paused, muted=state.muted):
            if rows and len(rows[-1]) + 3 + len(item) <= width:
                rows[-1] += " · " + item
            else:
                rows.append(item)
        found = [Text(row[:width], style="dim", justify="center") for row in rows]
        self._wrapped[key] = found
        return found

    def _bar(self, state: ViewState, width: int) -> Text:
        """A progress bar filling the line, then the time left. The done and to-do parts
        differ in shape, not only in colour, so the bar still reads under NO_COLOR."""
        from rich.text import Text

        total, done, left = state.progress()
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
