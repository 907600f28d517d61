"""Sounds through the real ALSA path, with ALSA's ``file`` plugin standing in for a card.

Each test runs ``calfkit play`` (or the player in-process, for miniaudio's own NULL device)
and checks what reached the device: how many sounds, in what order, how long, at what pitch,
and when, against the timeline.
"""

from __future__ import annotations

import bisect
import ctypes.util
import json
import os
import shutil
import subprocess
import sys
import time
from array import array
from pathlib import Path

import pytest

from calfkit.library import load
from calfkit.player.clock import MonotonicClock
from calfkit.player.engine import Player
from calfkit.player.events import Command, Event, EventKind
from calfkit.sinks.sound import SoundSink
from calfkit.sinks.speech import SpeechSink
from calfkit.sound.backends import MiniaudioBackend
from calfkit.sound.cues import SoundCues
from calfkit.sound.plan import PhraseBook, PhraseKind, make_plan
from calfkit.sound.speech import EspeakVoice
from calfkit.sound.tones import SAMPLE_RATE, Sound, render
from calfkit.testing import ScriptedControls, play_fast
from calfkit.testing.card import FakeCard, bursts, default_device_opens, due_sounds, identify
from calfkit.timeline import Timeline, compile_routine

pytestmark = pytest.mark.audio

ROUTINE = Path(__file__).parent.parent / "audio" / "routines" / "sound-check.yaml"
LONG_CUE = Path(__file__).parent.parent / "audio" / "routines" / "long-cue.yaml"
MUTE_MIDWAY = Path(__file__).parent.parent / "audio" / "mute_midway.py"
SPEED = 3.0
LEAD_IN = 3.0  # the player's default
ALSA_LINE = "ALSA lib"


def _alsa_missing() -> str | None:
    if not sys.platform.startswith("linux"):
        return "ALSA's file plugin needs Linux"
    if ctypes.util.find_library("asound") is None:
        return "libasound is not installed"
    if not Path("/usr/share/alsa/alsa.conf").exists():
        return "ALSA's configuration (/usr/share/alsa/alsa.conf) is not installed"
    return None


needs_alsa = pytest.mark.skipif(_alsa_missing() is not None, reason=str(_alsa_missing()))


def _missing(module: str) -> bool:
    try:
        __import__(module)
    except ImportError:
        return True
    return False


needs_simpleaudio = pytest.mark.skipif(
    _missing("simpleaudio"),
    reason="simpleaudio is not installed (pip install calfkit-player[simpleaudio])",
)
needs_miniaudio = pytest.mark.skipif(
    _missing("miniaudio"), reason="miniaudio is not installed (pip install calfkit-player[audio])"
)
needs_espeak = pytest.mark.skipif(
    shutil.which("espeak-ng") is None, reason="espeak-ng is not installed"
)
needs_aplay = pytest.mark.skipif(
    shutil.which("aplay") is None, reason="aplay (alsa-utils) is not installed"
)


def timeline() -> Timeline:
    return compile_routine(load(ROUTINE))


def expected_sounds() -> list[tuple[float, Sound]]:
    """(seconds after playback began at SPEED, sound) for every sound the routine makes."""
    cues = SoundCues()
    played = play_fast(timeline(), lead_in=LEAD_IN)
    return [
        (event.scheduled / SPEED, sound)
        for event in played.events
        if (sound := cues.sound_for(event)) is not None
    ]


def play(
    card: FakeCard, tmp_path: Path, *options: str, env: dict[str, str] | None = None
) -> tuple[subprocess.CompletedProcess[str], list[tuple[float, Sound]]]:
    """Run ``calfkit play`` on the fake card; its result, and when each sound was due."""
    log = tmp_path / "events.jsonl"
    result = subprocess.run(
        [
            sys.executable, "-m", "calfkit", "play", str(ROUTINE), "--speed", str(SPEED),
            "--plain", "--no-history", "--log-events", str(log), *options,
        ],
        env=card.env(env),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )  # fmt: skip
    return result, due_sounds(log, timeline(), lead_in=LEAD_IN)


def assert_heard_as_scheduled(card: FakeCard, due: list[tuple[float, Sound]]) -> None:
    # An ALSA client may open a stream only to check the device; those carry no samples.
    streams = [s for s in card.streams() if any(s.samples)]
    heard = [identify(s.samples[b.start : b.end]) for s in streams for b in bursts(s.samples)]
    assert heard == [sound for _, sound in expected_sounds()]
    assert [sound for _, sound in due] == heard
    for stream, (at, sound) in zip(streams, due, strict=True):
        # The whole sound reached the device, nothing cut and nothing added but silence.
        assert stream.samples[: len(render(sound))] == render(sound)
        assert not any(stream.samples[len(render(sound)) :])
        late = stream.opened - at
        # Never early; how late is bench/audio_latency.py's to measure (this bound only
        # catches a sound held back behind another, on a machine that may be loaded).
        assert -0.001 < late < 1.0, f"{sound.value} reached ALSA {late * 1000:.1f} ms late"


