"""Speech engines: real espeak-ng; say and Windows' speech through their command lines and a
stand-in with their interface; spoken cues played for real through ALSA's file plugin."""

from __future__ import annotations

import importlib.util
import itertools
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from calfkit.session.outputs import build_sinks
from calfkit.session.settings import Settings
from calfkit.sound.plan import AFTER_CHIME_SECONDS, END_PHRASE
from calfkit.sound.speech import (
    SAPI_SCRIPT,
    EspeakVoice,
    SapiVoice,
    SayVoice,
    espeak_samples,
    find_voice,
    sapi_rate,
    say_voice_for,
)
from calfkit.sound.tones import SAMPLE_RATE, Sound, seconds
from calfkit.testing.card import FakeCard, identify
from tests.program import calfkit

AUDIO = Path(__file__).parent.parent / "audio"
ROUTINES = AUDIO / "routines"
has_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng not installed")


def espeak() -> EspeakVoice:
    found = shutil.which("espeak-ng")
    assert found is not None
    return EspeakVoice(found)


@has_espeak
def test_espeak_ng_renders_a_phrase_and_its_length_is_its_samples() -> None:
    samples, rate = espeak().render("Rest now.", 170)
    assert rate == 22050
    loud = [i for i, v in enumerate(samples) if abs(v) > 500]
    assert 0.3 < (loud[-1] - loud[0]) / rate < 2.0
    faster, _ = espeak().render("Rest now, and breathe out slowly.", 212)
    slower, _ = espeak().render("Rest now, and breathe out slowly.", 170)
    assert len(faster) < len(slower)  # a higher rate is a shorter phrase: speeding up works
    resampled = espeak_samples("Rest now.", SAMPLE_RATE)
    assert resampled is not None and len(resampled) == 2 * len(samples)


@has_espeak
def test_a_phrase_that_starts_with_a_dash_is_said_never_taken_for_an_option() -> None:
    voice = espeak()
    samples, rate = voice.render("-v -x --help: lift the heel", 170)
    words, _ = voice.render("minus v minus x minus minus help, lift the heel", 170)
    assert len(samples) / rate > 1.0  # said, not a usage message or a voice switch
    assert abs(len(samples) - len(words)) / rate < 1.5
    argv, _ = voice.command(170, None)
    assert "-v" in argv and argv[-1] == "en" and "lift" not in " ".join(argv)


@has_espeak
def test_a_cue_longer_than_any_argument_list_is_rendered_from_stdin() -> None:
    samples, rate = espeak().render("Breathe. " * 20_000, 400)  # 180 KB of text
    assert len(samples) / rate > 60


@has_espeak
def test_the_language_picks_espeak_ngs_voice_and_a_region_falls_back_to_its_language() -> None:
    german = EspeakVoice(espeak().program, "de")
    assert german.command(170, None)[0][-1] == "de"
    german.render("Hebe die Fersen.", 170)
    british = EspeakVoice(espeak().program, "en-GB")
    assert british.command(170, None)[0][-1] == "en-gb"
    british.render("Lift the heel.", 170)
    with pytest.raises(OSError, match="espeak-ng has no voice for the language 'zz'"):
        EspeakVoice(espeak().program, "zz").render("nothing", 170)


def test_say_gets_the_text_on_stdin_and_writes_a_wav_file() -> None:
    voice = SayVoice("/usr/bin/say", "en")
    argv, env = voice.command(190, "/tmp/x.wav")
    assert argv == [
        "/usr/bin/say", "-r", "190", "-o", "/tmp/x.wav", "--file-format=WAVE",
        "--data-format=LEI16@22050", "-f", "-",
    ]  # fmt: skip
    assert env == {}


def test_say_picks_a_voice_for_the_language_from_its_listing() -> None:
    listing = (
        "Alex                en_US    # Most people recognize me by my voice.\n"
        "Anna                de_DE    # Hallo, ich heiße Anna.\n"
        "Daniel              en_GB    # Hello, my name is Daniel.\n"
        "Good News           en_US    # Good news everyone\n"
    )
    assert say_voice_for(listing, "de") == "Anna"
    assert say_voice_for(listing, "en-GB") == "Daniel"
    assert say_voice_for(listing, "en-AU") == "Alex"  # the language's first voice
    assert say_voice_for(listing, "fr") is None


