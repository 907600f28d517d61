"""Every command's ``--help``, the group's help and version, and what ``--help`` imports."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from calfkit import __version__
from calfkit.cli import COMMANDS, cli


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), prog_name="calfkit", env={"COLUMNS": "100"})
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("name", list(COMMANDS))
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_every_command_has_help(name: str, flag: str) -> None:
    code, out, err = run(name, flag)
    assert (code, err) == (0, "")
    assert out.startswith(f"Usage: calfkit {name} ")
    assert "Options:" in out and "--help" in out
    assert len(out.splitlines()) >= 5  # a description, not only the usage line


def test_group_help_lists_every_command_with_its_summary() -> None:
    code, out, err = run("--help")
    assert (code, err) == (0, "")
    assert out.startswith("Usage: calfkit [OPTIONS] COMMAND [ARGS]...\n")
    commands = out.split("Commands:\n", 1)[1].splitlines()
    assert [line.split()[0] for line in commands] == list(COMMANDS)
    for line, (_, summary) in zip(commands, COMMANDS.values(), strict=True):
        assert " ".join(line.split()[1:]) == summary


def test_version_prints_the_one_version() -> None:
    assert run("--version") == (0, f"calfkit {__version__}\n", "")


def test_an_unknown_command_is_a_usage_error() -> None:
    code, _, err = run("lits")
    assert code == 2 and "No such command 'lits'" in err


def test_group_help_imports_no_command_and_nothing_heavy() -> None:
    script = (
        "import sys\n"
        "from calfkit.cli import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(' '.join(sorted(sys.modules)), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    loaded = set(done.stderr.split())
    assert "calfkit.cli" in loaded
    heavy = {"rich", "yaml", "platformdirs", "calfkit.format.check", "calfkit.library"}
    assert heavy & loaded == set()
    assert {m for m in loaded if m.endswith("_cmd")} == set()


def test_the_lead_in_default_reads_3_in_play_and_export() -> None:
    for name in ("play", "export"):
        out = " ".join(run(name, "--help")[1].split())
        assert "0 for none. [default: 3]" in out, name
        assert "3.0" not in out, name


def test_the_voice_rate_range_is_said_once_and_as_the_sound_guide_says() -> None:
    from pathlib import Path

    for name in ("play", "export"):
        out = " ".join(run(name, "--help")[1].split())
        assert out.count("80 to 450 words a minute") == 1, name
        assert "<=x<=" not in out, name
    guide = (Path(__file__).resolve().parents[2] / "docs" / "sound.md").read_text(encoding="utf-8")
    assert "(80 to 450 words a minute" in " ".join(guide.split())


@pytest.mark.parametrize("rate", ["79", "451"])
def test_a_voice_rate_outside_the_range_is_a_usage_error(rate: str) -> None:
    for name in ("play", "export"):
        code, _, err = run(
            name, "calf-release", *(["x.wav"] if name == "export" else []), "--voice-rate", rate
        )
        assert code == 2, name
        assert f"must be 80 to 450 words a minute, not {rate}" in err, name
