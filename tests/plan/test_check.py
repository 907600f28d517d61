"""calfkit.plan.check: plan files read with positions, every problem file:line:col."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from calfkit import plan as plans
from calfkit.errors import RoutineError
from calfkit.plan import check
from calfkit.plan.model import HoldRule, RoundsRule


def write(tmp_path: Path, text: str, name: str = "my-plan.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """\
calfkit: 1
title: Two weeks
weeks: 2
rest_days: [sun]
start_time: "18:15"
sessions:
  - routine: calf-release
    days: [mon, Thursday]
  - routine: calf-self-massage
    times_a_week: 3
    hold: {add: 5s, up_to: 1m}
    rounds: {add: 1, from_week: 2, up_to: 3}
"""


def test_a_good_plan_loads_with_its_days_rules_and_name_from_the_file(tmp_path: Path) -> None:
    plan = check.load(write(tmp_path, GOOD), find=plans._check_routine)
    assert plan.name == "my-plan"
    assert plan.title == "Two weeks"
    assert plan.rest_days == (6,)
    assert plan.start_time == time(18, 15)
    first, second = plan.sessions
    assert first.days == (0, 3)
    # three of Monday to Saturday, spread: Monday, Wednesday, Friday
    assert second.days == (0, 2, 4)
    assert second.hold == HoldRule(add=5.0, up_to=60.0)
    assert second.rounds == RoundsRule(add=1, up_to=3, from_week=2)


def problems_of(tmp_path: Path, text: str) -> list[str]:
    return [p.format() for p in check.check(write(tmp_path, text), find=plans._check_routine)]


def test_every_problem_is_reported_at_its_line_and_column(tmp_path: Path) -> None:
    found = problems_of(
        tmp_path,
        """\
title: Bad
weeks: 60
rest_days: [sun, funday]
sesions: []
""",
    )
    path = str(tmp_path / "my-plan.yaml")
    assert found == [
        f"{path}:1:1: error: missing 'sessions' (a list of 1 to 50 sessions)",
        f"{path}:2:8: error: 'weeks' must be a whole number of weeks from 1 to 52; found 60",
        f"{path}:3:18: error: 'rest_days': 'funday' is not a weekday "
        "(mon, tue, wed, thu, fri, sat, sun)",
        f"{path}:4:1: error: unknown key 'sesions'; did you mean 'sessions'?",
    ]


def test_a_session_on_a_rest_day_and_an_unknown_routine_are_errors_at_their_values(
    tmp_path: Path,
) -> None:
    found = problems_of(
        tmp_path,
        """\
title: Clash
weeks: 1
rest_days: [wed]
sessions:
  - routine: no-such-routine
    days: [mon]
  - routine: calf-release
    days: [tue, wed]
    hold: {add: 0s, up_to: 30s}
""",
    )
    path = str(tmp_path / "my-plan.yaml")
    assert found[0].startswith(f"{path}:5:14: error: session 1: routine 'no-such-routine': ")
    assert f"{path}:8:17: error: session 2: wed is one of the plan's rest days" in found
    assert any(
        line.startswith(f"{path}:9:17: error: session 2: 'hold': 'add' must be") for line in found
    )
    assert len(found) == 3


def test_days_and_times_a_week_are_one_or_the_other(tmp_path: Path) -> None:
    found = problems_of(
        tmp_path,
        """\
title: Both
weeks: 1
rest_days: [sat, sun]
sessions:
  - routine: calf-release
    days: [mon]
    times_a_week: 2
  - routine: calf-release
  - routine: calf-release
    times_a_week: 6
""",
    )
    assert [line.split(": error: ")[1] for line in found] == [
        "session 1: give 'days' or 'times_a_week', not both",
        "session 2: missing 'days' or 'times_a_week' (which days to play it)",
        "session 3: 'times_a_week' is 6, but only 5 days of the week are not rest days",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty; a plan needs at least 'title', 'weeks' and 'sessions'"),
        ("- a list\n", "the top level must be a mapping"),
        ("title: x\ntitle: y\n", "duplicate"),
        ("title: !!python/object x\n", "tag"),
    ],
)
def test_bad_yaml_gives_positioned_errors_never_a_traceback(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(RoutineError) as raised:
        check.load(write(tmp_path, text))
    lines = [problem.format() for problem in raised.value.problems]
    assert lines and all(line.startswith(str(tmp_path / "my-plan.yaml") + ":") for line in lines)
    assert any(message in line for line in lines), lines


def test_the_built_in_plan_loads_and_its_routines_exist() -> None:
    plan = plans.load("four-calm-weeks")
    assert plan.weeks == 4
    assert {session.routine for session in plan.sessions} == {
        "calf-release",
        "calf-release-walk",
        "calf-self-massage",
    }
    # the massage never falls on a release day, and Sunday is rest
    assert plan.rest_days == (6,)
    assert not set(plan.sessions[0].days) & set(plan.sessions[2].days)


def test_the_built_in_plans_text_shares_no_five_word_run_with_any_seed_text() -> None:
    from calfkit.plan.lookup import builtin_plans_dir
    from tests.test_builtin_routines import _digest, _runs, _seed_digests, _words

    digests = _seed_digests()
    for path in builtin_plans_dir().glob("*.yaml"):
        # the comments too: they are the plan's explanation, read by whoever opens it
        text = path.read_text(encoding="utf-8")
        shared = [" ".join(run) for run in _runs(_words(text)) if _digest(run) in digests]
        assert shared == [], path


def test_a_progression_growing_a_routine_past_24_hours_is_an_error_at_the_rule(
    tmp_path: Path,
) -> None:
    # A routine with a hold inside a repeat (the built-in self-massage has no repeat now).
    (tmp_path / "spots.yaml").write_text(
        "title: Spots\nsteps:\n  - repeat: 2\n    steps:\n"
        "      - hold: Press a spot.\n        duration: 30s\n",
        encoding="utf-8",
    )
    text = """\
title: Too much
weeks: 52
sessions:
  - routine: spots.yaml
    days: [mon]
    rounds: {add: 100, up_to: 100, from_week: 1, each_week: true}
    hold: {add: 2h, up_to: 2h, from_week: 1}
"""
    found = problems_of(tmp_path, text)
    assert len(found) == 1, found
    assert ":6:5: error: session 1: by week 52 this progression grows 'spots.yaml'" in found[0]
    assert "it lasts 200h" in found[0] and "at most 24 hours" in found[0]


def test_a_progression_within_the_limits_by_its_last_week_is_ok(tmp_path: Path) -> None:
    text = """\
title: Enough
weeks: 52
sessions:
  - routine: calf-self-massage
    days: [mon]
    rounds: {add: 1, up_to: 4, each_week: true}
    hold: {add: 5s, up_to: 2m}
"""
    assert problems_of(tmp_path, text) == []


def test_a_hold_rule_past_the_two_hour_step_limit_says_the_limit(tmp_path: Path) -> None:
    text = """\
title: Long
weeks: 2
sessions:
  - routine: calf-self-massage
    days: [mon]
    hold: {add: 5s, up_to: 7201}
"""
    (found,) = problems_of(tmp_path, text)
    assert ":6:28: error: session 1: 'hold': 'up_to' must be a duration" in found
    assert "more than 0 and at most 2h; found 7201" in found