@needs_alsa
@needs_simpleaudio
def test_simpleaudio_plays_each_sound_in_order_whole_and_on_time(tmp_path: Path) -> None:
    card = FakeCard(tmp_path / "card")
    result, due = play(card, tmp_path, "--sound", "simpleaudio")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "] Finished" in result.stdout  # played to the end
    assert_heard_as_scheduled(card, due)


@needs_alsa
@needs_aplay
def test_the_system_player_aplay_plays_each_sound_in_order_whole_and_on_time(
    tmp_path: Path,
) -> None:
    card = FakeCard(tmp_path / "card")
    result, due = play(card, tmp_path, "--sound", "system", env=only_aplay(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert_heard_as_scheduled(card, due)


def only_aplay(tmp_path: Path) -> dict[str, str]:
    """This environment with only aplay (and what the recorder and speech run) on PATH, so a
    desktop's pw-play is not chosen."""
    tools = tmp_path / "bin"
    tools.mkdir()
    for tool in ("aplay", "sh", "date", "cat", "espeak-ng"):
        found = shutil.which(tool)
        if found is not None:
            (tools / tool).symlink_to(found)
    return dict(os.environ, PATH=str(tools))


MUTE_AT, UNMUTE_AT = 1.0, 2.0  # the keys mute_midway.py presses (seconds into the routine)


def long_cue_phrases() -> list[array[int]]:
    """The first two cues long-cue.yaml says: one of about 7 s, then a short one."""
    espeak = shutil.which("espeak-ng")
    assert espeak is not None
    book = PhraseBook(EspeakVoice(espeak))
    # As the speech plan says them (the first is sped up to fit its 3 s step).
    plan = make_plan(compile_routine(load(LONG_CUE)), book, lead_in=0)
    cues = [p for p in plan.phrases if p.kind is PhraseKind.CUE]
    return [book.samples(p.text, p.wpm) for p in cues[:2]]


@needs_alsa
@needs_espeak
@pytest.mark.parametrize("choice", ["simpleaudio", "system"])
def test_muting_cuts_the_phrase_being_spoken_at_once_and_unmuting_speaks_the_next_whole(
    choice: str, tmp_path: Path
) -> None:
    if choice == "simpleaudio" and _missing("simpleaudio"):
        pytest.skip("simpleaudio is not installed (pip install calfkit-player[simpleaudio])")
    if choice == "system" and shutil.which("aplay") is None:
        pytest.skip("aplay (alsa-utils) is not installed")
    card = FakeCard(tmp_path / "card", paced=True)  # a cut sound is recorded cut
    env = card.env(only_aplay(tmp_path) if choice == "system" else None)
    result = subprocess.run(
        [sys.executable, str(MUTE_MIDWAY), choice],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    walls = json.loads(result.stdout)
    assert walls["warnings"] == []
    streams = [s for s in card.streams() if any(s.samples)]
    heard = [identify(s.samples) or "speech" for s in streams]
    # Step 1's chime and cue (cut); nothing while muted; step 2's chime, its cue whole, and
    # its preview of the end ("Last step.").
    assert heard == [Sound.STEP, "speech", Sound.STEP, "speech", "speech"]
    first, second = long_cue_phrases()
    cut = streams[1].samples
    # It is the first cue (at least the half second a player writes ahead of a cut; how much
    # more was heard before the key depends on how busy the machine was rendering it)...
    assert len(cut) > SAMPLE_RATE // 2 and cut == first[: len(cut)]
    assert len(first) / SAMPLE_RATE > 4.0  # about 5.5 s, sped up 1.25x by the plan
    assert len(cut) < len(first) / 2  # ...cut short: about 1.5 s of 4.4
    # Silent soon after the key (the fake card lets a player write up to 0.74 s ahead).
    assert streams[1].opened + len(cut) / SAMPLE_RATE < walls["mute"] + 1.5
    assert streams[2].opened > walls["unmute"]
    assert streams[3].samples[: len(second)] == second


@needs_miniaudio
@needs_espeak
def test_miniaudio_muting_cuts_the_phrase_in_its_mixer_and_unmuting_speaks_the_next_whole() -> None:
    import miniaudio

    pulls: list[tuple[float, array[int]]] = []
    backend = MiniaudioBackend(
        backends=[miniaudio.Backend.NULL], on_pull=lambda s: pulls.append((time.monotonic(), s))
    )
    # As build_sinks wires them: speech is rendered by espeak-ng and played by the sound sink.
    sound = SoundSink(backend, warn=pytest.fail, speak_counts=True)
    espeak = shutil.which("espeak-ng")
    assert espeak is not None
    timeline = compile_routine(load(LONG_CUE))
    speech = SpeechSink(
        PhraseBook(EspeakVoice(espeak)),
        timeline,
        output=sound.play_samples,
        cut=sound.cut,
        beep=sound.play,
        lead_in=0,
    )
    keys = Keys()
    began = time.monotonic()
    controls = ScriptedControls(
        [(MUTE_AT, Command.MUTE), (UNMUTE_AT, Command.MUTE), (4.8, Command.QUIT)], origin=began
    )
    Player(
        timeline,
        clock=MonotonicClock(),
        sinks=[keys, speech, sound],
        controls=controls,
        lead_in=0,
        lead_in_gate=speech.ready,
    ).run()
    muted, unmuted = keys.at[EventKind.MUTE], keys.at[EventKind.UNMUTE]
    _, second = long_cue_phrases()
    before = [s for at, s in pulls if muted - 0.2 < at < muted]
    assert any(any(s) for s in before)  # the first cue was being said...
    during = [s for at, s in pulls if muted + 0.03 < at <= unmuted]
    assert len(during) > 50 and not any(any(s) for s in during)  # ...and stopped at once
    after = array("h")
    for at, s in pulls:
        if at > unmuted:
            after.extend(s)
    found = bursts(after)
    assert identify(after[found[0].start : found[0].end]) is Sound.STEP  # step 2's chime
    assert second.tobytes() in after.tobytes()  # and its cue, whole


class Keys:
    """Notes the monotonic time each mute and unmute reached the sinks."""

    def __init__(self) -> None:
        self.at: dict[EventKind, float] = {}

    def handle(self, event: Event) -> None:
        if event.kind in (EventKind.MUTE, EventKind.UNMUTE):
            self.at[event.kind] = time.monotonic()

    def close(self) -> None:
        pass


class Origin:
    """Notes the monotonic time at which playback began."""

    def __init__(self) -> None:
        self.at = 0.0

    def handle(self, event: Event) -> None:
        if event.kind is EventKind.START:
            self.at = time.monotonic() - event.actual

    def close(self) -> None:
        pass


@needs_miniaudio
def test_miniaudio_mixes_each_sound_into_its_stream_in_order_and_on_time() -> None:
    import miniaudio

    pulls: list[tuple[float, array[int]]] = []
    # miniaudio's NULL device pulls samples in real time, like a card, but plays nothing.
    backend = MiniaudioBackend(
        backends=[miniaudio.Backend.NULL], on_pull=lambda s: pulls.append((time.monotonic(), s))
    )
    origin = Origin()
    player = Player(
        timeline(),
        clock=MonotonicClock(),
        sinks=[origin, SoundSink(backend, warn=pytest.fail)],
        speed=SPEED,
        lead_in=LEAD_IN,
    )
    assert player.run().status.value == "finished"
    stream = array("h")
    offsets = []  # where each pull begins in the stream
    for _, samples in pulls:
        offsets.append(len(stream))
        stream.extend(samples)
    found = bursts(stream)
    expected = expected_sounds()
    assert [identify(stream[b.start : b.end]) for b in found] == [s for _, s in expected]
    for burst, (at, sound) in zip(found, expected, strict=True):
        assert burst.seconds() == pytest.approx(len(render(sound)) / SAMPLE_RATE, abs=0.002)
        # The sound reached the device with the pull that holds its first sample: never
        # before its event, and within about one 10 ms period after it.
        pulled_at = pulls[bisect.bisect_right(offsets, burst.start) - 1][0]
        late = pulled_at - (origin.at + at)
        # Never before its event; the latency itself is bench/audio_latency.py's figure.
        # Origin notes the start when the START event reaches it, a little after the player's
        # own anchor (0.1 ms in a CI run under load), so "late" reads that much short: 2 ms of
        # slack below zero, far under the 10 ms period an early pull would show.
        assert -0.002 <= late < 1.0, f"{sound.value} at {at:.3f} s pulled {late * 1000:.1f} ms late"


@needs_alsa
@pytest.mark.parametrize("choice", ["auto", "simpleaudio", "miniaudio", "system"])
def test_without_a_sound_card_auto_plays_to_the_end_a_named_one_refuses_and_no_alsa_lines(
    choice: str,
) -> None:
    env = {k: v for k, v in os.environ.items() if k != "ALSA_CONFIG_PATH"}
    if default_device_opens(env):
        pytest.skip("this machine has a sound device, so ALSA's default is not missing")
    result = subprocess.run(
        [sys.executable, "-m", "calfkit", "play", str(ROUTINE), "--speed", "50", "--plain",
         "--no-history", "--sound", choice],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        start_new_session=True,  # no controlling terminal: no bell to fall back to either
    )  # fmt: skip
    lines = result.stderr.splitlines()
    assert ALSA_LINE not in result.stderr + result.stdout
    if choice != "auto":
        # Asked for by name: an error before anything plays, saying what it needs.
        assert result.returncode == 1
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith(f"calfkit: error: --sound {choice} cannot play here: ")
        assert result.stdout == ""
        return
    assert result.returncode == 0
    assert len(lines) == 1 and lines[0].startswith("sound: "), result.stderr
    assert lines[0].endswith(("playing silently (see `calfkit doctor`)", "sound is off"))
    assert "] Finished" in result.stdout  # played to the end
