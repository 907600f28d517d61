"""Spoken cues: what is said when, the queue that keeps phrases whole, and real espeak-ng."""

from __future__ import annotations

import importlib.util
import itertools
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from calfkit.library import load
from calfkit.player.clock import MonotonicClock
from calfkit.player.engine import Player
from calfkit.player.events import EventKind
from calfkit.sinks import build_sinks
from calfkit.sinks.speech import SpeechSink
from calfkit.sound.speech import (
    AFTER_CHIME_SECONDS,
    END_PHRASE,
    Announcer,
    CommandSpeaker,
    EspeakSpeaker,
    SpeechQueue,
    Utterance,
    UtteranceKind,
    espeak_samples,
)
from calfkit.sound.tones import SAMPLE_RATE, Sound, seconds
from calfkit.testing import play_fast
from calfkit.testing.card import FakeCard, identify
from calfkit.timeline import compile_routine

AUDIO = Path(__file__).parent.parent / "audio"
ROUTINES = AUDIO / "routines"
has_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng not installed")


def cue(text: str) -> Utterance:
    return Utterance(text, UtteranceKind.CUE)


def count(number: int) -> Utterance:
    return Utterance(str(number), UtteranceKind.COUNT, beep=Sound.COUNT)


def test_a_newer_cue_replaces_cues_not_yet_begun_but_not_the_one_being_said() -> None:
    queue = SpeechQueue()
    queue.offer(cue("one"), 0.0)
    assert queue.take(0.0) == cue("one")
    queue.offer(cue("two"), 0.5)
    queue.offer(cue("three"), 0.6)
    assert queue.speaking  # "one" is still being said
    queue.finished()
    assert queue.take(1.0) == cue("three")
    assert queue.dropped == [cue("two")]


def test_a_cue_that_waited_too_long_is_dropped() -> None:
    queue = SpeechQueue(cue_stale=3.0)
    queue.offer(cue("long"), 0.0)
    queue.take(0.0)
    queue.offer(cue("late"), 1.0)
    queue.finished()
    assert queue.take(4.5) is None
    assert queue.dropped == [cue("late")] and queue.idle


def test_a_count_is_taken_only_when_speech_is_free() -> None:
    queue = SpeechQueue()
    assert queue.offer(count(2), 0.0)
    queue.take(0.0)
    assert not queue.offer(count(3), 0.5)  # still saying "2": beep instead
    queue.finished()
    assert queue.offer(count(3), 1.0)
    queue.offer(cue("next step"), 1.0)  # a cue overtakes a count not yet begun
    assert queue.take(1.0) == cue("next step")


def said(routine: str) -> list[tuple[float, str]]:
    timeline = compile_routine(load(ROUTINES / routine))
    announcer = Announcer()
    played = play_fast(timeline)
    return [
        (event.scheduled, u.text)
        for event in played.events
        if (u := announcer.utterance(event)) is not None
    ]


def test_each_step_says_its_cue_and_a_short_next_and_counts_that_leave_room() -> None:
    assert said("sound-check.yaml") == [
        (0.0, "Get set on the mat. Next: Press the heel down."),
        (2.0, "Press the heel down. Next: Hold it there."),
        (5.0, "Hold it there. Next: Roll the right calf."),
        (8.0, "Roll the right calf. Next: Roll the left calf."),
        (9.0, "Switch to your left side. Next: Roll the left calf."),
        (11.0, "Roll the left calf. Next: Breathe."),
        (12.0, "Breathe. Next: Rest."),
        (15.0, "Rest."),
        (17.0, END_PHRASE),
    ]
    spoken_counts = [(at, text) for at, text in said("spoken-counts.yaml") if text.isdigit()]
    assert spoken_counts == [(5.0, "2"), (7.0, "3"), (9.0, "4")]  # 2 s apart; not the 1 s ones


def fake_speaker(tmp_path: Path) -> tuple[CommandSpeaker, Path]:
    log = tmp_path / "spoken.jsonl"
    return CommandSpeaker([sys.executable, str(AUDIO / "fake_speaker.py"), str(log)], "fake"), log


