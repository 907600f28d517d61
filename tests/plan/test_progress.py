"""calfkit.plan.progress: a week's progression applied to the loaded routine, in memory."""

from __future__ import annotations

from pathlib import Path

from calfkit import plan as plans
from calfkit.model import Hold, Repeat, Routine, Sides
from calfkit.plan import check
from calfkit.plan.agenda import agenda
from calfkit.plan.model import HoldRule, RoundsRule, Session
from calfkit.plan.progress import describe, progressed
from calfkit.timeline import compile_routine

ROUTINE = """\
calfkit: 1
title: Holds
steps:
  - hold: Hold the stretch.
    duration: 30s
  - repeat: 2
    steps:
      - sides: [right, left]
        steps:
          - hold: Lean into the {side} calf.
            duration: 20s
  - hold: Already long.
    duration: 50s
"""

PLAN = """\
title: Growing holds
weeks: 4
sessions:
  - routine: ./holds.yaml
    days: [mon]
    hold: {add: 5s, up_to: 40s}
    rounds: {add: 1, from_week: 3}
"""


def holds(routine: Routine) -> list[float]:
    found: list[float] = []

    def walk(steps: tuple[object, ...]) -> None:
        for step in steps:
            if isinstance(step, Hold):
                found.append(step.duration)
            elif isinstance(step, (Repeat, Sides)):
                walk(step.steps)

    walk(routine.steps)
    return found


def rounds(routine: Routine) -> int:
    repeat = routine.steps[1]
    assert isinstance(repeat, Repeat)
    return repeat.rounds


def test_week_1_plays_the_file_and_week_4_has_longer_holds_and_a_round_more(
    tmp_path: Path,
) -> None:
    (tmp_path / "holds.yaml").write_text(ROUTINE, encoding="utf-8")
    (tmp_path / "grow.yaml").write_text(PLAN, encoding="utf-8")
    plan = check.load(tmp_path / "grow.yaml", find=plans._check_routine)
    session = plan.sessions[0]

    week1 = plans.routine_for(plan, session, 1)
    week4 = plans.routine_for(plan, session, 4)

    assert holds(week1) == [30.0, 20.0, 50.0]
    assert rounds(week1) == 2
    # +5 s for each of weeks 2, 3, 4, up to 40 s; a hold already past the bound stays.
    assert holds(week4) == [40.0, 35.0, 50.0]
    assert rounds(week4) == 3
    # what plays is the compiled progressed routine: three rounds of both sides
    played = [s.duration for s in compile_routine(week4).segments if s.kind.value == "hold"]
    assert played == [40.0] + [35.0] * 6 + [50.0]
    # the file itself is unchanged
    assert (tmp_path / "holds.yaml").read_text(encoding="utf-8") == ROUTINE
    assert describe(session, 1) == ""
    assert describe(session, 4) == "holds +15s (up to 40s), 1 more round"


def test_rules_once_and_each_week() -> None:
    once = RoundsRule(add=2, from_week=2, each_week=False, up_to=5)
    assert [once.rounds(2, week) for week in (1, 2, 3, 9)] == [2, 4, 4, 4]
    weekly = RoundsRule(add=1, from_week=2, each_week=True, up_to=5)
    assert [weekly.rounds(2, week) for week in (1, 2, 3, 4, 9)] == [2, 3, 4, 5, 5]
    hold = HoldRule(add=10.0, up_to=45.0, from_week=3)
    assert [hold.seconds(30.0, week) for week in (1, 2, 3, 4)] == [30.0, 30.0, 40.0, 45.0]


def test_a_session_without_rules_plays_the_very_routine_loaded() -> None:
    routine = Routine(name="r", title="R", steps=(Hold(text="x", duration=5.0),))
    assert progressed(routine, Session(routine="r", days=(0,)), 4) is routine


def test_the_agenda_marks_as_done_only_as_many_sessions_as_were_finished() -> None:
    from datetime import date

    plan = plans.load("four-calm-weeks")
    monday = date(2026, 12, 7)
    day = agenda(plan, monday, monday, {"calf-release": 1})
    assert [(item.routine.name, item.done) for item in day.items] == [
        ("calf-release", True),
        ("calf-release-walk", False),
    ]
    assert day.day is not None and day.day.week == 1
