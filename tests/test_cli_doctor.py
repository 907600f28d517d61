"""``calfkit doctor``: every back end checked for real, the auto pick named, a test beep."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from calfkit.sound.capture import FakeCard, default_device_opens, identify
from calfkit.sound.tones import Sound

linux_alsa = pytest.mark.skipif(
    not sys.platform.startswith("linux") or not Path("/usr/share/alsa/alsa.conf").exists(),
    reason="ALSA's file plugin needs Linux with ALSA installed",
)


def tools(tmp_path: Path, *names: str) -> str:
    """A PATH holding only ``names`` (so a desktop's pw-play or paplay is not found first)."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for name in names:
        found = shutil.which(name)
        if found is None:
            pytest.skip(f"{name} is not installed")
        (folder / name).symlink_to(found)
    return str(folder)


def doctor(env: dict[str, str], *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "calfkit", "doctor", *options],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        start_new_session=True,  # no controlling terminal, so no bell to ring
    )


@pytest.mark.audio
@linux_alsa
def test_doctor_on_a_working_card_lists_each_back_end_picks_simpleaudio_and_beeps(
    tmp_path: Path,
) -> None:
    card = FakeCard(tmp_path / "card")
    path = tools(tmp_path, "aplay", "espeak-ng", "sh", "date", "cat")
    result = doctor(card.env(dict(os.environ, PATH=path)))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout == (
        "Sound (--sound auto takes the first that works, in this order):\n"
        "  simpleaudio  works  <- auto\n"
        "  miniaudio    works: miniaudio (ALSA)\n"
        "  system       works: the system player (aplay)\n"
        "  bell         no: no terminal to ring (No such device or address)\n"
        "  off          works: silence\n"
        "--sound auto picks: simpleaudio\n"
        "Speech (--voice):\n"
        f"  espeak-ng  works: {path}/espeak-ng\n"
        "  say        no: macOS only\n"
        "Test beep: played through simpleaudio (a rising two-note chime)\n"
    )
    heard = [identify(s.samples) for s in card.streams() if any(s.samples)]
    assert heard == [Sound.STEP]  # checking made no sound; the test beep reached the card


@pytest.mark.audio
@linux_alsa
def test_doctor_without_a_card_says_why_each_back_end_fails_and_prints_no_alsa_lines(
    tmp_path: Path,
) -> None:
    env = {k: v for k, v in os.environ.items() if k != "ALSA_CONFIG_PATH"}
    if default_device_opens(env):
        pytest.skip("this machine has a sound device")
    env["PATH"] = tools(tmp_path, "aplay")
    result = doctor(env)
    assert result.returncode == 0
    assert "ALSA lib" not in result.stdout + result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    missing = "ALSA cannot open its default device: No such file or directory"
    assert lines[1] == f"  simpleaudio  no: {missing}"
    assert lines[2].startswith("  miniaudio    no: no audio device (")
    assert lines[3] == f"  system       no: aplay: {missing}"
    assert lines[6] == "--sound auto picks: off"
    assert lines[8] == "  espeak-ng  no: not installed (e.g. `sudo apt install espeak-ng`)"
    assert lines[-1] == "Test beep: not played: no sound back end works here"


def test_doctor_help_names_the_beep_option() -> None:
    from click.testing import CliRunner

    from calfkit.cli import cli

    result = CliRunner().invoke(cli, ["doctor", "--help"])
    assert result.exit_code == 0
    assert "--no-beep" in result.output
