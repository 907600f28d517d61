"""The questions people ask of the practice log: recent sessions, weeks and streaks on
injected dates and zones, the summary line, when each routine was last done."""

from __future__ import annotations

import re
import sqlite3
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from calfkit.history import (
    Ending,
    History,
    HistoryError,
    last_done,
)
from calfkit.player.events import EventKind
from calfkit.sinks.history import HistorySink
from tests.history.sessions import (
    Warnings,
    ev,
    make_timeline,
    play_through,
    record,
    step_events,
)

UTC = timezone.utc


BERLIN = ZoneInfo("Europe/Berlin")


NEW_YORK = ZoneInfo("America/New_York")


def test_a_missing_log_is_an_empty_history_and_is_not_created(tmp_path: Path) -> None:
    path = tmp_path / "none.sqlite3"
    with History(path) as history:
        assert history.sessions() == []
        assert history.streak(date(2026, 1, 1)) == 0
        assert history.week_totals(datetime(2026, 1, 1, tzinfo=UTC)).sessions == 0
        assert history.last_done(["a"]) == {}
        assert history.summary_line(datetime(2026, 1, 1, tzinfo=UTC)) is None
    assert not path.exists()


def test_sessions_come_newest_first_limited_and_filtered(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    start = datetime(2026, 3, 1, 8, tzinfo=UTC)
    for day in range(5):
        record(path, start + timedelta(days=day), routine="a" if day % 2 else "b")
    with History(path) as history:
        assert [s.started_at.day for s in history.sessions(limit=3)] == [5, 4, 3]
        assert [s.started_at.day for s in history.sessions(routine="a")] == [4, 2]
        assert history.sessions(routine="zzz") == []
        assert len(history.sessions(limit=None)) == 5


def days_at(tz: ZoneInfo, *days: tuple[int, int, int], hour: int = 9) -> list[datetime]:
    return [datetime(y, m, d, hour, tzinfo=tz) for (y, m, d) in days]


def test_the_streak_counts_consecutive_days_with_a_finished_session(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    for moment in days_at(BERLIN, (2026, 5, 2), (2026, 5, 4), (2026, 5, 5), (2026, 5, 6)):
        record(path, moment)
    record(path, datetime(2026, 5, 6, 19, tzinfo=BERLIN))  # twice on one day counts once
    with History(path, tz=BERLIN) as history:
        assert history.streak(date(2026, 5, 6)) == 3
        # today not yet done: yesterday's streak still stands
        assert history.streak(date(2026, 5, 7)) == 3
        # a whole day missed: the streak is over
        assert history.streak(date(2026, 5, 8)) == 0
        # seen from an earlier day, later sessions do not count
        assert history.streak(date(2026, 5, 4)) == 1
        assert history.streak(date(2026, 5, 3)) == 1
        assert history.streak(date(2026, 5, 1)) == 0


def test_only_finished_sessions_keep_a_streak(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    record(path, datetime(2026, 5, 4, 9, tzinfo=BERLIN))
    record(path, datetime(2026, 5, 5, 9, tzinfo=BERLIN), ending=Ending.STOPPED)
    record(path, datetime(2026, 5, 6, 9, tzinfo=BERLIN), ending=Ending.INTERRUPTED)
    with History(path, tz=BERLIN) as history:
        assert history.streak(date(2026, 5, 4)) == 1
        assert history.streak(date(2026, 5, 6)) == 0


def test_streaks_follow_local_dates_across_a_dst_change_and_a_month_end(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    # Berlin's clocks go forward at 02:00 on Sunday 29 March 2026; sessions just after
    # local midnight fall on the previous UTC day, which must not matter.
    for moment in days_at(
        BERLIN, (2026, 3, 27), (2026, 3, 28), (2026, 3, 29), (2026, 3, 30), (2026, 3, 31),
        (2026, 4, 1), (2026, 4, 2), hour=0,
    ):  # fmt: skip
        record(path, moment + timedelta(minutes=30))
    with History(path, tz=BERLIN) as history:
        assert history.streak(date(2026, 4, 2)) == 7
        assert history.streak(date(2026, 4, 3)) == 7
    # The same rows read in UTC fall on other days: 26 March to 1 April.
    with History(path, tz=UTC) as history:
        assert history.streak(date(2026, 4, 1)) == 7
        assert history.streak(date(2026, 4, 2)) == 7  # 2 April not done yet in UTC


def test_a_late_evening_session_counts_for_its_local_day(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    record(path, datetime(2026, 11, 19, 22, 30, tzinfo=NEW_YORK))  # 03:30 UTC on the 20th
    record(path, datetime(2026, 11, 20, 23, 45, tzinfo=NEW_YORK))  # 04:45 UTC on the 21st
    with History(path, tz=NEW_YORK) as history:
        assert history.streak(date(2026, 11, 20)) == 2
        assert history.streak(date(2026, 11, 21)) == 2


def test_week_totals_cover_monday_to_sunday_in_local_time(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    # The week of Monday 26 October 2026, when Berlin leaves summer time (Sunday 25 Oct),
    # and which runs across the end of the month.
    record(path, datetime(2026, 10, 25, 23, 30, tzinfo=BERLIN), played=60)  # Sunday before
    record(path, datetime(2026, 10, 26, 0, 15, tzinfo=BERLIN), played=100)  # Monday, 23:15 UTC
    record(path, datetime(2026, 10, 29, 18, 0, tzinfo=BERLIN), played=200, ending=Ending.STOPPED)
    record(path, datetime(2026, 11, 1, 23, 59, tzinfo=BERLIN), played=300)  # Sunday
    record(path, datetime(2026, 11, 2, 0, 0, tzinfo=BERLIN), played=400)  # next Monday
    with History(path, tz=BERLIN) as history:
        for now in (
            datetime(2026, 10, 26, 0, 0, tzinfo=BERLIN),
            datetime(2026, 10, 31, 12, 0, tzinfo=BERLIN),
            datetime(2026, 11, 1, 23, 59, 59, tzinfo=BERLIN),
        ):
            week = history.week_totals(now)
            assert (week.start, week.sessions, week.finished, week.played_seconds) == (
                date(2026, 10, 26),
                3,
                2,
                100 + 100 + 300,  # the stopped session played half its 200 s
            )
        week = history.week_totals(datetime(2026, 11, 2, 1, 0, tzinfo=BERLIN))
        assert (week.start, week.sessions) == (date(2026, 11, 2), 1)
        week = history.week_totals(datetime(2026, 10, 25, 23, 59, tzinfo=BERLIN))
        assert (week.start, week.sessions) == (date(2026, 10, 19), 1)


def test_the_summary_line_says_how_this_session_compares(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    for moment in days_at(BERLIN, (2026, 11, 18), (2026, 11, 19), (2026, 11, 20)):
        record(path, moment)  # Wednesday to Friday
    record(path, datetime(2026, 11, 14, 9, tzinfo=BERLIN))  # the week before
    now = datetime(2026, 11, 21, 9, tzinfo=BERLIN)
    with History(path, tz=BERLIN) as history:
        assert history.summary_line(now) == "3rd session this week · 3-day streak"
    sink = HistorySink("bell", False, Warnings(), path=path, now=lambda: now, tz=BERLIN)
    assert sink.summary_line() is None  # nothing recorded by this sink yet
    play_through(sink, make_timeline())
    assert sink.summary_line() == "4th session this week · 4-day streak"


def test_sessions_played_at_once_each_say_their_own_place_in_the_week(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    record(path, datetime(2026, 11, 16, 9, tzinfo=BERLIN))  # Monday
    now = datetime(2026, 11, 18, 9, tzinfo=BERLIN)  # Wednesday: two terminals, one second
    first, second = (
        HistorySink("bell", False, Warnings(), path=path, now=lambda: now, tz=BERLIN)
        for _ in range(2)
    )
    timeline = make_timeline()
    first.handle(ev(EventKind.START, 0.0, timeline=timeline))
    second.handle(ev(EventKind.START, 0.0, timeline=timeline))
    for sink in (second, first):  # the later one ends first
        for event in step_events(timeline):
            sink.handle(event)
        sink.handle(ev(EventKind.FINISH, 120.0, step=4))
    assert first.summary_line() == "2nd session this week"
    assert second.summary_line() == "3rd session this week"


def test_a_session_ending_after_midnight_on_sunday_counts_in_the_week_it_began(
    tmp_path: Path,
) -> None:
    path = tmp_path / "h.sqlite3"
    record(path, datetime(2026, 11, 16, 9, tzinfo=BERLIN))  # Monday
    started = datetime(2026, 11, 22, 23, 50, tzinfo=BERLIN)  # Sunday night
    ended = datetime(2026, 11, 23, 0, 10, tzinfo=BERLIN)  # Monday of the next week
    clock = iter([started, ended])
    sink = HistorySink("bell", False, Warnings(), path=path, now=lambda: next(clock), tz=BERLIN)
    play_through(sink, make_timeline())
    assert sink.summary_line(now=ended) == "2nd session this week"


def test_the_summary_line_leaves_out_a_streak_of_one_day(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    now = datetime(2026, 11, 16, 9, tzinfo=BERLIN)
    sink = HistorySink("bell", False, Warnings(), path=path, now=lambda: now, tz=BERLIN)
    play_through(sink, make_timeline())
    assert sink.summary_line() == "1st session this week"


def test_last_done_gives_each_routines_latest_finished_session(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    record(path, datetime(2026, 5, 1, 9, tzinfo=UTC), routine="calf-release")
    record(path, datetime(2026, 5, 3, 9, tzinfo=UTC), routine="calf-release")
    record(path, datetime(2026, 5, 4, 9, tzinfo=UTC), routine="calf-release", ending=Ending.STOPPED)
    record(path, datetime(2026, 5, 2, 9, tzinfo=UTC), routine="foam-roll")
    record(path, datetime(2026, 5, 2, 9, tzinfo=UTC), routine="not-asked")
    assert last_done(["calf-release", "foam-roll", "never-done"], path=path) == {
        "calf-release": datetime(2026, 5, 3, 9, tzinfo=UTC),
        "foam-roll": datetime(2026, 5, 2, 9, tzinfo=UTC),
    }
    many = [f"r{i}" for i in range(1200)] + ["foam-roll"]
    assert last_done(many, path=path) == {"foam-roll": datetime(2026, 5, 2, 9, tzinfo=UTC)}


def test_previews_are_kept_but_count_for_no_total_streak_or_last_done(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    record(path, datetime(2026, 5, 5, 9, tzinfo=BERLIN))
    record(path, datetime(2026, 5, 6, 9, tzinfo=BERLIN), speed=20.0)
    record(path, datetime(2026, 5, 6, 10, tzinfo=BERLIN), routine="slow", speed=0.5)
    now = datetime(2026, 5, 6, 12, tzinfo=BERLIN)
    with History(path, tz=BERLIN) as history:
        preview = history.sessions(routine="calf-release")[0]
        assert preview.preview
        assert preview.outcome() == "finished (20x preview)"
        week = history.week_totals(now)
        assert (week.sessions, week.finished) == (2, 2)
        assert history.streak(now.date()) == 2  # the slow session on the 6th counts
        assert history.last_done(["calf-release", "slow"]) == {
            "calf-release": datetime(2026, 5, 5, 7, tzinfo=UTC),
            "slow": datetime(2026, 5, 6, 8, tzinfo=UTC),
        }
    sink = HistorySink("bell", False, Warnings(), path=path, now=lambda: now, speed=8.0)
    play_through(sink, make_timeline())
    assert sink.session_id is not None
    assert sink.summary_line() is None


def test_last_done_is_empty_when_the_log_is_missing_or_broken(tmp_path: Path) -> None:
    missing = tmp_path / "missing.sqlite3"
    assert last_done(["a"], path=missing) == {}
    assert not missing.exists()
    junk = tmp_path / "junk.sqlite3"
    junk.write_text("not a database " * 100)
    assert last_done(["a"], path=junk) == {}


def test_a_start_time_edited_by_hand_into_nonsense_is_left_out_of_the_streak(
    tmp_path: Path,
) -> None:
    path = tmp_path / "h.sqlite3"
    record(path, datetime(2026, 5, 1, 9, tzinfo=UTC))
    connection = sqlite3.connect(path)
    connection.execute("UPDATE sessions SET started_at = '2026-13-45T09:00:00+00:00'")
    connection.commit()
    connection.close()
    damaged = f"cannot read history: {path} has a session start time '2026-13-45T09:00:00+00:00'"
    with History(path, tz=UTC) as history:
        assert history.streak(date(2026, 5, 1)) == 0  # the row, left out, counts for no day
        assert history.sessions() == []
        assert list(history.unreadable) == ["1"]
        assert history.unreadable_warning() == (
            f"history: {path} has 1 session calfkit cannot read (id 1); left out"
        )
        # ``list``'s "last done" still says it cannot tell, rather than guess.
        with pytest.raises(HistoryError, match="^" + re.escape(damaged)):
            history.last_done(["calf-release"])
    assert last_done(["calf-release"], path=path) == {}  # a listing never fails over it


def test_the_plans_rest_days_keep_the_streak_but_alone_make_none(tmp_path: Path) -> None:
    from datetime import date

    path = tmp_path / "h.sqlite3"
    # Friday 4th and Monday 7th December practised; the weekend between is rest
    for day in (4, 7):
        record(path, datetime(2026, 12, day, 8, 0, tzinfo=UTC))
    weekend = {date(2026, 12, 5), date(2026, 12, 6)}

    def rest(day: date) -> bool:
        return day in weekend

    with History(path, tz=UTC) as history:
        assert history.streak(date(2026, 12, 7)) == 1
        assert history.streak(date(2026, 12, 7), rest=rest) == 4
        # today (the 8th) not yet practised: yesterday's streak stands
        assert history.streak(date(2026, 12, 8), rest=rest) == 4
        # on the rest day itself, the streak counts it
        assert history.streak(date(2026, 12, 6), rest=rest) == 3
    # rest days with only stopped sessions around them are no streak
    stopped = tmp_path / "stopped.sqlite3"
    record(stopped, datetime(2026, 12, 4, 8, 0, tzinfo=UTC), ending=Ending.STOPPED)
    with History(stopped, tz=UTC) as history:
        assert history.streak(date(2026, 12, 6), rest=lambda day: True) == 0


def test_days_totals_what_was_played_each_local_day_leaving_previews_out(tmp_path: Path) -> None:
    from datetime import date

    path = tmp_path / "h.sqlite3"
    record(path, datetime(2026, 12, 4, 8, 0, tzinfo=UTC))
    record(path, datetime(2026, 12, 4, 18, 0, tzinfo=UTC))
    record(path, datetime(2026, 12, 5, 8, 0, tzinfo=UTC), speed=10.0)  # a preview
    with History(path, tz=UTC) as history:
        totals = history.days(date(2026, 12, 1), date(2026, 12, 31))
    assert list(totals) == [date(2026, 12, 4)]
    assert totals[date(2026, 12, 4)].sessions == 2
    assert totals[date(2026, 12, 4)].finished == 2
    assert totals[date(2026, 12, 4)].played_seconds > 0


def test_the_summary_line_counts_the_plans_rest_days_in_its_streak(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    for day in (4, 7):  # Friday and Monday, the weekend between at rest
        record(path, datetime(2026, 12, day, 8, 0, tzinfo=UTC))
    monday = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)

    def weekend(day: date) -> bool:
        return day in (date(2026, 12, 5), date(2026, 12, 6))

    with History(path, tz=UTC) as history:
        assert history.summary_line(monday) == "1st session this week"
        assert history.summary_line(monday, rest=weekend) == "1st session this week · 4-day streak"


@pytest.mark.parametrize("started_on", ["9999-12-30", "0001-01-01", "garbage"])
def test_a_plan_start_day_edited_by_hand_out_of_range_is_as_if_never_started(
    tmp_path: Path, started_on: str
) -> None:
    from click.testing import CliRunner

    from calfkit import model
    from calfkit.cli import cli
    from calfkit.history import store

    assert (store.PLAN_FIRST_DAY, store.PLAN_LAST_DAY) == (model.FIRST_DAY, model.LAST_DAY)
    env = {"CALFKIT_HISTORY": str(tmp_path / "h.db"), "CALFKIT_TODAY": "2026-12-07"}
    runner = CliRunner(env=env)
    assert runner.invoke(cli, ["plan", "start", "four-calm-weeks"]).exit_code == 0
    with sqlite3.connect(tmp_path / "h.db") as connection:
        connection.execute("UPDATE plans SET started_on = ?", (started_on,))
    connection.close()
    target = tmp_path / "p.ics"
    result = runner.invoke(cli, ["plan", "export", "four-calm-weeks", str(target)])
    assert result.exit_code == 0, result.output + result.stderr
    assert "(36 events, 2026-12-07 to 2027-01-03)" in result.output
    today = runner.invoke(cli, ["today"])
    assert today.exit_code == 0 and "No plan started" in today.output
