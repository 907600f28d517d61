"""``calfkit history --calendar``: the last months as a grid, a cell a day, shaded by the
minutes practised, today in brackets and the followed plan's rest days marked. Everything it
says is in its characters, so it reads the same with ``NO_COLOR``; colour only adds to it."""

from __future__ import annotations

import calendar as month_names
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.text import Text

    from calfkit.history.queries import DayTotals

CELL = 5  # "[dd░]": today's brackets, the day, its shade
MONTH_WIDTH = 7 * CELL
GAP = 3
# (minutes from, glyph, colour); the first whose minutes a day reaches
LEVELS = (
    (30.0, "█", "green1"),
    (20.0, "▓", "green3"),
    (10.0, "▒", "green4"),
    (0.0, "░", "dark_green"),
)
NONE = "·"
REST = "~"
LEGEND = "· none  ░ under 10 min  ▒ 10-19  ▓ 20-29  █ 30+  ~ rest day  [ ] today"
WEEKDAY_HEADER = "".join(f" {name:<4}" for name in ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"))


@dataclass(frozen=True)
class CalendarDay:
    """What the calendar shows for a day, and what ``history --calendar --json`` prints."""

    day: date
    played_seconds: float
    sessions: int
    finished: int
    rest: bool
    glyph: str

    def to_json(self) -> dict[str, object]:
        return {
            "date": self.day.isoformat(),
            "played_seconds": self.played_seconds,
            "sessions": self.sessions,
            "finished": self.finished,
            "rest_day": self.rest,
            "shade": self.glyph,
        }


def first_shown(today: date, months: int) -> date:
    """The first day of the month ``months - 1`` months before today's."""
    year, month = today.year, today.month - (months - 1)
    while month < 1:
        year, month = year - 1, month + 12
    return date(year, month, 1)


def glyph(seconds: float, sessions: int, rest: bool) -> str:
    if sessions and seconds > 0:
        minutes = seconds / 60.0
        return next(mark for low, mark, _ in LEVELS if minutes >= low)
    return REST if rest else NONE


def days(
    first: date,
    today: date,
    totals: dict[date, DayTotals],
    rest: Callable[[date], bool] | None,
) -> list[CalendarDay]:
    """Every day from ``first`` to ``today``, with what was practised and the plan's rest."""
    shown: list[CalendarDay] = []
    day = first
    while day <= today:
        found = totals.get(day)
        seconds = found.played_seconds if found is not None else 0.0
        sessions = found.sessions if found is not None else 0
        is_rest = rest is not None and rest(day)
        shown.append(
            CalendarDay(
                day=day,
                played_seconds=seconds,
                sessions=sessions,
                finished=found.finished if found is not None else 0,
                rest=is_rest,
                glyph=glyph(seconds, sessions, is_rest),
            )
        )
        day += timedelta(days=1)
    return shown


def _month_lines(
    year: int,
    month: int,
    today: date,
    by_day: dict[date, CalendarDay],
    rest: Callable[[date], bool] | None,
) -> list[Text]:
    from rich.text import Text

    colours = {mark: colour for _, mark, colour in LEVELS}
    colours[REST] = "blue"
    colours[NONE] = "grey50"
    title = f"{month_names.month_name[month]} {year}"
    lines = [Text(title.center(MONTH_WIDTH), style="bold"), Text(WEEKDAY_HEADER, style="dim")]
    for week in month_names.Calendar(firstweekday=0).monthdatescalendar(year, month):
        line = Text()
        for day in week:
            if day.month != month:
                line.append(" " * CELL)
                continue
            shown = by_day.get(day)
            if shown is not None:
                mark = shown.glyph
            else:  # a day still to come: no shade, but the plan's rest days are known ahead
                mark = REST if rest is not None and rest(day) else " "
            is_today = day == today
            line.append("[" if is_today else " ", style="bold" if is_today else "")
            line.append(f"{day.day:>2}", style="bold underline" if is_today else "")
            line.append(mark, style=colours.get(mark, ""))
            line.append("]" if is_today else " ", style="bold" if is_today else "")
        lines.append(line)
    while len(lines) < 8:  # six weeks' rows in every month, so months side by side align
        lines.append(Text(" " * MONTH_WIDTH))
    return lines


def render(
    shown: list[CalendarDay],
    today: date,
    width: int,
    rest: Callable[[date], bool] | None = None,
) -> list[Text]:
    """The calendar's lines: as many months side by side as ``width`` holds, then a legend."""
    from rich.text import Text

    by_day = {day.day: day for day in shown}
    months: list[tuple[int, int]] = []
    for day in shown:
        if (day.day.year, day.day.month) not in months:
            months.append((day.day.year, day.day.month))
    across = max(1, (width + GAP) // (MONTH_WIDTH + GAP))
    lines: list[Text] = []
    for row in range(0, len(months), across):
        blocks = [
            _month_lines(year, month, today, by_day, rest)
            for year, month in months[row : row + across]
        ]
        for parts in zip(*blocks, strict=True):
            line = Text()
            for number, part in enumerate(parts):
                if number:
                    line.append(" " * GAP)
                line.append_text(part)
            line.rstrip()
            lines.append(line)
        while lines and not lines[-1].plain:
            lines.pop()
        lines.append(Text())
    # The legend, wrapped between its items to the width.
    legend = ""
    for item in LEGEND.split("  "):
        if legend and len(legend) + 2 + len(item) > width:
            lines.append(Text(legend, style="dim"))
            legend = ""
        legend = f"{legend}  {item}" if legend else item
    lines.append(Text(legend, style="dim"))
    return lines
