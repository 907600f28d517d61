"""calfkit.cli.practice: what `play --resume` takes up (and refuses), and `play today`."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from calfkit import library
from calfkit.cli import cli
from calfkit.cli.practice import NothingToDo, resume_point, resuming_line, todays_routine
from calfkit.errors import CalfkitError
from calfkit.model import Hold, Repeat
from calfkit.player.events import Event, EventKind
from calfkit.sinks.history import HistorySink
from calfkit.timeline import compile_routine

DRILL = """\
title: Drill
steps:
  - prepare: Get ready.
  - repeat: 2
    steps:
      - sides: [right, left]
        steps:
          - hold: Press the {side} calf.
            duration: 20s
  - do: Shake out.
    duration: 5s
"""


def stop_at(path: Path, flat_step: int) -> None:
    """A session of the routine at ``path`` recorded as stopped with ``q`` at a timed step."""
    timeline = compile_routine(library.load(path))
    at = datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc)
    sink = HistorySink("off", False, print, now=lambda: at)
    sink.handle(Event(EventKind.START, 0, 0, 0, timeline=timeline))
    for segment in timeline.segments[:flat_step]:
        sink.handle(
            Event(EventKind.STEP, segment.start, segment.start, 0, step=segment.index,
                  top_step=segment.top, segment=segment, played=segment.start)
        )  # fmt: skip
    sink.handle(Event(EventKind.STOP, 30.0, 30.0, 0, step=flat_step, text="quit", played=30.0))
    sink.close()


def test_resume_takes_up_the_last_unfinished_session_at_its_timed_step(tmp_path: Path) -> None:
    path = tmp_path / "drill.yaml"
    path.write_text(DRILL, encoding="utf-8")
    stop_at(path, 5)  # round 2, the right side (each switch between sides is a step too)
    routine = library.load(path)
    timeline = compile_routine(routine)
    found = resume_point(routine, timeline)
    assert found.end_step == 5
    segment = timeline.segments[4]
    assert segment.where == ("Round 2 of 2", "Right side")
    line = resuming_line(routine, timeline, found)
    assert line.startswith("Resuming Drill at step 2 of 3 (Round 2 of 2 · Right side)")
    assert line.endswith("where it stopped (part 2)")


def test_an_edit_elsewhere_keeps_the_step_and_resume_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "drill.yaml"
    path.write_text(DRILL, encoding="utf-8")
    stop_at(path, 4)
    path.write_text(DRILL.replace("Shake out.", "Shake both legs out."), encoding="utf-8")
    routine = library.load(path)
    assert resume_point(routine, compile_routine(routine)).end_step == 4


def test_an_edit_to_the_step_itself_refuses_with_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "drill.yaml"
    path.write_text(DRILL, encoding="utf-8")
    stop_at(path, 4)
    path.write_text(DRILL.replace("duration: 20s", "duration: 25s"), encoding="utf-8")
    routine = library.load(path)
    with pytest.raises(CalfkitError, match=r"cannot resume drill: it has changed since .*--from N"):
        resume_point(routine, compile_routine(routine))


def test_nothing_to_resume_says_so_and_play_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "drill.yaml"
    path.write_text(DRILL, encoding="utf-8")
    result = CliRunner().invoke(cli, ["play", str(path), "--resume", "--plain"])
    assert result.exit_code == 1
    assert "nothing to resume: no unfinished session of drill" in result.stderr
    conflict = CliRunner().invoke(cli, ["play", str(path), "--resume", "--from", "2"])
    assert conflict.exit_code == 2
    assert "leave out --from" in conflict.stderr


def test_play_today_plays_the_weeks_progressed_routine(monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    monkeypatch.setenv("CALFKIT_TODAY", "2026-11-30")
    assert runner.invoke(cli, ["plan", "start", "four-calm-weeks"]).exit_code == 0
    monkeypatch.setenv("CALFKIT_TODAY", "2026-12-01")  # Tuesday, week 1
    week1 = todays_routine()
    monkeypatch.setenv("CALFKIT_TODAY", "2026-12-22")  # Tuesday, week 4
    week4 = todays_routine()
    assert week1.name == week4.name == "calf-self-massage"

    def holds_and_rounds(routine: object) -> tuple[list[float], list[int]]:
        holds: list[float] = []
        rounds: list[int] = []

        def walk(steps: tuple[object, ...]) -> None:
            for step in steps:
                if isinstance(step, Hold):
                    holds.append(step.duration)
                if isinstance(step, Repeat):
                    rounds.append(step.rounds)
                walk(getattr(step, "steps", ()))

        walk(routine.steps)  # type: ignore[attr-defined]
        return holds, rounds

    # Three spots every week (the dose stays), each held longer: 30 s, then 45 s in week 4.
    assert holds_and_rounds(week1) == ([30.0, 30.0], [])
    assert holds_and_rounds(week4) == ([45.0, 45.0], [])

    played = runner.invoke(
        cli, ["play", "today", "--plain", "--speed", "400", "--sound", "off", "--lead-in", "0",
              "--no-history"],
    )  # fmt: skip
    assert played.exit_code == 0, played.output + played.stderr
    assert "Calf Self-Massage" in played.output
    assert "whichever calf still feels tighter" in played.output  # the third spot
    assert "(45s)" in played.output


def test_play_today_on_a_rest_day_says_so_and_plays_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    runner = CliRunner()
    monkeypatch.setenv("CALFKIT_TODAY", "2026-11-30")
    runner.invoke(cli, ["plan", "start", "four-calm-weeks"])
    monkeypatch.setenv("CALFKIT_TODAY", "2026-12-06")  # Sunday
    with pytest.raises(NothingToDo):
        todays_routine()
    result = runner.invoke(cli, ["play", "today"])
    assert result.exit_code == 0
    assert (
        result.output
        == "Today is a rest day in Four Calm Weeks for Tight Calves. Nothing to play.\n"
    )


def test_play_today_resume_takes_up_only_a_session_stopped_that_day(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A calf-release stopped on Monday is not taken up by Wednesday's `play today --resume`:
    finished, it counted for Monday and Wednesday's calf-release stayed 'to do'."""
    runner = CliRunner()
    monkeypatch.setenv("CALFKIT_TODAY", "2026-11-30")  # Monday, week 1
    assert runner.invoke(cli, ["plan", "start", "four-calm-weeks"]).exit_code == 0
    timeline = compile_routine(library.load_ref("calf-release"))
    at = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)
    sink = HistorySink("off", False, print, now=lambda: at)
    sink.handle(Event(EventKind.START, 0, 0, 0, timeline=timeline))
    for segment in timeline.segments[:3]:
        sink.handle(
            Event(EventKind.STEP, segment.start, segment.start, 0, step=segment.index,
                  top_step=segment.top, segment=segment, played=segment.start)
        )  # fmt: skip
    sink.handle(Event(EventKind.STOP, 20.0, 20.0, 0, step=3, text="quit", played=20.0))
    sink.close()
    assert todays_routine(resuming=True).name == "calf-release"  # the same day: taken up

    monkeypatch.setenv("CALFKIT_TODAY", "2026-12-02")  # Wednesday: calf-release again
    with pytest.raises(CalfkitError, match="nothing to resume today"):
        todays_routine(resuming=True)
    result = runner.invoke(
        cli, ["play", "today", "--resume", "--plain", "--sound", "off", "--lead-in", "0"]
    )
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "calfkit: error: nothing to resume today: no session of today's plan was stopped "
        "part-way today (one stopped on another day counts for that day); play the next from "
        "the start: calfkit play today\n"
    )
    assert todays_routine().name == "calf-release"


