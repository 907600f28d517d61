"""``calfkit validate``: one line per problem, ``ok`` for good files, JSON, exit codes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from calfkit.cli import cli

ROUTINES = Path(__file__).parent.parent / "routines"
MORE = "more problems not shown (only the first 100 are); fix these first"
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

    def broken(path: object, **options: object) -> tuple[object, list[object]]:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(check, "examine", broken)  # what validate reads a file with
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


def test_a_cue_that_cannot_be_heard_in_its_step_is_a_warning_and_strict_makes_it_fail(
    tmp_path: Path,
) -> None:
    import json

    path = tmp_path / "tight.yaml"
    path.write_text(
        "calfkit: 1\ntitle: Tight\nsteps:\n"
        "  - count: 3\n    every: 1\n"
        "  - do: Raise your hips and roll slowly up the calf, pausing on each tender spot.\n"
        "    duration: 2\n"
        "  - rest: 20\n"
        "  - do: This one has the whole rest before it to start in, so it fits.\n"
        "    duration: 2\n"
    )
    runner = CliRunner()
    result = runner.invoke(cli, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    (line,) = result.output.splitlines()
    assert line.startswith(f"{path}:6:5: warning: this cue takes about ")
    assert "sped up or heard late" in line
    strict = runner.invoke(cli, ["validate", "--strict", str(path)])
    assert strict.exit_code == 1 and strict.output == result.output
    as_json = runner.invoke(cli, ["validate", "--format", "json", str(path)])
    assert as_json.exit_code == 0
    (problem,) = json.loads(as_json.output)
    assert problem["severity"] == "warning" and problem["line"] == 6


def test_the_language_key_takes_a_bcp_47_tag(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text("calfkit: 1\ntitle: G\nlanguage: en-GB\nsteps:\n  - rest: 5\n")
    bad = tmp_path / "bad.yaml"
    bad.write_text("calfkit: 1\ntitle: B\nlanguage: english!\nsteps:\n  - rest: 5\n")
    result = CliRunner().invoke(cli, ["validate", str(good), str(bad)])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{good}: ok",
        f"{bad}:3:11: error: 'language' must be a BCP 47 language tag like en, en-GB or de; "
        "found 'english!'",
    ]


def test_a_file_with_more_warnings_than_the_cap_still_loads_and_is_ok(tmp_path: Path) -> None:
    # 150 warnings: past the cap of 100, the 101st was counted as an error, so a file with
    # nothing wrong in it failed validate and could not be shown or played.
    path = tmp_path / "chatty.yaml"
    path.write_text(
        "title: Chatty\nsteps:\n" + "- rest: 1\n  cue: 'Rest {sdie} here'\n" * 150,
        encoding="utf-8",
    )
    runner = CliRunner()
    result = runner.invoke(cli, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 101
    assert all(": warning: " in line for line in lines)
    assert lines[-1].endswith(f"warning: {MORE}")
    assert runner.invoke(cli, ["validate", "--strict", str(path)]).exit_code == 1
    shown = runner.invoke(cli, ["show", str(path)])
    assert shown.exit_code == 0, shown.output
    assert "150." in shown.output

    from calfkit import library

    assert len(library.load(path).steps) == 150


def test_cues_too_long_for_their_steps_are_capped_like_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "hurried.yaml"
    path.write_text(
        "title: Hurried\nsteps:\n"
        + "".join(
            f"- do: Rise onto the balls of your feet and lower the heels, number {n}.\n"
            "  duration: 0.5\n"
            for n in range(300)
        ),
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 101
    assert all("sped up or heard late" in line for line in lines[:-1])
    assert lines[0].startswith(f"{path}:3:3: warning: ")
    assert lines[-1].endswith(f"warning: {MORE}")


def test_an_error_after_a_hundred_warnings_is_shown_not_hidden_behind_them(
    tmp_path: Path,
) -> None:
    path = tmp_path / "chatty-and-wrong.yaml"
    path.write_text(
        "title: Chatty\nsteps:\n"
        + "- rest: 1\n  cue: 'Rest {sdie} here'\n" * 120
        + "- rest: forever\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    result = runner.invoke(cli, ["validate", str(path)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert len(lines) == 101
    error = (
        f"{path}:243:9: error: rest step: 'rest' must be a duration like 30, 45s, 1m30s or "
        "\"1:30\"; found 'forever'"
    )
    assert error in lines
    assert sum(": warning: rest step: " in line for line in lines) == 99
    # Only warnings were left out to make room for it, so the last line is a warning.
    assert lines[-1] == f"{path}:243:9: warning: {MORE}"
    shown = runner.invoke(cli, ["show", str(path)])
    assert shown.exit_code == 1
    assert error in shown.output


def test_a_mistyped_routine_name_gets_a_did_you_mean_as_show_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["validate", "calf_release", "Calf-Release", "no_such"])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "calf_release:1:1: error: no such file (did you mean the routine 'calf-release'?)",
        "Calf-Release:1:1: error: no such file (did you mean the routine 'calf-release'?)",
        "no_such:1:1: error: no such file",
    ]


def test_json_is_spelt_as_list_show_and_history_spell_it(runner: CliRunner) -> None:
    files = ["good/minimal.yaml", *(str(path.relative_to(ROUTINES)) for path in BAD[:3])]
    spelt_json = runner.invoke(cli, ["validate", "--json", *files])
    spelt_format = runner.invoke(cli, ["validate", "--format", "json", *files])
    assert spelt_json.exit_code == spelt_format.exit_code == 1
    assert spelt_json.stdout == spelt_format.stdout
    assert len(json.loads(spelt_json.stdout)) >= 3
    both = runner.invoke(cli, ["validate", "--json", "--format", "json", "good/minimal.yaml"])
    assert (both.exit_code, both.stdout) == (0, "[]\n")


def test_json_and_format_text_together_are_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["validate", "--json", "--format", "text", "good/minimal.yaml"])
    assert result.exit_code == 2
    assert "--json and --format text ask for different output" in result.stderr


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CALFKIT_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("CALFKIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("CALFKIT_HISTORY", str(tmp_path / "history.sqlite3"))
    monkeypatch.delenv("CALFKIT_PATH", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    (tmp_path / "config" / "routines").mkdir(parents=True)
    return tmp_path


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, bytes, bytes]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False, env=env)
    return result.exit_code, result.stdout_bytes, result.stderr_bytes


def test_validate_checks_the_rest_when_one_file_cannot_be_read(home: Path) -> None:
    good = home / "good.yaml"
    good.write_text("title: Good\nsteps: [{rest: 1}]\n", encoding="utf-8")
    loop = home / "loop.yaml"
    os.symlink(loop.name, loop)
    code, out, _ = run("validate", str(loop), str(good))
    assert code == 1
    assert out.decode().splitlines() == [
        f"{loop}:1:1: error: cannot read the file: a loop of symbolic links",
        f"{good}: ok",
    ]


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX file modes")
def test_validate_of_an_unreadable_file_is_a_problem_not_a_usage_error(home: Path) -> None:
    import subprocess
    import sys

    from tests.privileges import without_root_powers

    good = home / "good.yaml"
    good.write_text("title: Good\nsteps: [{rest: 1}]\n", encoding="utf-8")
    locked = home / "locked.yaml"
    locked.write_text("title: Locked\nsteps: [{rest: 1}]\n", encoding="utf-8")
    locked.chmod(0)
    command = [sys.executable, "-m", "calfkit", "validate", str(locked), str(good)]
    done = subprocess.run(without_root_powers(command), capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stderr) == (1, "")
    assert done.stdout.splitlines() == [
        f"{locked}:1:1: error: cannot read the file: permission denied",
        f"{good}: ok",
    ]


def test_validate_takes_a_routine_name_as_the_other_commands_do(home: Path) -> None:
    code, out, _ = run("validate", "calf-release", "no-such-routine")
    assert code == 1
    shown = out.decode().splitlines()
    assert shown[0] == "calf-release: ok"
    assert shown[1].startswith("no-such-routine:1:1: error: no routine named 'no-such-routine'")


def test_a_ready_steps_cue_is_measured_with_the_time_a_track_says_after_it(
    tmp_path: Path,
) -> None:
    """In a track a ready step's cue ends "You have 5 seconds."; validate counts that too."""
    path = tmp_path / "ready.yaml"
    cue = "Lift your hips and lay the roller across your body, under the pelvis."
    path.write_text(f"title: R\nsteps:\n  - prepare: {cue}\n    duration: ready 5s\n")
    result = CliRunner().invoke(cli, ["validate", str(path)])
    (line,) = result.output.splitlines()
    assert line.startswith(f"{path}:3:5: warning: this cue takes about ")
    # The same cue as a plain timed step of 5 s fits: the added sentence is what is too long.
    path.write_text(f"title: R\nsteps:\n  - prepare: {cue}\n    duration: 5s\n")
    assert CliRunner().invoke(cli, ["validate", str(path)]).output == f"{path}: ok\n"
