"""The JSON Schema (Draft 7) of the plan format, built from :mod:`calfkit.plan.spec`, for
editors (``calfkit schema --plan``). Whether a named routine exists, and session days that
fall on rest days, only ``calfkit plan validate`` can check."""

from __future__ import annotations

from calfkit.format import spec as routine_spec
from calfkit.model import MAX_STEP_SECONDS
from calfkit.plan import spec
from calfkit.plan.model import MAX_ROUNDS, MAX_WEEKS, WEEKDAY_NAMES, WEEKDAYS
from calfkit.text import SLUG_PATTERN

_Json = dict[str, object]


def _kind(kind: spec.Kind) -> _Json:
    if kind is spec.Kind.VERSION:
        return {"const": 1}
    if kind is spec.Kind.SLUG:
        return {"type": "string", "pattern": SLUG_PATTERN, "maxLength": 64}
    if kind is spec.Kind.TITLE:
        return {"type": "string", "minLength": 1, "maxLength": spec.MAX_TITLE, "pattern": r"\S"}
    if kind is spec.Kind.TEXT:
        return {"type": "string", "pattern": r"\S"}
    if kind is spec.Kind.ROUTINE:
        return {"type": "string", "pattern": routine_spec.INCLUDE_PATTERN}
    if kind is spec.Kind.WEEKDAYS:
        names = [*WEEKDAYS, *WEEKDAY_NAMES]
        return {"type": "array", "items": {"enum": names}, "uniqueItems": True}
    if kind is spec.Kind.TIME:
        return {"type": "string", "pattern": spec.TIME_PATTERN}
    if kind is spec.Kind.YES_NO:
        return {"type": "boolean"}
    if kind is spec.Kind.DURATION:
        return {
            "oneOf": [
                {"type": "number", "exclusiveMinimum": 0, "maximum": MAX_STEP_SECONDS},
                {"type": "string", "pattern": routine_spec.DURATION_PATTERN},
            ]
        }
    if kind is spec.Kind.SESSIONS:
        return {
            "type": "array",
            "minItems": 1,
            "maxItems": spec.MAX_SESSIONS,
            "items": {"$ref": "#/definitions/session"},
        }
    if kind is spec.Kind.HOLD_RULE:
        return _object(spec.HOLD_KEYS)
    if kind is spec.Kind.ROUNDS_RULE:
        return _object(spec.ROUNDS_KEYS)
    bounds = {
        spec.Kind.WEEKS: (1, MAX_WEEKS),
        spec.Kind.WEEK: (1, MAX_WEEKS),
        spec.Kind.TIMES: (1, 7),
        spec.Kind.ROUNDS: (1, MAX_ROUNDS),
    }
    low, high = bounds[kind]
    return {"type": "integer", "minimum": low, "maximum": high}


def _object(keys: tuple[spec.Key, ...]) -> _Json:
    properties = {
        key.name: {**_kind(key.kind), "description": f"{key.help} ({key.kind.value})"}
        for key in keys
    }
    return {
        "type": "object",
        "properties": properties,
        "required": [key.name for key in keys if key.required],
        "additionalProperties": False,
    }


def json_schema() -> _Json:
    """The plan format as a Draft-7 JSON Schema."""
    session = _object(spec.SESSION_KEYS)
    session["description"] = "One routine of the plan and its days: 'days' or 'times_a_week'."
    session["oneOf"] = [{"required": ["days"]}, {"required": ["times_a_week"]}]
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "calfkit plan",
        "description": "A calfkit practice plan (format version 1): routines on days, for weeks.",
        **_object(spec.TOP_KEYS),
        "definitions": {"session": session},
    }
