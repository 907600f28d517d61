"""The one home of the speed rule, the lead-in's default and bounds, and the conversion
between routine and clock seconds."""

from __future__ import annotations

import math

import pytest

from calfkit.player.engine import Player
from calfkit.player.events import Event, EventKind
from calfkit.player.pace import (
    LEAD_IN_SECONDS,
    MAX_LEAD_IN_SECONDS,
    MIN_SPEED,
    Pace,
    lead_in_problem,
    speed_problem,
)


@pytest.mark.parametrize("speed", [MIN_SPEED, 1.0, 2.5, 1e6])
def test_a_speed_from_the_minimum_up_is_taken(speed: float) -> None:
    assert speed_problem(speed) is None
    assert Pace(speed).speed == speed


@pytest.mark.parametrize("speed", [0.0, 0.009, -1.0, math.inf, math.nan])
def test_a_speed_below_the_minimum_or_not_a_number_is_refused_with_one_rule(speed: float) -> None:
    problem = speed_problem(speed)
    assert problem is not None and problem.startswith("must be a number from 0.01 up, not ")
    with pytest.raises(ValueError, match=r"^speed must be a number from 0\.01 up"):
        Pace(speed)


def test_the_lead_in_asked_for_is_zero_to_two_hours() -> None:
    assert lead_in_problem(0) is None and lead_in_problem(MAX_LEAD_IN_SECONDS) is None
    assert lead_in_problem(-1) == "must be 0 to 7200 seconds (2 hours), not -1"
    assert lead_in_problem(MAX_LEAD_IN_SECONDS + 1) is not None
    assert lead_in_problem(math.nan) is not None


def test_routine_seconds_last_speed_times_fewer_clock_seconds_and_back() -> None:
    pace = Pace(4.0)
    assert pace.clock_seconds(10.0) == 2.5
    assert pace.routine_seconds(2.5) == 10.0


def test_an_event_says_when_routine_time_after_it_plays_at_the_players_speed() -> None:
    event = Event(EventKind.STEP, 5.0, 5.25, 0.0, pace=Pace(2.0))
    assert event.clock_after(3.0) == 5.25 + 1.5  # from when it fired, at half the time
    assert Event(EventKind.STEP, 1.0, 1.0, 0.0).clock_after(3.0) == 4.0  # as written


def test_the_player_takes_the_lead_in_default_from_the_one_home() -> None:
    import inspect

    default = inspect.signature(Player).parameters["lead_in"].default
    assert default == LEAD_IN_SECONDS == 3.0