def test_speech_never_overlaps_itself_and_stale_cues_are_dropped_not_piled_up(
    tmp_path: Path,
) -> None:
    speaker, log = fake_speaker(tmp_path)
    beeps: list[Sound] = []
    sink = SpeechSink(speaker, beep=beeps.append)
    timeline = compile_routine(load(ROUTINES / "spoken-counts.yaml"))
    # At 30x every step is over long before the fake engine has said its cue.
    Player(timeline, clock=MonotonicClock(), sinks=[sink], speed=30.0, lead_in=0).run()
    spoken = [json.loads(line) for line in log.read_text().splitlines()]
    for before, after in itertools.pairwise(spoken):
        assert after["began"] >= before["ended"]
    texts = [s["text"] for s in spoken]
    # The first cue is said whole; the next two are overtaken while it is being said; the
    # last phrase is still heard when the sink closes.
    assert texts == ["Sit tall. Next: Slow heel raises.", END_PHRASE]
    assert [u.text for u in sink.queue.dropped] == [
        "Slow heel raises. Next: Quick pulses.",
        "Quick pulses.",
    ]
    assert not any(t.isdigit() for t in texts)  # speech was never free for a count...
    assert beeps == [Sound.COUNT, Sound.COUNT, Sound.LAST_COUNT]  # ...so they were beeped


def test_mute_stops_new_phrases_until_unmute(tmp_path: Path) -> None:
    from calfkit.player.events import Command

    speaker, log = fake_speaker(tmp_path)
    sink = SpeechSink(speaker)
    timeline = compile_routine(load(ROUTINES / "sound-check.yaml"))
    played = play_fast(timeline, keys=[(1.0, Command.MUTE), (14.0, Command.MUTE)])
    for event in played.events:
        sink.handle(event)
        while not sink.queue.idle:  # one phrase at a time, so none is overtaken
            time.sleep(0.01)
    sink.close()
    texts = [json.loads(line)["text"] for line in log.read_text().splitlines()]
    assert texts == ["Get set on the mat. Next: Press the heel down.", "Rest.", END_PHRASE]


def test_mute_cuts_the_phrase_in_progress_at_once_and_unmute_says_the_next_whole(
    tmp_path: Path,
) -> None:
    from calfkit.player.events import Command

    speaker, log = fake_speaker(tmp_path)
    sink = SpeechSink(speaker)
    timeline = compile_routine(load(ROUTINES / "sound-check.yaml"))
    events = play_fast(timeline, keys=[(0.5, Command.MUTE), (1.0, Command.MUTE)]).events
    start, mute, unmute = (
        next(e for e in events if e.kind is kind)
        for kind in (EventKind.START, EventKind.MUTE, EventKind.UNMUTE)
    )
    sink.handle(start)
    sink.handle(events[events.index(start) + 1])  # step 1: its cue takes the fake about 1 s
    time.sleep(0.3)
    assert sink.queue.speaking
    muted_at = time.monotonic()
    sink.handle(mute)
    while not sink.queue.idle:
        time.sleep(0.005)
    # The speaker was stopped, not waited out (its phrase takes about a second).
    assert time.monotonic() - muted_at < 0.5
    sink.handle(unmute)
    step_2 = next(e for e in events if e.kind is EventKind.STEP and e.step == 2)
    sink.handle(step_2)
    sink.close()
    texts = [json.loads(line)["text"] for line in log.read_text().splitlines()]
    assert texts == ["Press the heel down. Next: Hold it there."]  # the first was cut


@has_espeak
def test_espeak_speaker_returns_when_cut_and_says_nothing_if_cut_before_it_began() -> None:
    import threading
    from array import array

    heard: list[array[int]] = []
    speaker = EspeakSpeaker(heard.append)
    cut = threading.Event()
    threading.Timer(0.5, cut.set).start()
    began = time.monotonic()
    speaker.speak("A long phrase that takes espeak several seconds to say out loud.", cut)
    assert time.monotonic() - began < 2.0  # cut at 0.5 s; the phrase lasts over 3 s
    assert len(heard) == 1 and len(heard[0]) / SAMPLE_RATE > 3.0
    speaker.speak("Never heard.", cut)
    assert len(heard) == 1


def test_without_a_speech_engine_one_line_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    warnings: list[str] = []
    assert build_sinks("off", True, warnings.append) == []
    if sys.platform.startswith("linux"):
        assert warnings == [
            "voice: no speech engine found; install espeak-ng "
            "(e.g. `sudo apt install espeak-ng`) for spoken cues"
        ]
    else:
        assert len(warnings) == 1 and warnings[0].startswith("voice: ")


@has_espeak
def test_espeak_ng_renders_speech_at_the_sound_rate() -> None:
    samples = espeak_samples("Rest now.", SAMPLE_RATE)
    assert samples is not None
    loud = [i for i, v in enumerate(samples) if abs(v) > 500]
    assert 0.3 < (loud[-1] - loud[0]) / SAMPLE_RATE < 2.0


