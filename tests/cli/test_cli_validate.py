"""``calfkit validate``: one line per problem, ``ok`` for good files, JSON, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from calfkit.cli import cli

ROUTINES = Path(__file__).parent.parent / "routines"
BAD = sorted((ROUTINES / "bad").glob("*.y*ml"))


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(ROUTINES)
    return CliRunner()


def test_a_valid_file_prints_ok_and_exits_0(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["validate", "good/full-example.yaml"])
    assert result.exit_code == 0
    assert result.output == "good/full-example.yaml: ok\n"


def test_several_files_are_all_checked_in_order(runner: CliRunner) -> None:
    result = runner.invoke(
        cli, ["validate", "good/minimal.yaml", "bad/limits.yaml", "good/every-kind.yaml"]
    )
    assert result.exit_code == 1
    expected = (ROUTINES / "bad" / "limits.expected").read_text(encoding="utf-8")
    assert result.output == ("good/minimal.yaml: ok\n" + expected + "good/every-kind.yaml: ok\n")


@pytest.mark.parametrize("path", BAD, ids=lambda path: path.name)
def test_every_bad_file_prints_its_problems_and_exits_1(runner: CliRunner, path: Path) -> None:
    result = runner.invoke(cli, ["validate", f"bad/{path.name}"])
    assert result.exit_code == 1
    assert result.output == path.with_suffix(".expected").read_text(encoding="utf-8")
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_missing_file_is_a_positioned_error_and_exits_1(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["validate", "good/minimal.yaml", "nowhere.yaml"])
    assert result.exit_code == 1
    assert result.output == "good/minimal.yaml: ok\nnowhere.yaml:1:1: error: no such file\n"


def test_json_lists_every_problem_with_its_place(runner: CliRunner) -> None:
    result = runner.invoke(
        cli, ["validate", "--format", "json", "good/minimal.yaml", "bad/self-include.yaml"]
    )
    assert result.exit_code == 1
    assert json.loads(result.output) == [
        {
            "path": "bad/self-include.yaml",
            "line": 4,
            "column": 14,
            "severity": "error",
            "message": "include cycle: bad/self-include.yaml -> bad/self-include.yaml",
        }
    ]


def test_json_for_valid_files_is_an_empty_list_and_exits_0(runner: CliRunner) -> None:
    result = runner.invoke(
        cli, ["validate", "--format=json", "good/minimal.yaml", "good/every-kind.yaml"]
    )
    assert result.exit_code == 0
    assert json.loads(result.output) == []


def test_no_path_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["validate"])
    assert result.exit_code == 2
    assert "Missing argument 'ROUTINE...'" in result.output


def test_an_unknown_format_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["validate", "--format", "xml", "good/minimal.yaml"])
    assert result.exit_code == 2
    assert "'xml' is not one of 'text', 'json'" in result.output


def test_a_file_that_crashes_the_checker_still_gets_a_line_not_a_traceback(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    from calfkit.format import check

    def broken(path: object, **options: object) -> list[object]:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(check, "check", broken)
    result = runner.invoke(cli, ["validate", "good/minimal.yaml"])
    assert result.exit_code == 1
    assert result.output == (
        "good/minimal.yaml:1:1: error: calfkit could not check this file "
        "(RecursionError: maximum recursion depth exceeded)\n"
    )


def test_the_built_in_routines_validate(monkeypatch: pytest.MonkeyPatch) -> None:
    builtins = sorted((Path(__file__).parent.parent.parent / "routines").glob("*.yaml"))
    assert builtins
    result = CliRunner().invoke(cli, ["validate", *map(str, builtins)])
    assert result.exit_code == 0
    assert result.output == "".join(f"{path}: ok\n" for path in builtins)


def test_validate_runs_as_a_real_command(tmp_path: Path) -> None:
    import subprocess
    import sys

    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"title: x\nsteps:\n  - rest: 0\n")
    completed = subprocess.run(
        [sys.executable, "-m", "calfkit", "validate", str(bad)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 1
    assert completed.stdout == (
        f"{bad}:3:11: error: rest step: 'rest' must be more than 0 seconds; found 0\n"
    )
    assert completed.stderr == ""
