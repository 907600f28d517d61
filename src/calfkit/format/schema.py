"""The JSON Schema (Draft 7) of the routine format, generated from :mod:`calfkit.format.spec`.

Editors that speak yaml-language-server use it for completion, hover help and squiggles.
It checks what a schema can (keys, types, patterns, ranges, ``{side}`` only inside a
``sides`` step, no zero durations written as text); what it cannot (the 2-hour cap on
durations written as text, includes, the expanded limits) only ``calfkit validate`` checks.

Steps inside a ``sides`` step get their own definitions (``*_step_in_sides``): the same keys,
but their text may use ``{side}`` and ``{other_side}``.
"""

from __future__ import annotations

from calfkit.format import spec
from calfkit.model import MAX_STEP_SECONDS, unreachable

_Json = dict[str, object]
"""A JSON object (a schema or a part of one)."""

# Text outside a sides step: something besides spaces, and no {side} or {other_side}.
_TEXT_OUTSIDE_SIDES = r"^(?![\s\S]*\{(?:side|other_side)\})[\s\S]*\S"
_TEXT_OUTSIDE_SIDES_MESSAGE = (
    "Text, not only spaces; {side} and {other_side} only work inside a sides step."
)
# Text written as a duration is more than zero exactly when it has a digit from 1 to 9.
_NONZERO_DURATION_PATTERN = r"^(?=[^1-9]*[1-9])(?:" + spec.DURATION_PATTERN + ")"


def json_schema() -> _Json:
    """The routine format as a Draft-7 JSON Schema."""
    kinds = ", ".join(kind.key for kind in spec.STEP_KINDS)
    definitions: _Json = {}
    for suffix, in_sides in (("", False), ("_in_sides", True)):
        step_defs = {
            f"{kind.key}_step{suffix}": _step_schema(kind, in_sides) for kind in spec.STEP_KINDS
        }
        where = " inside a sides step, where cues may use {side} and {other_side}"
        definitions[f"step{suffix}"] = {
            "description": f"One step{where if in_sides else ''}: "
            f"a mapping with exactly one kind key ({kinds}).",
            "oneOf": [{"$ref": f"#/definitions/{name}"} for name in step_defs],
        }
        definitions.update(step_defs)
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "calfkit routine",
        "description": "A calfkit routine (format version 1): timed steps with cues and sounds.",
        "type": "object",
        "properties": {key.name: _key_schema(key, False) for key in spec.TOP_KEYS},
        "required": [key.name for key in spec.TOP_KEYS if key.required],
        "additionalProperties": False,
        "definitions": definitions,
    }


def _step_schema(kind: spec.StepKind, in_sides: bool) -> _Json:
    head = spec.Key(kind.key, kind.value, kind.description, required=True)
    keys = (head, *kind.all_keys())
    # A sides step's own name and note are outside it; only its steps are inside.
    steps_in_sides = in_sides or kind.key == "sides"
    return {
        "description": f"A {kind.key} step. {kind.description}",
        "type": "object",
        "properties": {
            key.name: _key_schema(key, steps_in_sides if key.type == spec.Steps() else in_sides)
            for key in keys
        },
        "required": [key.name for key in keys if key.required],
        "additionalProperties": False,
    }


def _key_schema(key: spec.Key, in_sides: bool) -> _Json:
    schema = _type_schema(key.type, in_sides)
    description = key.description
    if key.default is not None:
        description += f" Default: {_show_default(key.default)}."
        schema["default"] = key.default
    return {"description": description, **schema}


def _show_default(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return f"{int(value)} s"
    if isinstance(value, float):
        return f"{value} s"
    return str(value)


def _type_schema(kind: spec.ValueType, in_sides: bool) -> _Json:
    match kind:
        case spec.Text():
            text: _Json = {"type": "string", "minLength": 1, "pattern": r"\S"}
            if not in_sides:
                text["pattern"] = _TEXT_OUTSIDE_SIDES
                # Not Draft 7, and ignored by validators that do not know it; yaml-language-server
                # shows it instead of the pattern itself.
                text["patternErrorMessage"] = _TEXT_OUTSIDE_SIDES_MESSAGE
            if kind.max_length is not None:
                text["maxLength"] = kind.max_length
            return text
        case spec.Slug():
            slug: _Json = {"type": "string", "pattern": spec.SLUG_PATTERN}
            if kind.max_length is not None:
                slug["maxLength"] = kind.max_length
            return slug
        case spec.Language():
            return {"type": "string", "pattern": spec.LANGUAGE_PATTERN}
        case spec.Choice():
            return {"enum": list(kind.values)}
        case spec.Duration():
            # Inline rather than a $ref, so the key's description stays beside it for hover help.
            choices: list[_Json] = [
                {"type": "number", "exclusiveMinimum": 0, "maximum": MAX_STEP_SECONDS},
                {
                    "type": "string",
                    "pattern": spec.DURATION_PATTERN if kind.zero else _NONZERO_DURATION_PATTERN,
                },
            ]
            if kind.ready:
                choices.append({"const": spec.READY})
                choices.append({"type": "string", "pattern": spec.READY_WITH_TIME_PATTERN})
            if kind.zero:
                choices.append({"const": 0})
            return {"anyOf": choices}
        case spec.WholeNumber():
            number: _Json = {"type": "integer", "minimum": kind.minimum}
            if kind.maximum is not None:
                number["maximum"] = kind.maximum
            return number
        case spec.Version():
            return {"const": kind.value}
        case spec.ListOf():
            return {"type": "array", "items": _type_schema(kind.item, in_sides)}
        case spec.SideList():
            return {
                "type": "array",
                "items": {"enum": list(spec.SIDES)},
                "minItems": 1,
                "uniqueItems": True,
            }
        case spec.Steps():
            step = "step_in_sides" if in_sides else "step"
            return {"type": "array", "minItems": 1, "items": {"$ref": f"#/definitions/{step}"}}
        case spec.RoutineRef():
            return {"type": "string", "pattern": spec.INCLUDE_PATTERN}
        case _:
            unreachable(kind)
