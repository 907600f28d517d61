"""``calfkit doctor``: every back end checked for real, the auto pick named, a test beep."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from calfkit.sound.backends import simpleaudio_missing
from calfkit.sound.tones import Sound
from calfkit.testing.card import FakeCard, bursts, default_device_opens, identify

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


def installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def piper_line() -> str:
    """Doctor's piper line where the tests ask for the system voice: it depends on the piper
    extra, which the README's `pip install '.[test]'` does not install."""
    from calfkit.sound.piper import piper_installed

    if piper_installed():
        return "  piper      no: left out (the voice model asked for is 'system')"
    return "  piper      no: not installed (pip install 'calfkit-player[piper]')"


def simpleaudio_line(problem: str) -> str:
    """Doctor's simpleaudio line here: it depends on the extra and on the Python version."""
    if not installed("simpleaudio"):
        return f"  simpleaudio  no: {simpleaudio_missing()}"
    if problem:
        return f"  simpleaudio  no: {problem}"
    if sys.version_info >= (3, 12):
        return (
            "  simpleaudio  works: if asked for by name; auto skips it: skipped on Python 3.12"
            " and later, where it is known to crash (ask for it with --sound simpleaudio)"
        )
    return "  simpleaudio  works  <- auto"


@pytest.mark.audio
@linux_alsa
def test_doctor_on_a_working_card_lists_each_back_end_picks_the_first_and_beeps(
    tmp_path: Path,
) -> None:
    card = FakeCard(tmp_path / "card")
    path = tools(tmp_path, "aplay", "espeak-ng", "sh", "date", "cat")
    result = doctor(card.env(dict(os.environ, PATH=path)))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    # What is installed decides which back end auto picks: simpleaudio (the extra, before
    # Python 3.12), else miniaudio (the other extra), else aplay.
    if installed("simpleaudio") and sys.version_info < (3, 12):
        pick, label = "simpleaudio", "simpleaudio"
    elif installed("miniaudio"):
        pick, label = "miniaudio", "miniaudio (ALSA)"
    else:
        pick, label = "system", "the system player (aplay)"
    miniaudio = (
        "  miniaudio    works: miniaudio (ALSA)" + ("  <- auto" if pick == "miniaudio" else "")
        if installed("miniaudio")
        else "  miniaudio    no: not installed (pip install 'calfkit-player[audio]')"
    )
    system = "  system       works: the system player (aplay)"
    assert result.stdout == "\n".join(
        [
            "Sound (--sound auto takes the first that works, in this order):",
            simpleaudio_line(""),
            miniaudio,
            system + ("  <- auto" if pick == "system" else ""),
            "  bell         no: no terminal to ring (No such device or address)",
            "  off          works: silence",
            f"--sound auto picks: {pick}",
            "Speech (--voice):",
            piper_line(),
            f"  espeak-ng  works: {path}/espeak-ng",
            "  say        no: macOS only",
            "--voice speaks with: espeak-ng",
            f"Test beep: played through {label} (a rising two-note chime)",
            "",
        ]
    )
    # Checking made no sound; the test beep reached the card (miniaudio's stream goes on
    # with silence around it, so look for sounds inside each stream).
    heard = [
        identify(s.samples[b.start : b.end]) for s in card.streams() for b in bursts(s.samples)
    ]
    assert heard == [Sound.STEP]


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
    assert lines[1] == simpleaudio_line(missing)
    if installed("miniaudio"):
        assert lines[2].startswith("  miniaudio    no: no audio device (")
    else:
        assert lines[2] == "  miniaudio    no: not installed (pip install 'calfkit-player[audio]')"
    assert lines[3] == f"  system       no: aplay: {missing}"
    assert lines[6] == "--sound auto picks: off"
    assert lines[8] == piper_line()
    assert lines[9] == "  espeak-ng  no: not installed (e.g. `sudo apt install espeak-ng`)"
    assert lines[11] == "--voice speaks with: none (no speech engine found)"
    assert lines[-1] == "Test beep: not played: no sound back end works here"


@pytest.mark.pty
@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_doctor_with_only_the_bell_says_it_rang_and_that_speech_cannot_be_heard(
    tmp_path: Path,
) -> None:
    import pexpect

    # An ALSA default that cannot open stands for "no sound card", on any machine.
    config = tmp_path / "asound.conf"
    config.write_text("pcm.!default { type hw; card 31 }\n")
    env = dict(os.environ, ALSA_CONFIG_PATH=f"/usr/share/alsa/alsa.conf:{config}")
    env["PATH"] = tools(tmp_path, "espeak-ng")
    child = pexpect.spawn(
        sys.executable, ["-m", "calfkit", "doctor"], env=env, encoding="utf-8", timeout=60
    )
    output = child.read()
    child.close()
    assert child.exitstatus == 0, output
    lines = output.splitlines()
    assert "  bell         works: the terminal bell  <- auto" in lines
    assert (
        f"  espeak-ng  no: {env['PATH']}/espeak-ng speaks, but no sound device works here"
        " to hear it through"
    ) in lines
    # The bell really rang (its BEL reached the terminal), then doctor said so.
    assert lines[-1] == "\aTest beep: rang the terminal bell (the only sound it can make)"
    assert output.count("\a") == 1


def test_doctor_help_names_the_beep_option() -> None:
    from click.testing import CliRunner

    from calfkit.cli import cli

    result = CliRunner().invoke(cli, ["doctor", "--help"])
    assert result.exit_code == 0
    assert "--no-beep" in result.output


@pytest.mark.skipif(
    importlib.util.find_spec("piper") is None or importlib.util.find_spec("onnxruntime") is None,
    reason="Piper is not installed (pip install 'calfkit-player[piper]')",
)
def test_doctor_with_a_model_piper_cannot_load_does_not_name_it_as_the_voice(
    tmp_path: Path,
) -> None:
    """A garbage .onnx with a good config: the Piper line says it cannot load, and the voice
    in use is none (play turns spoken cues off with that model), never "Piper (garbage)"."""
    model = tmp_path / "garbage.onnx"
    model.write_bytes(os.urandom(20_000))
    Path(f"{model}.json").write_text('{"espeak": {"voice": "en-us"}}')
    env = dict(os.environ, CALFKIT_CACHE_DIR=str(tmp_path / "cache"))
    done = doctor(env, "--no-beep", "--voice-model", str(model))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    piper = next(line for line in lines if line.startswith("  piper"))
    assert "no: Piper could not load garbage.onnx" in piper
    (in_use,) = [line for line in lines if line.startswith("--voice speaks with:")]
    assert in_use.startswith("--voice speaks with: none: Piper could not load garbage.onnx"), lines
    assert "Traceback" not in done.stderr
