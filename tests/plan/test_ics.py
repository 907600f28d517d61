"""calfkit.plan.ics: the plan as iCalendar events, read back by icalendar and by `ics`."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import icalendar
import ics
import pytest

from calfkit import plan as plans
from calfkit.plan.ics import ics_bytes
from calfkit.timeline import compile_routine

START = date(2026, 12, 7)  # a Monday
NOW = datetime(2026, 12, 6, 9, 0, tzinfo=timezone.utc)


def test_every_session_is_an_event_as_long_as_it_named_after_its_routine() -> None:
    plan = plans.load("four-calm-weeks")
    data, count = ics_bytes(plan, START, NOW)
    # Mon/Wed/Fri two routines, Tue/Thu/Sat one, Sunday rest: 9 a week for 4 weeks
    assert count == 36

    calendar = icalendar.Calendar.from_ical(data)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 36
    first, second = events[0], events[1]
    release = compile_routine(plans.routine_for(plan, plan.sessions[0], 1)).total
    assert first.decoded("dtstart") == datetime(2026, 12, 7, 7, 30)
    assert first.decoded("duration") == timedelta(seconds=round(release))
    assert "calf-release" in str(first["summary"])
    # the walk follows the release on the same morning
    assert second.decoded("dtstart") == datetime(2026, 12, 7, 7, 30) + timedelta(
        seconds=round(release)
    )
    assert len({str(event["uid"]) for event in events}) == 36
    # no event on a Sunday, the plan's rest day
    assert all(event.decoded("dtstart").weekday() != 6 for event in events)


# ics 0.7 calls re.split with maxsplit by position, which Python 3.13 deprecates: its
# warning, not ours.
@pytest.mark.filterwarnings("ignore:'maxsplit' is passed as positional argument:DeprecationWarning")
def test_a_second_reader_sees_the_same_events_with_the_weeks_longer_sessions() -> None:
    plan = plans.load("four-calm-weeks")
    data, _ = ics_bytes(plan, START, NOW)
    calendar = ics.Calendar(data.decode("utf-8"))
    massage = sorted(
        (event for event in calendar.events if "calf-self-massage" in event.name),
        key=lambda event: event.begin,
    )
    assert len(massage) == 12
    week1 = compile_routine(plans.routine_for(plan, plan.sessions[2], 1)).total
    week4 = compile_routine(plans.routine_for(plan, plan.sessions[2], 4)).total
    assert week4 > week1
    assert massage[0].duration == timedelta(seconds=round(week1))
    assert massage[-1].duration == timedelta(seconds=round(week4))
    assert "week 4 of 4" in massage[-1].description
    assert "holds +15s" in massage[-1].description
