"""``calfkit schema``: the routine format's JSON Schema, printed for editors."""

from __future__ import annotations

import json

import jsonschema
from click.testing import CliRunner

from calfkit.cli import cli
from calfkit.schema import json_schema


def test_schema_prints_the_draft_7_schema_as_indented_json() -> None:
    result = CliRunner().invoke(cli, ["schema"])
    assert result.exit_code == 0
    printed = json.loads(result.output)
    assert printed == json_schema()
    jsonschema.Draft7Validator.check_schema(printed)
    assert result.output == json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


def test_schema_takes_no_arguments() -> None:
    result = CliRunner().invoke(cli, ["schema", "extra"])
    assert result.exit_code == 2


def test_schema_help_shows_the_editor_line() -> None:
    result = CliRunner().invoke(cli, ["schema", "--help"])
    assert result.exit_code == 0
    assert "# yaml-language-server: $schema=./calfkit.schema.json" in result.output
