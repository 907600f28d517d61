"""The format spec: durations as text, and the declarations agreeing with the model."""

from __future__ import annotations

import dataclasses
import re

import pytest

from calfkit import model
from calfkit.format import spec


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("45s", 45.0),
        ("1.5s", 1.5),
        ("2m", 120.0),
        ("1m30s", 90.0),
        ("1h", 3600.0),
        ("1h30m", 5400.0),
        ("1h0m5s", 3605.0),
        ("0.5h", 1800.0),
        ("1:30", 90.0),
        ("0:05", 5.0),
        ("90:00", 5400.0),
        ("0s", 0.0),
    ],
)
def test_duration_text_is_read_in_seconds(text: str, seconds: float) -> None:
    assert spec.parse_duration_text(text) == seconds


@pytest.mark.parametrize(
    "text",
    [
        "",
        "s",
        "45",
        "45 s",
        "1:3",
        "1:60",
        "1:30:00",
        "30s1m",
        "-5s",
        "1.s",
        ".5s",
        "5sec",
        "ready",
    ],
)
def test_anything_else_is_not_a_duration(text: str) -> None:
    assert spec.parse_duration_text(text) is None


def test_the_duration_pattern_for_editors_matches_exactly_what_the_loader_reads() -> None:
    pattern = re.compile(spec.DURATION_PATTERN)
    for text in ["45s", "1m30s", "1:30", "2h", "0.5h", "45", "1:3", "", "s", "-5s", "1h 30m"]:
        assert bool(pattern.search(text)) == (spec.parse_duration_text(text) is not None), text


def test_every_step_kind_is_declared_once_with_help_for_every_key() -> None:
    assert [kind.key for kind in spec.STEP_KINDS] == [
        "prepare",
        "do",
        "hold",
        "count",
        "reps",
        "breathe",
        "rest",
        "repeat",
        "sides",
        "routine",
    ]
    for kind in spec.STEP_KINDS:
        assert kind.description
        names = [key.name for key in kind.all_keys()]
        assert len(names) == len(set(names)), kind.key
        assert kind.key not in names
        assert all(key.description for key in kind.all_keys())
    assert all(key.description for key in spec.TOP_KEYS)


def test_the_spec_defaults_are_the_models_defaults() -> None:
    def model_default(cls: type, name: str) -> object:
        (found,) = [f for f in dataclasses.fields(cls) if f.name == name]
        return found.default

    classes = {"prepare": model.Prepare, "hold": model.Hold, "count": model.Count}
    classes |= {"breathe": model.Breathe, "rest": model.Rest, "sides": model.Sides}
    classes |= {"reps": model.Reps}
    for kind_name, cls in classes.items():
        for key in spec.KINDS[kind_name].keys:
            if key.default is not None:
                field = {"duration": "duration", "cue": "cue"}.get(key.name, key.name)
                assert model_default(cls, field) == key.default, (kind_name, key.name)


def test_only_repeat_sides_and_routine_nest() -> None:
    assert [kind.key for kind in spec.STEP_KINDS if kind.nests] == ["repeat", "sides", "routine"]


def test_the_sides_are_the_models_sides() -> None:
    assert spec.SIDES == ("right", "left")


@pytest.mark.parametrize(
    ("value_type", "expected"),
    [
        (spec.Duration(), 'a duration like 30, 45s, 1m30s or "1:30"'),
        (spec.Duration(ready=True), 'a duration like 30, 45s, 1m30s or "1:30", or ready'),
        (spec.Duration(zero=True), 'a duration like 30, 45s, 1m30s or "1:30", or 0 for none'),
        (spec.WholeNumber(1, 1000), "a whole number from 1 to 1000"),
        (spec.WholeNumber(0), "a whole number, 0 or more"),
        (spec.Text(80), "text of at most 80 characters"),
        (spec.Text(), "text"),
    ],
)
def test_each_type_says_what_it_expects_in_words(value_type: spec.ValueType, expected: str) -> None:
    assert value_type.expected == expected
