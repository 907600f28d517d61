"""calfkit.cli.calendar_view: the days shown, their shades, and months laid side by side."""

from __future__ import annotations

from datetime import date

from calfkit.cli.calendar_view import MONTH_WIDTH, days, first_shown, glyph, render
from calfkit.history.queries import DayTotals


def test_the_first_day_shown_is_the_start_of_the_month_n_minus_1_before() -> None:
    assert first_shown(date(2026, 12, 9), 3) == date(2026, 10, 1)
    assert first_shown(date(2026, 2, 28), 3) == date(2025, 12, 1)
    assert first_shown(date(2026, 2, 28), 1) == date(2026, 2, 1)


def test_shades_follow_the_minutes_and_a_rest_day_without_practice_shows_as_rest() -> None:
    assert glyph(0.0, 0, False) == "·"
    assert glyph(0.0, 0, True) == "~"
    assert glyph(9 * 60.0, 1, False) == "░"
    assert glyph(10 * 60.0, 1, True) == "▒"
    assert glyph(29 * 60.0, 2, False) == "▓"
    assert glyph(30 * 60.0, 1, False) == "█"
    assert glyph(0.0, 1, False) == "·"  # a session that played nothing


def test_days_run_to_today_and_carry_the_totals() -> None:
    today = date(2026, 12, 3)
    totals = {date(2026, 12, 2): DayTotals(date(2026, 12, 2), 600.0, 1, 1)}
    shown = days(date(2026, 12, 1), today, totals, lambda day: day.day == 1)
    assert [(d.day.day, d.glyph, d.rest) for d in shown] == [
        (1, "~", True),
        (2, "▒", False),
        (3, "·", False),
    ]
    assert shown[1].to_json() == {
        "date": "2026-12-02",
        "played_seconds": 600.0,
        "sessions": 1,
        "finished": 1,
        "rest_day": False,
        "shade": "▒",
    }


def test_months_go_side_by_side_as_the_width_allows() -> None:
    today = date(2026, 12, 9)
    shown = days(first_shown(today, 3), today, {}, None)
    narrow = [line.plain for line in render(shown, today, 40)]
    wide = [line.plain for line in render(shown, today, 120)]
    assert sum("2026" in line for line in narrow) == 3  # one month a row
    assert any("October 2026" in line and "December 2026" in line for line in wide)
    assert max(len(line) for line in narrow) <= max(MONTH_WIDTH, 40)  # the legend wraps at 40
    assert any("[ 9·]" in line for line in narrow)
