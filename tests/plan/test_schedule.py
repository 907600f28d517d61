"""calfkit.plan.schedule: a plan laid on the calendar from its start, and the injected date."""

from __future__ import annotations

from datetime import date

import pytest

from calfkit import plan as plans
from calfkit.plan.model import spread
from calfkit.plan.schedule import TODAY_ENV, day, days, last_day, next_practice, today


def test_weeks_count_from_the_start_day_and_weekdays_are_the_calendars() -> None:
    plan = plans.load("four-calm-weeks")
    start = date(2026, 12, 10)  # a Thursday
    assert day(plan, start, date(2026, 12, 9)) is None
    thursday = day(plan, start, start)
    assert thursday is not None and thursday.week == 1
    assert [s.routine for s in thursday.sessions] == ["calf-self-massage"]
    sunday = day(plan, start, date(2026, 12, 13))
    assert sunday is not None and sunday.rest and sunday.sessions == ()
    assert day(plan, start, date(2026, 12, 17)).week == 2  # type: ignore[union-attr]
    assert last_day(plan, start) == date(2027, 1, 6)
    assert day(plan, start, date(2027, 1, 7)) is None
    assert len(list(days(plan, start))) == 28
    coming = next_practice(plan, start, date(2026, 12, 13))
    assert coming is not None and coming.on == date(2026, 12, 14)


def test_times_a_week_are_spread_evenly() -> None:
    assert spread(3, (0, 1, 2, 3, 4, 5)) == (0, 2, 4)
    assert spread(2, (0, 1, 2, 3, 4, 5, 6)) == (0, 3)
    assert spread(7, tuple(range(7))) == tuple(range(7))


def test_today_comes_from_calfkit_today_when_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TODAY_ENV, "2026-12-06")
    assert today() == date(2026, 12, 6)
    monkeypatch.setenv(TODAY_ENV, "6/12/2026")
    with pytest.raises(ValueError, match="is not a date"):
        today()
