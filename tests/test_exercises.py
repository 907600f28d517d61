"""The one table of exercises (calfkit/exercises.py): every FIT value is in Garmin's profile,
docs/format.md lists every row, and the format takes exactly these names."""

from __future__ import annotations

from pathlib import Path

from garmin_fit_sdk import Profile

from calfkit.exercises import EXERCISES
from calfkit.format import spec

DOCS = Path(__file__).parent.parent / "docs" / "format.md"


def test_every_exercise_is_a_category_and_name_of_the_fit_profile() -> None:
    types = Profile["types"]
    for exercise in EXERCISES.values():
        assert exercise.category in types["exercise_category"].values()
        if exercise.name is not None:
            assert exercise.name in types[f"{exercise.category}_exercise_name"].values()


def test_the_format_page_lists_every_exercise_as_the_table_says() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for key, exercise in EXERCISES.items():
        fit = exercise.category + (f" / {exercise.name}" if exercise.name else "")
        assert f"| `{key}` | {exercise.description} | {fit} |" in text


def test_a_step_takes_exactly_the_tables_names_as_its_exercise() -> None:
    (key,) = [key for key in spec.COMMON_STEP_KEYS if key.name == "exercise"]
    assert isinstance(key.type, spec.Choice)
    assert key.type.values == tuple(EXERCISES)
