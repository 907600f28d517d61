"""Every command's ``--help``, the group's help and version, and what ``--help`` imports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

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


UNICODE_ROUTINE = (
    "title: Ünï 🦵 ✓ stretch…\nsteps:\n  - do: Heel → wall, “soft” knees 🦶\n    duration: 9\n"
)


def calfkit(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[bytes]:
    """The real program, so stdout has the encoding the environment gives it."""
    full = dict(os.environ)
    full.update(CALFKIT_CONFIG_DIR=str(tmp_path / "config"), COLUMNS="120", **env)
    for name in ("PYTHONUTF8", "PYTHONIOENCODING", "LC_ALL", "LANG", "PYTHONCOERCECLOCALE"):
        if name not in env:
            full.pop(name, None)
    return subprocess.run(
        [sys.executable, "-m", "calfkit", *args],
        env=full,
        capture_output=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
        cwd=tmp_path,
    )


@pytest.mark.parametrize(
    "env",
    [
        {"PYTHONIOENCODING": "latin-1"},
        {"PYTHONIOENCODING": "ascii"},
        # LANG=C without Python's locale coercion: an ASCII stdout with surrogateescape.
        {"LC_ALL": "C", "LANG": "C", "PYTHONCOERCECLOCALE": "0", "PYTHONUTF8": "0"},
    ],
    ids=["latin-1", "ascii", "C-locale"],
)
@pytest.mark.parametrize(
    "args",
    [
        ("list",),
        ("show", "uni.yaml"),
        ("show", "uni.yaml", "--json"),
        ("play", "uni.yaml", "--plain", "--speed", "1000", "--lead-in", "0", "--sound", "off"),
    ],
    ids=lambda args: args[0] + ("-json" if "--json" in args else ""),
)
def test_a_terminal_that_is_not_utf8_gets_replacements_not_a_traceback(
    tmp_path: Path, env: dict[str, str], args: tuple[str, ...]
) -> None:
    (tmp_path / "uni.yaml").write_text(UNICODE_ROUTINE, encoding="utf-8")
    result = calfkit(
        tmp_path,
        *args,
        CALFKIT_PATH=str(tmp_path),
        CALFKIT_HISTORY=str(tmp_path / "h.sqlite3"),
        **env,
    )
    assert b"Traceback" not in result.stderr, result.stderr.decode(errors="replace")
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    assert b"stretch" in result.stdout or b"Heel" in result.stdout


# A real SIGINT, sent by the process to itself at the moment it imports one module: Ctrl-C
# in the first tens of milliseconds of a command, made to happen every time.
_CTRL_C_AT_IMPORT = """
import importlib.abc, os, runpy, signal, sys
AT = sys.argv[1]
class CtrlC(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name == AT:
            os.kill(os.getpid(), signal.SIGINT)
        return None
sys.meta_path.insert(0, CtrlC())
sys.argv = ["calfkit", *sys.argv[2:]]
runpy.run_module("calfkit", run_name="__main__")
"""


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("module", ["click", "click.core"])
def test_ctrl_c_while_the_command_line_is_starting_ends_with_130_and_no_traceback(
    tmp_path: Path, module: str
) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _CTRL_C_AT_IMPORT, module, "list"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
        env=dict(os.environ, CALFKIT_CONFIG_DIR=str(tmp_path / "config")),
    )
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 130


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX shell")
def test_with_stderr_closed_no_warning_lands_in_stdout(tmp_path: Path) -> None:
    routines = tmp_path / "config" / "routines"
    routines.mkdir(parents=True)
    (routines / "gone.yaml").symlink_to(tmp_path / "moved-away.yaml")  # a warning on stderr
    env = dict(os.environ, CALFKIT_CONFIG_DIR=str(tmp_path / "config"))

    def closed_stderr(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["sh", "-c", 'exec "$0" -m calfkit "$@" 2>&-', sys.executable, *args],
            env=env,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=60,
            cwd=tmp_path,
        )

    listed = closed_stderr("list", "--json")
    assert listed.returncode == 0
    names = [entry["name"] for entry in json.loads(listed.stdout)]  # nothing but the JSON
    assert "calf-release" in names
    missing = closed_stderr("show", "no-such-routine")
    assert missing.returncode == 1
    assert missing.stdout == ""


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
