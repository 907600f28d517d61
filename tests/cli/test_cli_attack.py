"""What an outside tester broke after issue 12 was fixed: each case failed before its fix.

Terminal encodings that are not UTF-8, a speed so low its deadlines overflow ``time.sleep``, and
lead-ins so long they never end.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from calfkit.cli import cli

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


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout + result.stderr


@pytest.fixture
def short(tmp_path: Path) -> str:
    path = tmp_path / "short.yaml"
    path.write_text("title: Short\nsteps:\n  - do: Go\n    duration: 1\n", encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("speed", ["0.001", "1e-10", "1e-308"])
def test_a_speed_too_low_to_wait_for_is_a_usage_error(short: str, speed: str) -> None:
    # Before: 1e-10 ended with "playback failed: OverflowError: timestamp out of range".
    code, output = run("play", short, "--plain", "--sound", "off", "--speed", speed)
    assert code == 2, output
    assert "--speed" in output and "0.01" in output


@pytest.mark.parametrize("command", ["play", "export"])
@pytest.mark.parametrize("lead_in", ["7201", "1e308"])
def test_a_lead_in_past_two_hours_is_a_usage_error(
    short: str, tmp_path: Path, command: str, lead_in: str
) -> None:
    # Before: play counted 1e308 seconds down (and hung, printing nothing); export never ended.
    args = (
        ("play", short, "--plain", "--sound", "off", "--no-history")
        if command == "play"
        else ("export", short, str(tmp_path / "out.wav"))
    )
    code, output = run(*args, "--lead-in", lead_in)
    assert code == 2, output
    assert "--lead-in" in output and "7200" in output
    assert not (tmp_path / "out.wav").exists()


def test_the_longest_lead_in_and_the_slowest_speed_still_play(short: str) -> None:
    code, output = run(
        "play", short, "--plain", "--sound", "off", "--no-history", "--speed", "1e6",
        "--lead-in", "7200",
    )  # fmt: skip
    assert code == 0, output
    assert "Finished" in output


def test_an_included_symlink_loop_is_named_as_one(tmp_path: Path) -> None:
    # Before: "included routine 'loop.yaml' not found: …/loop.yaml does not exist".
    (tmp_path / "loop.yaml").symlink_to(tmp_path / "other.yaml")
    (tmp_path / "other.yaml").symlink_to(tmp_path / "loop.yaml")
    main = tmp_path / "main.yaml"
    main.write_text("title: Main\nsteps:\n  - routine: loop.yaml\n", encoding="utf-8")
    code, output = run("validate", str(main))
    assert code == 1, output
    assert f"{main}:3:14: error: " in output
    assert "a loop of symbolic links" in output and "does not exist" not in output
