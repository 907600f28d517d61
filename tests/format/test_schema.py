"""The JSON Schema: valid Draft 7, generated from the spec, agreeing with the validator."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from calfkit import library
from calfkit.format import check as checker
from calfkit.format import spec
from calfkit.format.schema import json_schema
from calfkit.format.source import parse_bytes, plain_data

ROUTINES = Path(__file__).parent.parent / "routines"
GOOD = sorted((ROUTINES / "good").glob("*.y*ml"))
BUILTINS = sorted((Path(__file__).parent.parent.parent / "routines").glob("*.yaml"))
# Bad files whose problems a schema can see (includes, cycles, {side}, expanded limits,
# duplicate keys and YAML-level refusals are beyond what JSON Schema can say).
SCHEMA_VISIBLE_BAD = [
    "wrong-types",
    "durations",
    "unknown-keys",
    "kind-keys",
    "bad-sides",
    "limits",
    "top-level-values",
    "missing-required",
    "step-missing-keys",
]


def data_of(path: Path) -> Any:
    source = parse_bytes(path.read_bytes(), str(path))
    assert source.root is not None
    return plain_data(source.root)


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft7Validator:
    schema = json_schema()
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def test_the_schema_is_draft_7_and_plain_json() -> None:
    schema = json_schema()
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    jsonschema.Draft7Validator.check_schema(schema)
    assert json.loads(json.dumps(schema)) == schema


@pytest.mark.parametrize("path", GOOD + BUILTINS, ids=lambda path: path.name)
def test_every_valid_routine_is_accepted(path: Path, validator: jsonschema.Draft7Validator) -> None:
    assert library.check(path) == []
    assert [error.message for error in validator.iter_errors(data_of(path))] == []


@pytest.mark.parametrize("name", SCHEMA_VISIBLE_BAD)
def test_bad_routines_are_rejected(name: str, validator: jsonschema.Draft7Validator) -> None:
    assert list(validator.iter_errors(data_of(ROUTINES / "bad" / f"{name}.yaml")))


def test_the_top_level_keys_are_the_specs_with_hover_help() -> None:
    schema = json_schema()
    assert list(schema["properties"]) == [key.name for key in spec.TOP_KEYS]
    assert schema["required"] == ["title", "steps"]
    assert schema["additionalProperties"] is False
    for name, prop in schema["properties"].items():
        assert prop["description"], name


def test_each_step_kind_is_a_definition_with_its_keys_described() -> None:
    definitions = json_schema()["definitions"]
    assert [ref["$ref"] for ref in definitions["step"]["oneOf"]] == [
        f"#/definitions/{kind.key}_step" for kind in spec.STEP_KINDS
    ]
    for kind in spec.STEP_KINDS:
        definition = definitions[f"{kind.key}_step"]
        assert definition["additionalProperties"] is False
        assert kind.key in definition["required"]
        expected_keys = [kind.key] + [key.name for key in kind.all_keys()]
        assert list(definition["properties"]) == expected_keys
        assert all(prop["description"] for prop in definition["properties"].values())


def test_defaults_are_shown_in_descriptions_and_as_defaults() -> None:
    hold = json_schema()["definitions"]["hold_step"]["properties"]
    assert hold["countdown"]["default"] == 3
    assert hold["countdown"]["description"].endswith("Default: 3.")
    prepare = json_schema()["definitions"]["prepare_step"]["properties"]
    assert prepare["duration"]["description"].endswith("Default: 10 s.")


def routine_with(step: dict[str, Any]) -> dict[str, Any]:
    return {"title": "T", "steps": [step]}


@pytest.mark.parametrize(
    "step",
    [
        {"do": "x", "duration": "ready"},
        {"prepare": "x", "duration": "1:30"},
        {"hold": "x", "duration": 7200},
        {"rest": "1h30m"},
        {"sides": ["left"], "switch": 0, "steps": [{"rest": 1}]},
        {"routine": "calf-release"},
        {"routine": "../parts/x.yml"},
        {"count": 1000, "every": 0.5},
        {"sides": ["left"], "switch": "0s", "steps": [{"rest": 1}]},
        {"sides": ["left"], "switch": "0:00", "steps": [{"rest": 1}]},
        {"do": "x", "duration": "0:01"},
        {"do": "x", "duration": "0.5s"},
        {"do": "{sides} and {Side} are only text", "duration": 1},
        {
            "sides": ["right", "left"],
            "steps": [
                {
                    "repeat": 2,
                    "steps": [
                        {"do": "Your {side} leg", "duration": 3, "note": "{other_side} rests"},
                        {"count": 3, "cue": "{side}", "name": "{side}"},
                        {"rest": 2, "cue": "Shake out the {side} leg"},
                    ],
                }
            ],
        },
    ],
)
def test_schema_accepts_valid_steps(
    step: dict[str, Any], validator: jsonschema.Draft7Validator
) -> None:
    assert validator.is_valid(routine_with(step))


@pytest.mark.parametrize(
    "step",
    [
        {"hold": "x", "duration": "ready"},
        {"do": "x"},
        {"do": "x", "hold": "y", "duration": 1},
        {"rest": 0},
        {"rest": 7201},
        {"rest": "45"},
        {"count": 1001},
        {"breathe": 0},
        {"repeat": 101, "steps": [{"rest": 1}]},
        {"sides": ["right", "right"], "steps": [{"rest": 1}]},
        {"sides": [], "steps": [{"rest": 1}]},
        {"sides": ["up"], "steps": [{"rest": 1}]},
        {"repeat": 2, "steps": []},
        {"routine": "Not A Name"},
        {"rest": 1, "every": 1},
        {"rest": True},
        {"do": "x", "duration": "0s"},
        {"do": "x", "duration": "0:00"},
        {"hold": "x", "duration": "0m0.0s"},
        {"rest": "00s"},
        {"do": "Lift your {side} leg", "duration": 3},
        {"repeat": 2, "steps": [{"count": 3, "cue": "{other_side}"}]},
        {"sides": ["left"], "name": "The {side} leg", "steps": [{"rest": 1}]},
        {"sides": ["left"], "steps": [{"rest": 1}], "note": "then {other_side}"},
    ],
)
def test_schema_rejects_invalid_steps(
    step: dict[str, Any], validator: jsonschema.Draft7Validator
) -> None:
    assert not validator.is_valid(routine_with(step))


# A leaf step of any kind, with keys and values drawn from near and far: the validator and
# the schema must agree on it. (Durations as text past 2 hours are left out: a pattern
# cannot count to 7200.)
values = st.one_of(
    st.sampled_from(
        [
            0,
            1,
            3,
            100,
            101,
            1000,
            1001,
            7200,
            7201,
            -1,
            2.5,
            1.0,
            True,
            None,
            "",
            "x",
            "text",
            "45s",
            "1:30",
            "1m30s",
            "0s",
            "0:00",
            "0.5s",
            "{side}",
            "Lift the {other_side} leg",
            "ready",
            "45",
            "right",
            "forever",
        ]
    ),
    st.lists(st.sampled_from(["right", "left", "up"]), max_size=3),
)
leaf_kinds = ["prepare", "do", "hold", "count", "breathe", "rest"]
WHOLE_ROUTINE = ("the routine lasts ", "the routine has ")
leaf_keys = ["duration", "countdown", "every", "cue", "inhale", "exhale", "name", "note", "steps"]


@st.composite
def leaf_steps(draw: st.DrawFn) -> dict[str, Any]:
    step = {draw(st.sampled_from(leaf_kinds)): draw(values)}
    for key in draw(st.lists(st.sampled_from(leaf_keys), max_size=3, unique=True)):
        step[key] = draw(values)
    return step


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
)
@given(leaf=leaf_steps(), in_sides=st.booleans())
def test_the_validator_and_the_schema_agree_on_leaf_steps(
    leaf: dict[str, Any], in_sides: bool, tmp_path_factory: pytest.TempPathFactory
) -> None:
    step = {"sides": ["right", "left"], "steps": [leaf]} if in_sides else leaf
    schema_says = jsonschema.Draft7Validator(json_schema()).is_valid(routine_with(step))
    path = tmp_path_factory.mktemp("agree") / "step.yaml"
    path.write_text(json.dumps(routine_with(step)), encoding="utf-8")
    # The whole routine's limits (24 hours, 100,000 events) are sums no JSON Schema can
    # state: `count: 100` with `every: 1000` is a valid step in a routine too long to play.
    problems = [p for p in library.check(path) if not p.message.startswith(WHOLE_ROUTINE)]
    loader_says = problems == []
    assert schema_says == loader_says, problems


def test_the_schema_describes_every_placeholder() -> None:
    from calfkit.format.schema import json_schema

    text = str(json_schema())
    for word in checker.PLACEHOLDERS:
        assert "{" + word + "}" in text
