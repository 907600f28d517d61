"""A plan's sessions as iCalendar (RFC 5545) events, for a phone's calendar.

One event per session: on its day, the day's first session at the plan's ``start_time`` and
the others following it, each as long as the session (that week's progression included),
named after its routine. Times are floating local times (no time zone): a calendar shows
them at the same hour wherever the phone is. ``icalendar`` is imported only here.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from calfkit.plan.model import Plan
from calfkit.plan.progress import describe
from calfkit.plan.schedule import days

PRODID = "-//calfkit//practice plan//EN"


def ics_bytes(plan: Plan, begins: date, now: datetime | None = None) -> tuple[bytes, int]:
    """The plan, started on ``begins``, as an .ics file's bytes, and how many events."""
    from icalendar import Calendar, Event

    from calfkit.plan import routine_for
    from calfkit.timeline import compile_routine

    stamp = now if now is not None else datetime.now(timezone.utc)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", plan.title)
    count = 0
    lengths: dict[tuple[int, int], float] = {}  # (session, week) -> seconds
    for day in days(plan, begins):
        at = datetime.combine(day.on, plan.start_time)
        for number, session in enumerate(day.sessions):
            key = (plan.sessions.index(session), day.week)
            routine = routine_for(plan, session, day.week)
            if key not in lengths:
                lengths[key] = compile_routine(routine).total
            seconds = lengths[key]
            event = Event()
            event.add("uid", f"{plan.name}-{day.on.isoformat()}-{number + 1}@calfkit")
            event.add("dtstamp", stamp)
            event.add("dtstart", at)
            event.add("duration", timedelta(seconds=round(seconds)))
            event.add("summary", f"{routine.title} ({routine.name})")
            grown = describe(session, day.week)
            lines = [f"{plan.title}, week {day.week} of {plan.weeks}."]
            if grown:
                lines.append(f"This week: {grown}.")
            lines.append("Play it with: calfkit play today")
            event.add("description", "\n".join(lines))
            calendar.add_component(event)
            count += 1
            at += timedelta(seconds=round(seconds))
    return calendar.to_ical(), count