@has_espeak
@pytest.mark.audio
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ALSA's file plugin needs Linux")
@pytest.mark.skipif(
    importlib.util.find_spec("simpleaudio") is None, reason="simpleaudio is not installed"
)
def test_real_espeak_ng_speech_reaches_the_device_whole_between_the_beeps(tmp_path: Path) -> None:
    card = FakeCard(tmp_path / "card")
    routine = ROUTINES / "short-voice.yaml"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "calfkit",
            "play",
            str(routine),
            "--plain",
            "--no-history",
            "--lead-in",
            "0",
            "--sound",
            "simpleaudio",
            "--voice",
        ],
        env=card.env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    streams = [s for s in card.streams() if any(s.samples)]
    heard = [identify(s.samples) or "speech" for s in streams]
    # Step 1: chime + cue; step 2: chime + its cue (queued until the first is said whole;
    # count 1 is the chime, count 2 is spoken, as speech is free by then); the end: chime +
    # closing phrase.
    assert heard == [Sound.STEP, "speech", Sound.STEP, "speech", "speech", Sound.END, "speech"]
    speech = [s for s, kind in zip(streams, heard, strict=True) if kind == "speech"]
    for before, after in itertools.pairwise(speech):
        assert after.opened >= before.opened + len(before.samples) / SAMPLE_RATE - 0.02
    # No phrase begins while a chime sounds: each cue waits for its chime to end.
    chimes = [s for s, kind in zip(streams, heard, strict=True) if kind != "speech"]
    for phrase in speech:
        for chime in chimes:
            chime_ends = chime.opened + len(chime.samples) / SAMPLE_RATE
            assert not chime.opened <= phrase.opened < chime_ends
    began = streams[0].opened
    first_ends = speech[0].opened + len(speech[0].samples) / SAMPLE_RATE - began
    at = [s.opened - began for s in speech]
    after_step = seconds(Sound.STEP) + AFTER_CHIME_SECONDS
    assert after_step <= at[0] < after_step + 0.15  # the step's chime, then its cue
    assert first_ends > 2.0  # the first cue runs past step 2's start...
    assert first_ends <= at[1] < first_ends + 0.15  # ...so the next waits for it, then follows
    assert at[2] == pytest.approx(5.0, abs=0.1)
    after_end = seconds(Sound.END) + AFTER_CHIME_SECONDS
    assert at[3] == pytest.approx(8.0 + after_end, abs=0.15)
    assert "] Finished" in result.stdout  # played to the end


def test_quitting_cuts_the_phrase_in_progress_so_the_exit_is_prompt(tmp_path: Path) -> None:
    from calfkit.player.events import Command
    from calfkit.testing import ScriptedControls

    speaker, log = fake_speaker(tmp_path)
    sink = SpeechSink(speaker)
    timeline = compile_routine(load(ROUTINES / "sound-check.yaml"))
    began = time.monotonic()
    controls = ScriptedControls([(0.2, Command.QUIT)], origin=began)
    Player(timeline, clock=MonotonicClock(), sinks=[sink], controls=controls, lead_in=0).run()
    # The first cue takes the fake engine about a second; quitting does not wait for it
    # (the log shows that; the time is only a hang guard).
    assert time.monotonic() - began < 5.0
    assert not log.exists()  # the fake engine was stopped before it finished its phrase


@has_espeak
@pytest.mark.pty
@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_with_only_the_bell_voice_is_off_with_one_line_and_phrases_never_ring_it(
    tmp_path: Path,
) -> None:
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


def test_next_previews_the_next_steps_cue_not_the_name_of_its_block() -> None:
    from calfkit.model import Count, Do, Repeat, Routine
    from calfkit.sound.speech import Announcer
    from calfkit.testing import RecordingSink, play_fast
    from calfkit.timeline import compile_routine

    block = Repeat(
        rounds=1,
        name="Feet parallel",
        steps=(
            Do(text="Rise onto the balls of your feet, slowly.", duration=4),
            Count(count=3, cue="Lower your heels"),
        ),
    )
    recorder = RecordingSink()
    play_fast(compile_routine(Routine(name="r", title="R", steps=(block,))), sinks=[recorder])
    announcer = Announcer()
    said = [announcer.utterance(event) for event in recorder.events]
    texts = [u.text for u in said if u is not None]
    assert texts[0] == "Rise onto the balls of your feet, slowly. Next: Lower your heels."


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng not installed")
def test_espeak_text_that_looks_like_an_option_is_spoken_not_obeyed() -> None:
    # As an argument, "--help" made espeak-ng print its usage (no WAV at all), and "-s 80"
    # would have set the rate. On stdin, they are words.
    for text in ("--help", "-s 80 Roll."):
        samples = espeak_samples(text, SAMPLE_RATE)
        assert samples is not None and len(samples) > 0.3 * SAMPLE_RATE, text