def test_windows_speech_gets_the_text_on_stdin_and_its_settings_in_the_environment() -> None:
    voice = SapiVoice("C:/powershell.exe", "de")
    argv, env = voice.command(170, "C:/tmp/x.wav")
    assert argv == ["C:/powershell.exe", "-NoProfile", "-NonInteractive", "-Command", SAPI_SCRIPT]
    assert env == {"CALFKIT_OUT": "C:/tmp/x.wav", "CALFKIT_RATE": "-1", "CALFKIT_LANGUAGE": "de"}
    assert sapi_rate(180) == 0 and sapi_rate(540) == 10 and sapi_rate(20) == -10
    assert "ReadToEnd" in SAPI_SCRIPT and "SetOutputToWaveFile" in SAPI_SCRIPT


FAKE_ENGINE = """\
import os, struct, sys, wave
text = sys.stdin.buffer.read().decode("utf-8")
args = sys.argv[1:]
out = args[args.index("-o") + 1] if "-o" in args else os.environ["CALFKIT_OUT"]
with open(out + ".txt", "w", encoding="utf-8") as log:
    log.write(text)
with wave.open(out, "wb") as w:
    w.setnchannels(1); w.setsampwidth(2); w.setframerate(22050)
    w.writeframes(struct.pack("<h", 1000) * (100 * len(text)))
"""


@pytest.mark.parametrize("kind", [SayVoice, SapiVoice])
def test_say_and_windows_speech_render_through_a_stand_in_with_their_interface(
    kind: type[SayVoice] | type[SapiVoice], tmp_path: Path
) -> None:
    script = tmp_path / "engine.py"
    script.write_text(FAKE_ENGINE)
    seen: list[list[str]] = []

    def run(argv: list[str], **options: object) -> subprocess.CompletedProcess[bytes]:
        seen.append(argv)
        # The real program is the stand-in; the arguments are the real engine's.
        return subprocess.run([sys.executable, str(script), *argv[1:]], **options)  # type: ignore[call-overload,no-any-return]

    voice = kind("engine", "en", run=run)
    samples, rate = voice.render("-r 900 lift the heel", 170)
    assert rate == 22050 and len(samples) == 100 * len("-r 900 lift the heel")
    assert "lift" not in " ".join(seen[-1])  # the text went on stdin


def test_find_voice_takes_espeak_ng_then_the_platforms_own() -> None:
    def only(*names: str) -> object:
        return lambda name: f"/bin/{name}" if name in names else None

    assert isinstance(find_voice(platform="linux", which=only("espeak-ng")), EspeakVoice)  # type: ignore[arg-type]
    assert isinstance(find_voice(platform="darwin", which=only("say")), SayVoice)  # type: ignore[arg-type]
    assert isinstance(find_voice(platform="win32", which=only("powershell")), SapiVoice)  # type: ignore[arg-type]
    assert find_voice(platform="linux", which=only("say")) is None  # type: ignore[arg-type]


def test_without_a_speech_engine_one_line_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from calfkit.library import load
    from calfkit.timeline import compile_routine

    monkeypatch.setenv("PATH", str(tmp_path))
    warnings: list[str] = []
    timeline = compile_routine(load(ROUTINES / "sound-check.yaml"))
    settings = Settings(sound="off", voice=True)
    assert build_sinks(settings, warnings.append, timeline=timeline) == []
    if sys.platform.startswith("linux"):
        assert warnings == [
            "voice: no speech engine found; install espeak-ng "
            "(e.g. `sudo apt install espeak-ng`) for spoken cues"
        ]
    else:
        assert len(warnings) == 1 and warnings[0].startswith("voice: ")


