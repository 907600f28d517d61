"""``calfkit schema``: the routine format's JSON Schema, printed for editors."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from calfkit.cli import cli
from calfkit.format.schema import json_schema
from calfkit.format.source import parse_bytes, plain_data


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


@pytest.mark.parametrize("xdg_config_home", [None, "xdg-config"])
def test_the_readme_schema_command_saves_beside_the_routines_and_checks_the_readme_example(
    tmp_path: Path, xdg_config_home: str | None
) -> None:
    """The README's editor set-up, run by bash as written, in a home with no calfkit folder,
    puts the schema in the folder ``calfkit new`` writes routines into, with and without
    XDG_CONFIG_HOME (it once wrote to ~/.config whatever XDG_CONFIG_HOME said)."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    (command,) = [
        block.strip()
        for block in re.findall(r"```sh\n(.*?)```", readme, re.S)
        if "calfkit schema >" in block
    ]
    home = tmp_path / "home"
    home.mkdir()
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "calfkit"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m calfkit "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("CALFKIT_CONFIG_DIR", "XDG_CONFIG_HOME")
    }
    env.update(HOME=str(home), PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}")
    if xdg_config_home is not None:
        env["XDG_CONFIG_HOME"] = str(tmp_path / xdg_config_home)
    done = subprocess.run(
        ["bash", "-c", command], env=env, capture_output=True, text=True, timeout=60
    )
    assert (done.returncode, done.stderr) == (0, "")
    starter = subprocess.run(
        [sys.executable, "-m", "calfkit", "new", "starter"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert starter.returncode == 0, starter.stderr
    routines = Path(starter.stdout.splitlines()[0]).parent
    expected = (tmp_path / xdg_config_home) if xdg_config_home else home / ".config"
    assert routines == expected / "calfkit" / "routines"
    saved = routines / "calfkit.schema.json"
    schema = json.loads(saved.read_text(encoding="utf-8"))
    assert schema == json_schema()
    example = readme.split("```yaml\n", 1)[1].split("```", 1)[0]
    source = parse_bytes(example.encode("utf-8"), "example.yaml")
    assert source.root is not None and not source.problems
    errors = list(jsonschema.Draft7Validator(schema).iter_errors(plain_data(source.root)))
    assert errors == []
