"""Fitting the view's parts into the terminal's rows, and drawing them.

A frame is groups of :class:`Part` (what :mod:`calfkit.sinks.live.compose` makes of the
view's state). When rows run short the parts give way by priority (:func:`lay_out`): the cue,
the countdown, the time left and the key help always show; the note, "Next" and the caution
are ellipsised to one line and then dropped first; only then do the digits shrink.
:class:`Frame` lays them out afresh at the console's size on every render.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from calfkit.sinks import digits

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult
    from rich.text import Text

# The largest digits are a third of the terminal's rows, so the cue and the rest keep room.
_DIGITS_SHARE = 3


def margin_for(columns: int) -> int:
    """Columns left blank on each side: one on a small terminal, more on a wide one."""
    return 1 if columns < 60 else columns // 16


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
    if " " in text and best < 2:
        # Words run together ("7of10") only where keeping the spaces would make them tiny.
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
    """The view's picture at the console's size: laid out afresh on each render (``layout``
    gives the parts for a number of columns and rows), because the terminal's size can
    change between any two frames."""

    def __init__(self, layout: Callable[[int, int], Layout]) -> None:
        self.layout = layout

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.segment import Segment as Cell

        columns = options.max_width
        lines = options.height or console.height
        layout = self.layout(columns, lines)
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
                    if line.spans or not line.style:
                        yield from line.render(console)
                    else:
                        # rich renders a Text without spans with no style at all, its own
                        # style left out: the bold cue came out plain.
                        yield Cell(line.plain, console.get_style(line.style))
                    yield new_line
                    emitted += 1
