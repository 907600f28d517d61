"""calfkit.plan.schema: the plan format's JSON Schema agrees with the checker."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest

from calfkit.format.source import plain_data, read_source
from calfkit.plan import check
from calfkit.plan.lookup import builtin_plans_dir
from calfkit.plan.schema import json_schema


def data(path: Path) -> object:
    source = read_source(path)
    assert source.root is not None
    return plain_data(source.root)


def test_the_schema_is_valid_draft_7_and_takes_the_built_in_plans() -> None:
    schema = json_schema()
    jsonschema.Draft7Validator.check_schema(schema)
    plans = sorted(builtin_plans_dir().glob("*.yaml"))
    assert plans
    for path in plans:
        jsonschema.validate(data(path), schema)


@pytest.mark.parametrize(
    "text",
    [
        "title: t\nweeks: 0\nsessions: [{routine: a, days: [mon]}]\n",
        "title: t\nweeks: 1\nsessions: [{routine: a}]\n",
        "title: t\nweeks: 1\nsessions: [{routine: a, days: [mon], times_a_week: 1}]\n",
        "title: t\nweeks: 1\nsessions: [{routine: a, days: [someday]}]\n",
        "title: t\nweeks: 1\nstart_time: '25:00'\nsessions: [{routine: a, days: [mon]}]\n",
        "title: t\nweeks: 1\nsessions: [{routine: a, days: [mon], hold: {add: 5s}}]\n",
        "title: t\nweeks: 1\nsessions: []\n",
        "title: t\nweeks: 1\nextra: 1\nsessions: [{routine: a, days: [mon]}]\n",
    ],
)
def test_what_the_checker_refuses_the_schema_refuses_too(tmp_path: Path, text: str) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    assert check.check(path)  # no routine lookup: only the file's own problems
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data(path), json_schema())
