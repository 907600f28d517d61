"""``calfkit export ROUTINE FILE.mp3``: decoded by miniaudio to the WAV's length, an eighth of
its size at most, tagged, with a chapter at each top-level step's start in the event log."""

from __future__ import annotations

import itertools
import json
import math
import shutil
import subprocess
import wave
from array import array
from pathlib import Path
from typing import Any

import miniaudio
import pytest
from click.testing import CliRunner
from mutagen.id3 import ID3, CTOCFlags

from calfkit.cli import cli
from calfkit.export.render import (
    LEVEL_RMS,
    PEAK_CEILING,
    _loudness,
    place_sounds,
    session_events,
)
from calfkit.library import load
from calfkit.sound.speech import espeak_samples
from calfkit.sound.tones import SAMPLE_RATE, Sound, render
from calfkit.testing.card import bursts, identify
from calfkit.timeline import compile_routine

AUDIO = Path(__file__).parent.parent / "audio" / "routines"
GOOD = Path(__file__).parent.parent / "routines" / "good"
needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="no espeak-ng")


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args))


def wav_frames(path: Path) -> int:
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes()


def decoded(path: Path) -> miniaudio.DecodedSoundFile:
    sound = miniaudio.mp3_read_file_s16(str(path))
    assert (sound.nchannels, sound.sample_rate) == (1, SAMPLE_RATE)
    return sound