def test_play_today_without_a_plan_is_one_error_line() -> None:
    result = CliRunner().invoke(cli, ["play", "today"])
    assert result.exit_code == 1
    assert result.stderr.startswith("calfkit: error: no plan started")


def test_a_session_still_playing_is_not_resumed_and_says_why(tmp_path: Path) -> None:
    from calfkit.history.store import utc_now

    path = tmp_path / "drill.yaml"
    path.write_text(DRILL, encoding="utf-8")
    stop_at(path, 4)
    routine = library.load(path)
    timeline = compile_routine(routine)
    playing = HistorySink("off", False, print, now=utc_now, heartbeat=0)
    playing.handle(Event(EventKind.START, 0, 0, 0, timeline=timeline))  # alive, never ended
    with pytest.raises(CalfkitError, match="still in progress"):
        resume_point(routine, timeline)
    playing.close()


def test_rest_days_for_the_summary_come_from_the_followed_plan_or_none(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from datetime import date

    from calfkit.cli.practice import rest_days_quietly

    assert rest_days_quietly() is None
    monkeypatch.setenv("CALFKIT_TODAY", "2026-11-30")
    CliRunner().invoke(cli, ["plan", "start", "four-calm-weeks"])
    rest = rest_days_quietly()
    assert rest is not None
    assert rest(date(2026, 12, 6)) and not rest(date(2026, 12, 7))
    assert not rest(date(2026, 11, 29))  # before the plan began


def test_the_summarys_rest_days_are_read_only_when_first_asked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from datetime import date

    from calfkit.cli import practice

    asked: list[int] = []
    monkeypatch.setattr(practice, "rest_days_quietly", lambda: asked.append(1) or None)
    rest = practice.rest_days_later()
    assert asked == []  # nothing read before the session
    assert rest(date(2026, 12, 6)) is False
    assert rest(date(2026, 12, 7)) is False
    assert asked == [1]  # read once


def test_a_followed_plan_whose_file_is_gone_names_where_it_was_and_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Started from a path and deleted since: the lookup by name alone ("no plan named 'mine'
    (looked in … and the built-in plans)") never said which file, nor that a plan is still
    being followed."""
    monkeypatch.setenv("CALFKIT_TODAY", "2026-12-01")
    plan = tmp_path / "mine.yaml"
    builtin = Path(__file__).parents[2] / "plans" / "four-calm-weeks.yaml"
    plan.write_text(builtin.read_text(encoding="utf-8"), encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(cli, ["plan", "start", str(plan)]).exit_code == 0
    plan.unlink()
    for args in (["today"], ["play", "today", "--plain", "--sound", "off"]):
        result = runner.invoke(cli, args)
        assert result.exit_code == 1, result.output
        assert result.stderr.strip().splitlines() == [
            f"calfkit: error: the plan you follow, mine, is gone from {plan} and no plan is "
            "named mine; put it back, or follow another (calfkit plan start NAME) or none "
            "(calfkit plan stop)"
        ]
