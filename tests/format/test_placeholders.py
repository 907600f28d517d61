"""placeholders: {side}, {other_side}, {round} and {rounds}, filled in one way everywhere."""

from __future__ import annotations

from calfkit.format.placeholders import PLACEHOLDERS, fill, fill_in, other
from calfkit.model import Side


def test_the_other_side_is_the_bodys_other_side() -> None:
    assert other(Side.RIGHT) is Side.LEFT
    assert other(Side.LEFT) is Side.RIGHT


def test_fill_fills_the_side_its_other_and_the_round() -> None:
    text = "{side} then {other_side}, round {round} of {rounds}"
    assert fill(text, side=Side.LEFT, round_=2, rounds=3) == "left then right, round 2 of 3"
    assert fill(text) == text
    assert fill_in("{side} {x}", Side.RIGHT, None, None, None) == "right {x}"


def test_each_placeholder_belongs_to_a_sides_or_a_repeat_block() -> None:
    assert PLACEHOLDERS == {
        "side": "sides",
        "other_side": "sides",
        "round": "repeat",
        "rounds": "repeat",
    }
