"""``calfkit today``: what the followed plan asks for on an injected date, and what is done."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import datetime, timezone

import pytest
from click.testing import CliRunner

from calfkit import library
from calfkit.cli import cli
from calfkit.player.events import Event, EventKind, Outcome, Status
from calfkit.sinks.history import HistorySink
from calfkit.timeline import compile_routine


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    runner = CliRunner()
    monkeypatch.setenv("CALFKIT_TODAY", "2026-12-01")
    assert runner.invoke(cli, ["plan", "start", "four-calm-weeks"]).exit_code == 0
    yield runner
    monkeypatch.undo()
    time.tzset()


def finish(name: str, at: datetime) -> None:
    """A real HistorySink records ``name`` played through to the end at ``at``."""
    timeline = compile_routine(library.load_ref(name))
    sink = HistorySink("off", False, print, now=lambda: at)
    sink.handle(Event(EventKind.START, 0, 0, 0, timeline=timeline))
    last = timeline.segments[-1]
    outcome = Outcome(
        status=Status.FINISHED,
        step=last.index,
        steps_total=len(timeline.segments),
        steps_done=len(timeline.segments),
        steps_skipped=0,
        played_seconds=timeline.total,
        paused_seconds=0.0,
        top_step=last.top,
        tops_total=len(timeline.routine.steps),
        planned_seconds=timeline.total,
        done_seconds=timeline.total,
    )
    sink.handle(Event(EventKind.FINISH, timeline.total, timeline.total, 0, outcome=outcome))
    sink.close()


def test_no_plan_says_how_to_start_one(monkeypatch: pytest.MonkeyPatch) -> None:
    result = CliRunner().invoke(cli, ["today"])
    assert result.exit_code == 0
    assert "No plan started. Start one with: calfkit plan start NAME" in result.output


def test_today_lists_the_days_sessions_and_marks_the_finished_one_done(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CALFKIT_TODAY", "2026-12-02")  # a Wednesday, week 1
    before = runner.invoke(cli, ["today"])
    assert before.exit_code == 0, before.output
    assert "week 1 of 4 · Wed 2026-12-02" in before.output
    assert "to do  calf-release " in before.output
    assert "To do: 2 sessions" in before.output

    finish("calf-release", datetime(2026, 12, 2, 7, 0, tzinfo=timezone.utc))
    after = runner.invoke(cli, ["today"])
    assert "done   calf-release " in after.output
    assert "to do  calf-release-walk" in after.output
    assert "To do: 1 session" in after.output

    listed = json.loads(runner.invoke(cli, ["today", "--json"]).output)
    assert listed["week"] == 1
    assert [(s["routine"], s["done"]) for s in listed["sessions"]] == [
        ("calf-release", True),
        ("calf-release-walk", False),
    ]


def test_week_4_shows_the_progression_and_a_rest_day_says_so(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CALFKIT_TODAY", "2026-12-24")  # Thursday of week 4
    result = runner.invoke(cli, ["today"])
    assert "week 4 of 4" in result.output
    assert "calf-self-massage" in result.output
    assert "calf-self-massage   06:48  holds +15s (up to 45s)\n" in result.output
    monkeypatch.setenv("CALFKIT_TODAY", "2026-12-06")  # a Sunday
    rest = runner.invoke(cli, ["today"])
    assert "Today is a rest day in your plan." in rest.output
    assert "Next: Mon 2026-12-07: calf-release, calf-release-walk" in rest.output


def test_a_bad_calfkit_today_is_a_usage_error(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CALFKIT_TODAY", "tomorrow")
    result = runner.invoke(cli, ["today"])
    assert result.exit_code == 2
    assert "CALFKIT_TODAY='tomorrow' is not a date" in result.stderr


def test_after_the_last_week_the_plan_says_it_has_ended(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CALFKIT_TODAY", "2027-02-01")
    result = runner.invoke(cli, ["today"])
    assert "ended on Mon 2026-12-28" in result.output


def stop_part_way(name: str, at: datetime, steps: int) -> None:
    """A real HistorySink records ``name`` stopped with q after ``steps`` timed steps."""
    timeline = compile_routine(library.load_ref(name))
    sink = HistorySink("off", False, print, now=lambda: at)
    sink.handle(Event(EventKind.START, 0, 0, 0, timeline=timeline))
    for segment in timeline.segments[:steps]:
        sink.handle(
            Event(EventKind.STEP, segment.start, segment.start, 0, step=segment.index,
                  top_step=segment.top, segment=segment, played=segment.start)
        )  # fmt: skip
    sink.handle(Event(EventKind.STOP, 20.0, 20.0, 0, step=steps, text="quit", played=20.0))
    sink.close()


def test_a_session_stopped_today_is_shown_with_how_to_resume_it(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    from calfkit.cli.practice import todays_routine

    monkeypatch.setenv("CALFKIT_TODAY", "2026-12-02")
    stop_part_way("calf-release-walk", datetime(2026, 12, 2, 7, 0, tzinfo=timezone.utc), 3)
    result = runner.invoke(cli, ["today"])
    assert "calf-release-walk" in result.output
    assert "(stopped at step 3: calfkit play today --resume)" in result.output
    listed = json.loads(runner.invoke(cli, ["today", "--json"]).output)
    assert [s["stopped_at_step"] for s in listed["sessions"]] == [None, 3]
    # play today plays the first not done; with --resume, the one stopped part-way
    assert todays_routine().name == "calf-release"
    assert todays_routine(resuming=True).name == "calf-release-walk"
