"""A routine named on the command line: a mistyped name gets a did-you-mean, a file in the
current folder is told to be given as a path, a name too long is a name too long."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from calfkit.cli import cli
from tests.program import calfkit

FAST = ("--plain", "--speed", "1000", "--lead-in", "0", "--sound", "off", "--no-voice")


@pytest.mark.parametrize("typed", ["calf_release", "Calf-Release", "CALF_RELEASE"])
def test_a_mistyped_routine_name_is_not_only_no_such_file(tmp_path: Path, typed: str) -> None:
    for command in ("show", "play"):
        done = calfkit(tmp_path, command, typed, *(FAST if command == "play" else ()))
        assert done.returncode == 1
        assert done.stderr == (
            f"calfkit: error: {typed}: no such file (did you mean the routine 'calf-release'?)\n"
        )


def test_a_name_whose_file_is_in_the_current_folder_says_to_give_its_path(
    tmp_path: Path,
) -> None:
    (tmp_path / "mine.yaml").write_text("title: Mine\nsteps:\n  - rest: 5\n")
    expected = "no routine named 'mine', but ./mine.yaml is here: give its path (./mine.yaml)"
    done = calfkit(tmp_path, "show", "mine")
    assert done.returncode == 1
    assert done.stderr == f"calfkit: error: {expected} to use it\n"
    done = calfkit(tmp_path, "validate", "mine")
    assert done.returncode == 1
    assert done.stdout == f"mine:1:1: error: {expected} to use it\n"
    assert calfkit(tmp_path, "show", "./mine.yaml").returncode == 0


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


FAST_PLAY = ("--plain", "--speed", "1000", "--lead-in", "0", "--sound", "off")


@pytest.mark.parametrize("command", ["show", "play", "export", "validate"])
def test_a_300_character_argument_is_a_name_too_long(
    home: Path, command: str, tmp_path: Path
) -> None:
    extra = ["--wav", str(tmp_path / "x.wav")] if command == "export" else []
    if command == "play":
        extra = list(FAST_PLAY)
    code, out, err = run(command, "a" * 300, *extra)
    assert code == 1
    assert b"Traceback" not in err
    assert b"name too long" in out + err


def test_play_completes_the_word_today_beside_the_routine_names(home: Path) -> None:
    """``calfkit play today`` is in the README; Tab offers it (and only for play)."""
    from click.shell_completion import ShellComplete

    complete = ShellComplete(cli, {}, "calfkit", "_CALFKIT_COMPLETE")
    assert [item.value for item in complete.get_completions(["play"], "to")] == ["today"]
    everything = [item.value for item in complete.get_completions(["play"], "")]
    assert "today" in everything and "calf-release" in everything
    assert [item.value for item in complete.get_completions(["show"], "to")] == ["to"]
    calf = [item.value for item in complete.get_completions(["play"], "calf-re")]
    assert calf == ["calf-release", "calf-release-walk"]


@pytest.mark.parametrize("command", ["start", "show", "export", "validate"])
def test_plan_commands_complete_plan_names_yours_and_the_built_in_ones(
    home: Path, command: str
) -> None:
    from click.shell_completion import ShellComplete

    plans = home / "config" / "plans"
    plans.mkdir()
    (plans / "four-short-weeks.yaml").write_text("title: Mine\nweeks: 1\n", encoding="utf-8")
    complete = ShellComplete(cli, {}, "calfkit", "_CALFKIT_COMPLETE")
    names = [item.value for item in complete.get_completions(["plan", command], "four-")]
    assert names == ["four-short-weeks", "four-calm-weeks"]
    paths = complete.get_completions(["plan", command], "./my")
    assert [(item.value, item.type) for item in paths] == [("./my", "file")]


def test_bash_completes_a_plan_name_through_the_real_entry_point(home: Path) -> None:
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "CALFKIT_CONFIG_DIR": str(home / "config"),
        "_CALFKIT_COMPLETE": "bash_complete",
        "COMP_WORDS": "calfkit plan start four",
        "COMP_CWORD": "3",
    }
    script = "from calfkit.cli import main; main()"
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "plain,four-calm-weeks\n", "")