@has_espeak
@pytest.mark.audio
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ALSA's file plugin needs Linux")
@pytest.mark.skipif(
    importlib.util.find_spec("simpleaudio") is None, reason="simpleaudio is not installed"
)
def test_real_espeak_ng_speech_reaches_the_device_whole_at_its_planned_times(
    tmp_path: Path,
) -> None:
    card = FakeCard(tmp_path / "card")
    log = tmp_path / "events.jsonl"
    routine = ROUTINES / "short-voice.yaml"
    result = subprocess.run(
        [sys.executable, "-m", "calfkit", "play", str(routine), "--plain", "--no-history",
         "--lead-in", "0", "--sound", "simpleaudio", "--voice", "--log-events", str(log)],
        env=card.env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    streams = [s for s in card.streams() if any(s.samples)]
    heard = [identify(s.samples) or "speech" for s in streams]
    # Step 1 (2 s): chime, its cue (no room for the 2 s preview); step 2 (two 3 s counts):
    # chime, its cue, "Last step.", count 2 spoken; the end: chime, closing phrase.
    assert heard == [Sound.STEP, "speech", Sound.STEP, "speech", "speech", "speech",
                     Sound.END, "speech"]  # fmt: skip
    speech = [s for s, kind in zip(streams, heard, strict=True) if kind == "speech"]
    for before, after in itertools.pairwise(speech):
        assert after.opened >= before.opened + len(before.samples) / SAMPLE_RATE - 0.02
    began = streams[0].opened
    at = [s.opened - began for s in speech]
    after_step = seconds(Sound.STEP) + AFTER_CHIME_SECONDS
    # Times are measured from the first chime's stream, which may itself open a little late
    # on a busy machine, so "not early" allows 0.1 s; "not queued" is the upper bound.
    assert after_step - 0.1 <= at[0] < after_step + 0.15  # the chime, then its cue
    assert 2.0 + after_step - 0.1 <= at[1] < 2.0 + 0.5 + 0.15  # step 2: on time, not queued
    assert at[3] == pytest.approx(5.0, abs=0.1)  # count 2
    events = [json.loads(line) for line in log.read_text().splitlines()]
    speak = [e for e in events if e["event"] == "speak"]
    assert [e["text"] for e in speak] == [
        "Sit tall.", "Raise your heels.", "Last step.", "2", END_PHRASE
    ]  # fmt: skip
    assert [e["step"] for e in speak] == [1, 2, 2, 2, 2]
    assert all(not e.get("cut") and e["seconds"] > 0.2 for e in speak)
    for event, stream in zip(speak, speech, strict=True):
        assert event["seconds"] == pytest.approx(len(stream.samples) / SAMPLE_RATE, abs=0.01)
    assert "] Finished" in result.stdout


@has_espeak
@pytest.mark.pty
@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_with_only_the_bell_voice_is_off_with_one_line_and_phrases_never_ring_it() -> None:
    import pexpect

    routine = ROUTINES / "sound-check.yaml"
    child = pexpect.spawn(
        sys.executable,
        ["-m", "calfkit", "play", str(routine), "--plain", "--no-history", "--speed", "20",
         "--sound", "bell", "--voice"],
        encoding="utf-8",
        timeout=60,
    )  # fmt: skip
    output = child.read()
    child.close()
    assert child.exitstatus == 0, output
    voice = [line for line in output.splitlines() if "voice:" in line]
    assert voice == [
        "voice: spoken cues are off: they need a sound device, and only the bell works"
    ]
    # One ring per sound of the routine (17), none for the cues espeak-ng would have said.
    assert output.count("\a") == 17


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng not installed")
def test_espeak_text_that_looks_like_an_option_is_spoken_not_obeyed() -> None:
    # As an argument, "--help" made espeak-ng print its usage (no WAV at all), and "-s 80"
    # would have set the rate. On stdin, they are words.
    for text in ("--help", "-s 80 Roll."):
        samples = espeak_samples(text, SAMPLE_RATE)
        assert samples is not None and len(samples) > 0.3 * SAMPLE_RATE, text


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="needs espeak-ng")
@pytest.mark.parametrize("language", ["zz", "zz-yy"])
def test_an_export_in_a_language_espeak_ng_has_no_voice_for_says_which(
    tmp_path: Path, language: str
) -> None:
    (tmp_path / "lang.yaml").write_text(
        f"title: Lang\nlanguage: {language}\nsteps:\n  - do: Hallo\n    duration: 3\n"
    )
    done = calfkit(tmp_path, "export", "lang.yaml", "lang.wav", "--voice")
    assert done.returncode == 1
    assert done.stderr == (
        f"calfkit: error: voice: espeak-ng has no voice for the language '{language}' (the "
        "routine's language:); install one, or write another language\n"
    )
    assert not (tmp_path / "lang.wav").exists()
    assert [path.name for path in tmp_path.iterdir() if path.name.endswith(".part")] == []