def log(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def export_both(routine: Path, tmp_path: Path, *extra: str) -> tuple[Path, Path, Path, str]:
    mp3, wav, events = tmp_path / "out.mp3", tmp_path / "out.wav", tmp_path / "events.jsonl"
    result = run("export", str(routine), str(mp3), "--log-events", str(events), *extra)
    assert result.exit_code == 0, result.output
    again = run("export", str(routine), str(wav), *extra)
    assert again.exit_code == 0, again.output
    return mp3, wav, events, result.output


def check_chapters(mp3: Path, events: list[dict[str, Any]], routine: Path) -> list[Any]:
    """The chapters, checked against the export's log: listed in the CTOC and written in time
    order, back to back from 0 (the lead-in is in the first) to the end of the track, each
    later one starting at a step (or switch) event, and each at most two minutes long unless
    it holds one step. Returned in order."""
    tags = ID3(str(mp3))
    assert tags.version[:2] == (2, 4)
    (toc,) = tags.getall("CTOC")
    assert toc.flags & CTOCFlags.TOP_LEVEL and toc.flags & CTOCFlags.ORDERED
    written = tags.getall("CHAP")
    chapters = {frame.element_id: frame for frame in written}
    ordered = [chapters[element_id] for element_id in toc.child_element_ids]
    assert len(ordered) == len(chapters)
    assert [frame.element_id for frame in written] == toc.child_element_ids
    assert ordered[0].start_time == 0
    assert ordered[-1].end_time == int(str(tags["TLEN"]))
    for before, after in itertools.pairwise(ordered):
        assert before.end_time == after.start_time
    starts = [
        round(event["scheduled"] * 1000) for event in events if event["event"] in ("step", "switch")
    ]
    for chapter in ordered[1:]:
        assert chapter.start_time in starts
    timeline = compile_routine(load(routine))
    first_of_top: dict[int, int] = {}
    for segment in timeline.segments:
        first_of_top.setdefault(segment.top, segment.index)
    tops = {
        round(event["scheduled"] * 1000)
        for event in events
        if event["event"] in ("step", "switch") and event["step"] in first_of_top.values()
    }
    # Every top-level step begins a chapter (the first one's is the lead-in's).
    assert tops - {chapter.start_time for chapter in ordered} <= {min(tops)}
    for chapter in ordered:
        inside = [at for at in starts if chapter.start_time <= at < chapter.end_time]
        assert chapter.end_time - chapter.start_time <= 120_000 or len(inside) <= 1
    return ordered


def ffprobe_chapters(mp3: Path) -> list[tuple[float, str]]:
    """The chapters as ffprobe lists them (in the order they are written): start and title."""
    found = subprocess.run(
        ["ffprobe", "-v", "error", "-show_chapters", "-of", "json", str(mp3)],
        check=True,
        capture_output=True,
        text=True,
    )
    return [
        (float(chapter["start_time"]), chapter["tags"]["title"])
        for chapter in json.loads(found.stdout)["chapters"]
    ]


def test_mp3_is_a_tagged_mono_track_of_the_wavs_length_with_a_chapter_per_step(
    tmp_path: Path,
) -> None:
    routine = AUDIO / "sound-check.yaml"
    mp3, wav, events_path, output = export_both(routine, tmp_path)
    sound = decoded(mp3)
    frames = wav_frames(wav)
    assert abs(len(sound.samples) - frames) / SAMPLE_RATE < 0.5
    assert mp3.stat().st_size <= wav.stat().st_size / 8
    assert output.endswith(", 17 sounds, 6 chapters)\n")
    tags = ID3(str(mp3))
    assert str(tags["TIT2"]) == "Sound check"
    assert str(tags["TALB"]) == "calfkit"
    events = log(events_path)
    ordered = check_chapters(mp3, events, routine)
    titles = [str(chapter.sub_frames["TIT2"]) for chapter in ordered]
    assert titles == [
        "Get set on the mat",
        "Press the heel down",
        "Hold it there",
        "Roll the right calf",
        "Breathe",
        "Rest",
    ]
    # The decoded sound at each chapter's start is that step's chime (after the encoder's
    # delay, a few tens of milliseconds): a player that jumps there hears the step begin.
    samples = array("h", sound.samples)
    found = bursts(samples)
    for chapter in ordered[1:]:  # the first starts at 0, with the lead-in
        at = chapter.start_time * SAMPLE_RATE // 1000
        burst = min(found, key=lambda b: abs(b.start - at))
        assert 0 <= burst.start - at < 0.06 * SAMPLE_RATE
        assert identify(samples[burst.start : burst.end]) in (Sound.STEP, Sound.SWITCH, Sound.REST)


def test_the_caution_is_the_comment_and_long_blocks_are_split_into_titled_chapters(
    tmp_path: Path,
) -> None:
    routine = GOOD / "every-kind.yaml"
    mp3 = tmp_path / "every.mp3"
    result = run("export", str(routine), str(mp3), "--lead-in", "0")
    assert result.exit_code == 0, result.output
    tags = ID3(str(mp3))
    (comment,) = tags.getall("COMM")
    assert comment.text == ["Stop if anything hurts."]
    # The comment itself (no description), so players show it as the comment.
    assert (comment.desc, comment.lang) == ("", "eng")
    probed = subprocess.run(
        ["ffprobe", "-v", "error", "-show_format", "-of", "json", str(mp3)],
        check=True,
        capture_output=True,
        text=True,
    )
    assert json.loads(probed.stdout)["format"]["tags"]["comment"] == "Stop if anything hurts."
    chapters = sorted(tags.getall("CHAP"), key=lambda c: c.start_time)
    assert chapters[0].start_time == 0  # no lead-in: the first step starts the track
    # A round, side or include longer than two minutes is split where the routine splits.
    assert [str(chapter.sub_frames["TIT2"]) for chapter in chapters] == [
        "Setup",
        "Roll slowly towards the knee",
        "Stay on the tight spot",
        "Flex and point the foot",
        "Breathe slowly",
        "Rest on your back",
        "Round 1 of 2 · Press the heel away",
        "Round 1 of 2 · Rest",
        "Round 2 of 2 · Press the heel away",
        "Right side · Keep the right leg straight",
        "Left side · Keep the left leg straight",
        "A short part",
    ]


@needs_espeak
def test_mp3_with_voice_matches_the_wav_and_keeps_its_chapters(tmp_path: Path) -> None:
    routine = AUDIO / "short-voice.yaml"
    mp3, wav, events_path, output = export_both(routine, tmp_path, "--voice")
    assert "5 spoken phrases" in output  # two cues, "Last step.", count 2, the end
    sound = decoded(mp3)
    assert abs(len(sound.samples) - wav_frames(wav)) / SAMPLE_RATE < 0.5
    assert mp3.stat().st_size <= wav.stat().st_size / 8
    events = log(events_path)
    speak = [e for e in events if e["event"] == "speak"]
    assert [e["text"] for e in speak][-1] == "That is the end of the routine. Well done."
    assert all(e["seconds"] > 0 and e["scheduled"] == e["actual"] for e in speak)
    check_chapters(mp3, events, routine)


@needs_espeak
def test_speech_and_beeps_are_levelled_to_one_loudness_and_never_clip(tmp_path: Path) -> None:
    from calfkit.export.render import Speak, speech_track
    from calfkit.sound.speech import EspeakVoice

    timeline = compile_routine(load(AUDIO / "spoken-counts.yaml"))
    espeak = shutil.which("espeak-ng")
    assert espeak is not None
    track = speech_track(timeline, Speak(EspeakVoice(espeak)))
    events = session_events(timeline, lead_in=track.lead_in)
    placed = place_sounds(events, speech=track)
    phrases = [p for p in placed if p.is_phrase]
    assert phrases
    for phrase in phrases:
        peak = max(max(phrase.samples), -min(phrase.samples))
        assert peak <= PEAK_CEILING
        loud = _loudness(phrase.samples, SAMPLE_RATE)
        # At the target, or below it only where the peak ceiling stopped it.
        assert loud == pytest.approx(LEVEL_RMS, rel=0.02) or peak >= PEAK_CEILING - 1
        assert 20 * math.log10(loud / LEVEL_RMS) > -4
    chime = next(p for p in placed if p.what == "step")
    assert _loudness(chime.samples, SAMPLE_RATE) == pytest.approx(LEVEL_RMS, rel=0.01)
    # Raw espeak-ng speech is far quieter than the raw chime: the levelling did the work.
    raw = espeak_samples("Sit tall.", SAMPLE_RATE)
    assert raw is not None
    assert _loudness(raw, SAMPLE_RATE) < 0.6 * _loudness(render(Sound.STEP), SAMPLE_RATE)
    out = tmp_path / "levelled.wav"
    result = run("export", str(AUDIO / "spoken-counts.yaml"), str(out), "--voice")
    assert result.exit_code == 0, result.output
    with wave.open(str(out), "rb") as wav:
        track = array("h", wav.readframes(wav.getnframes()))
    assert max(track) < 32767 and min(track) > -32767