@has_espeak
@pytest.mark.audio
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ALSA's file plugin needs Linux")
@pytest.mark.skipif(
    importlib.util.find_spec("simpleaudio") is None, reason="simpleaudio is not installed"
)
def test_a_holds_note_and_its_last_three_seconds_are_spoken_through_alsa_not_beeped(
    tmp_path: Path,
) -> None:
    card = FakeCard(tmp_path / "card")
    log = tmp_path / "events.jsonl"
    routine = ROUTINES / "spoken-time.yaml"
    result = subprocess.run(
        [sys.executable, "-m", "calfkit", "play", str(routine), "--plain", "--no-history",
         "--lead-in", "0", "--sound", "simpleaudio", "--voice", "--log-events", str(log)],
        env=card.env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    streams = [s for s in card.streams() if any(s.samples)]
    heard = [identify(s.samples) or "speech" for s in streams]
    # The hold's chime; its cue, its note and "Last step."; "Three", "Two", "One" where the
    # countdown would beep (no countdown beep is heard); the end chime and closing phrase.
    assert heard == [Sound.STEP, *["speech"] * 6, Sound.END, "speech"]
    events = [json.loads(line) for line in log.read_text().splitlines()]
    speak = [e for e in events if e["event"] == "speak"]
    assert [e["text"] for e in speak] == [
        "Hold.", "Breathe out.", "Last step.", "Three", "Two", "One", END_PHRASE
    ]  # fmt: skip
    began = streams[0].opened
    countdown = [s.opened - began for s in streams[4:7]]
    # On the hold's last three seconds (not early; "not queued" is the upper bound).
    for second, at in zip((9.0, 10.0, 11.0), countdown, strict=True):
        assert second - 0.1 <= at < second + 0.15
    for event, stream in zip(speak, streams[1:7], strict=False):
        assert event["seconds"] == pytest.approx(len(stream.samples) / SAMPLE_RATE, abs=0.01)


@has_espeak
@pytest.mark.audio
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ALSA's file plugin needs Linux")
@pytest.mark.skipif(
    importlib.util.find_spec("simpleaudio") is None, reason="simpleaudio is not installed"
)
def test_at_speed_4_every_cue_is_spoken_on_time_through_alsa_or_logged_dropped_with_one_warning(
    tmp_path: Path,
) -> None:
    card = FakeCard(tmp_path / "card")
    log = tmp_path / "events.jsonl"
    result = subprocess.run(
        [sys.executable, "-m", "calfkit", "play", str(ROUTINES / "sped-up-voice.yaml"),
         "--plain", "--no-history", "--speed", "4", "--sound", "simpleaudio", "--voice",
         "--log-events", str(log)],
        env=card.env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    warnings = result.stderr.splitlines()
    assert len(warnings) == 1 and "1 of 4 step cues" in warnings[0], warnings
    events = [json.loads(line) for line in log.read_text().splitlines()]
    steps = {e["step"]: e for e in events if e["event"] == "step"}
    speak = [e for e in events if e["event"] == "speak"]
    spoken_streams = [s for s in card.streams() if any(s.samples)]
    heard = [s for s in spoken_streams if identify(s.samples) is None]
    assert len(heard) == len([e for e in speak if not e.get("dropped")])
    for step, began in steps.items():
        cues = [e for e in speak if e["step"] == step and e["text"] == began["text"]]
        assert len(cues) == 1, (step, cues)
        cue = cues[0]
        if cue.get("dropped"):
            assert step == 2  # the one cue far too long for 1 s, even at 425 words a minute
            continue
        # On time: within 0.5 s of routine time (0.125 s at 4x), with room for a busy machine.
        assert 0.0 <= cue["actual"] - began["actual"] < 0.125 + 0.15, cue
        if step + 1 in steps:  # heard whole before the next step begins
            assert cue["actual"] + cue["seconds"] <= steps[step + 1]["actual"] + 0.05
    caution = speak[0]
    assert caution["text"].startswith("Caution:") and not caution.get("dropped")
    assert caution["actual"] + caution["seconds"] <= steps[1]["actual"]  # fits its lead-in


@has_espeak
@pytest.mark.audio
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ALSA's file plugin needs Linux")
def test_without_keys_a_ready_step_is_timed_and_the_voice_says_how_long_not_press_enter(
    tmp_path: Path,
) -> None:
    card = FakeCard(tmp_path / "card")
    log = tmp_path / "events.jsonl"
    routine = tmp_path / "ready.yaml"
    routine.write_text("title: Ready\nsteps:\n  - prepare: Lie down.\n    duration: ready 4s\n")
    result = subprocess.run(
        [sys.executable, "-m", "calfkit", "play", str(routine), "--plain", "--no-history",
         "--lead-in", "0", "--voice", "--log-events", str(log)],
        env=card.env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    spoken = [
        e["text"] for e in map(json.loads, log.read_text().splitlines()) if e["event"] == "speak"
    ]
    assert spoken[0] == "Lie down. You have 4 seconds."
    assert not any("Enter" in text for text in spoken)
    assert any(any(stream.samples) for stream in card.streams())  # heard through ALSA
