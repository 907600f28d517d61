"""Rendering a session's sound track offline: every sound and phrase at its sample."""

from __future__ import annotations

import itertools
import shutil
import sys
import wave
from array import array
from pathlib import Path

import pytest
from click.testing import CliRunner

from calfkit.cli import cli
from calfkit.export.render import Speak, place_sounds, render_session, session_events, speech_track
from calfkit.export.wav import write_track
from calfkit.library import load
from calfkit.player.events import EventKind
from calfkit.sound.cues import SoundCues
from calfkit.sound.plan import END_PHRASE, PhraseKind
from calfkit.sound.tones import SAMPLE_RATE, Sound, render
from calfkit.testing.card import bursts, identify
from calfkit.timeline import compile_routine

ROUTINES = Path(__file__).parent.parent / "audio" / "routines"
SOUND_CHECK = ROUTINES / "sound-check.yaml"
LEAD_IN = 3.0


def read(path: Path) -> tuple[array[int], wave._wave_params]:
    with wave.open(str(path), "rb") as wav:
        params = wav.getparams()
        samples = array("h")
        samples.frombytes(wav.readframes(params.nframes))
    return samples, params


def export(*args: str) -> object:
    return CliRunner().invoke(cli, ["export", *args])


def first_loud(sound: Sound) -> int:
    return bursts(render(sound))[0].start


def test_export_writes_a_standard_wav_with_every_sound_at_its_scheduled_sample(
    tmp_path: Path,
) -> None:
    out = tmp_path / "session.wav"
    result = export(str(SOUND_CHECK), "--wav", str(out))
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    size = f"{out.stat().st_size / 1e6:.1f} MB"
    assert result.output == f"Wrote {out} (sound track, 00:21, {size}, 17 sounds)\n"  # type: ignore[attr-defined]
    samples, params = read(out)
    assert (params.nchannels, params.sampwidth, params.framerate) == (1, 2, SAMPLE_RATE)
    # The routine's 17 s after the 3 s lead-in, then a second for the end chime to ring out.
    assert params.nframes == round((LEAD_IN + 17.0 + 1.0) * SAMPLE_RATE)
    cues = SoundCues()
    expected = [
        (round(e.scheduled * SAMPLE_RATE), s)
        for e in session_events(compile_routine(load(SOUND_CHECK)))
        if (s := cues.sound_for(e)) is not None
    ]
    found = bursts(samples)
    assert [identify(samples[b.start : b.end]) for b in found] == [s for _, s in expected]
    for burst, (at, sound) in zip(found, expected, strict=True):
        assert abs(burst.start - (at + first_loud(sound))) <= 2, sound
    assert expected[0] == (0, Sound.LEAD_IN) and expected[3] == (3 * SAMPLE_RATE, Sound.STEP)


def test_a_ready_step_lasts_its_cue_and_ten_seconds_more_in_the_file(tmp_path: Path) -> None:
    routine = tmp_path / "ready.yaml"
    routine.write_text(
        "title: Ready\nsteps:\n  - prepare: Set up the roller.\n    duration: ready\n"
        "  - do: Roll.\n    duration: 2s\n"
    )
    out = tmp_path / "ready.wav"
    assert export(str(routine), "--wav", str(out)).exit_code == 0  # type: ignore[attr-defined]
    samples, params = read(out)
    steps = [b for b in bursts(samples) if identify(samples[b.start : b.end]) is Sound.STEP]
    starts = [b.start - first_loud(Sound.STEP) for b in steps]
    # "Set up the roller. You have 15 seconds." and 10 s to do it, in whole 5 s: 15 s.
    assert starts == [3 * SAMPLE_RATE, 18 * SAMPLE_RATE]
    assert params.nframes == 21 * SAMPLE_RATE


class FakeVoice:
    """A phrase lasting 0.1 s per character, at a pitch no beep uses (the voices' interface)."""

    name = "fake"

    def __init__(self, amplitude: int = 3000) -> None:
        self.amplitude = amplitude

    def render(self, text: str, wpm: int) -> tuple[array[int], int]:
        rate = 22050
        pair = [self.amplitude, -self.amplitude]
        return array("h", pair * round(0.05 * len(text) * rate * 170 / wpm)), rate


def test_exported_speech_follows_the_plan_one_phrase_at_a_time() -> None:
    timeline = compile_routine(load(ROUTINES / "spoken-counts.yaml"))
    track = speech_track(timeline, Speak(FakeVoice()))
    events = session_events(timeline, lead_in=track.lead_in)
    placed = place_sounds(events, speech=track)
    phrases = [p for p in placed if p.what.startswith("speech: ")]
    for before, after in itertools.pairwise(phrases):
        assert after.at >= before.end
    # Every step's cue is there, whole, no later than 0.5 s after its step began.
    steps = {e.step: e.scheduled for e in events if e.kind is EventKind.STEP}
    cues = [s for s in track.spoken if s.phrase.kind is PhraseKind.CUE]
    assert [s.phrase.step for s in cues] == sorted(steps)
    for spoken in cues:
        assert spoken.at <= steps[spoken.phrase.step] + 0.5 + 1e-9
    # A count the plan could not say is beeped; one it says is not.
    said = track.counts()
    beeped = {round(p.at / SAMPLE_RATE, 3) for p in placed if p.what in ("count", "last_count")}
    for event in events:
        if event.kind is EventKind.COUNT and (event.step, event.number) in said:
            assert round(event.scheduled, 3) not in beeped
    # No phrase begins while a chime is sounding.
    chimes = [p for p in placed if p.what in ("step", "end")]
    for phrase in phrases:
        assert not any(c.at <= phrase.at < c.end for c in chimes), phrase.what
    # Each phrase is where the plan says it is heard.
    for spoken, phrase in zip(track.spoken, phrases, strict=True):
        assert round(spoken.at * SAMPLE_RATE) == phrase.at
        assert spoken.phrase.text == phrase.text


def builtin(name: str) -> Path:
    from calfkit.library.lookup import builtin_routines_dir

    return builtin_routines_dir() / f"{name}.yaml"


BUILTINS = sorted(p.stem for p in (Path(__file__).parents[2] / "routines").glob("*.yaml"))


def exported_events(routine: Path, tmp_path: Path, *args: str) -> list[dict[str, object]]:
    import json

    log = tmp_path / "events.jsonl"
    out = tmp_path / "track.wav"
    result = export(str(routine), str(out), "--voice", "--log-events", str(log), *args)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    return [json.loads(line) for line in log.read_text().splitlines()]


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng not installed")
@pytest.mark.parametrize("name", BUILTINS)
def test_every_cue_of_a_builtin_is_heard_whole_with_real_espeak_ng(
    name: str, tmp_path: Path
) -> None:
    timeline = compile_routine(load(builtin(name)))
    events = exported_events(builtin(name), tmp_path)
    speak = sorted((e for e in events if e["event"] == "speak"), key=lambda e: e["actual"])  # type: ignore[arg-type,return-value]
    steps = {e["step"]: e["scheduled"] for e in events if e["event"] in ("step", "switch")}
    # The caution comes first, said whole during the lead-in.
    if timeline.routine.caution:
        assert speak[0]["step"] == 0 and str(speak[0]["text"]).startswith("Caution: ")
        end = float(speak[0]["actual"]) + float(speak[0]["seconds"])  # type: ignore[arg-type]
        assert end < min(steps.values())  # type: ignore[type-var]
    # No phrase overlaps another.
    for before, after in itertools.pairwise(speak):
        ends = float(before["actual"]) + float(before["seconds"])  # type: ignore[arg-type]
        assert float(after["actual"]) >= ends - 1e-5, after["text"]  # type: ignore[arg-type]
    # Every step's cue is said once, whole (nothing cuts a phrase offline), starting no later
    # than 0.5 s after its step began.
    texts = {s.index: " ".join(s.text.split()) for s in timeline.segments}
    for step, began in steps.items():
        cues = [e for e in speak if e["step"] == step and str(e["text"]).startswith(texts[step])]  # type: ignore[index]
        assert len(cues) == 1, (step, texts[step])  # type: ignore[index]
        assert not cues[0].get("cut")
        assert float(cues[0]["actual"]) <= float(began) + 0.5 + 1e-5  # type: ignore[arg-type]


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng not installed")
def test_export_with_voice_holds_each_phrase_at_exactly_its_event_time(tmp_path: Path) -> None:
    from calfkit.sound.speech import EspeakVoice

    routine = ROUTINES / "short-voice.yaml"
    events = exported_events(routine, tmp_path)
    speak = [e for e in events if e["event"] == "speak"]
    assert [e["text"] for e in speak] == [
        "Sit tall.", "Raise your heels.", "Last step.", "2", END_PHRASE
    ]  # fmt: skip
    samples, _ = read(tmp_path / "track.wav")
    espeak = shutil.which("espeak-ng")
    assert espeak is not None
    render = render_session(compile_routine(load(routine)), speak=Speak(EspeakVoice(espeak)))
    phrases = {p.text: p for p in render.placed if p.is_phrase}
    alone = 0
    for event in speak:
        phrase = phrases[str(event["text"])]
        at = round(float(event["scheduled"]) * SAMPLE_RATE)  # type: ignore[arg-type]
        assert phrase.at == at  # the render put it where its event says
        others = [p for p in render.placed if p is not phrase]
        if any(b.at < phrase.end and phrase.at < b.end for b in others):
            continue  # mixed with a beep there
        assert samples[at : at + len(phrase.samples)] == phrase.samples
        alone += 1
    assert alone >= 3


def test_speech_and_a_beep_overlapping_are_mixed_without_clipping(tmp_path: Path) -> None:
    # Loud speech (as espeak-ng's is: peaks near full scale) under the count beeps.
    timeline = compile_routine(load(ROUTINES / "spoken-counts.yaml"))
    track = speech_track(timeline, Speak(FakeVoice(amplitude=30000)))
    placed = place_sounds(session_events(timeline, lead_in=track.lead_in), speech=track)
    overlapping = [
        p for p in placed if p.what == "count" and any(q.at < p.at < q.end for q in placed)
    ]
    assert overlapping  # a beep does fall inside a phrase
    out = tmp_path / "loud.wav"
    write_track(out, placed, max(p.end for p in placed))
    samples, _ = read(out)
    assert max(samples) < 32767 and min(samples) > -32768
    beep = overlapping[0]
    # Where the beep sounds over the phrase, both are still there (bent, not flattened).
    mixed = samples[beep.at : beep.end]
    assert len(set(mixed)) > 100


PEAK_MEMORY = """
import resource, sys
from calfkit.export.formats import FORMATS
from calfkit.export.render import Speak
from calfkit.export.run import export
from calfkit.library import load
from calfkit.sound.speech import find_voice
from calfkit.timeline import compile_routine

timeline = compile_routine(load(sys.argv[1]))
speak = Speak(find_voice(), keep=int(sys.argv[3]))
export(timeline, sys.argv[2], FORMATS["wav"], speak=speak)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def _peak_kib_of_an_export(folder: Path, phrases: int, keep: int) -> int:
    """The peak memory (ru_maxrss) of a process exporting, with voice, a routine of
    ``phrases`` different one-second cues, keeping at most ``keep`` bytes of speech."""
    import subprocess
    import sys

    steps = "".join(f"  - do: Reach number {n}\n    duration: 1\n" for n in range(phrases))
    routine = folder / f"many-{phrases}.yaml"
    routine.write_text(f"calfkit: 1\ntitle: Many phrases\nsteps:\n{steps}", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-c", PEAK_MEMORY, str(routine), str(folder / "out.wav"), str(keep)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return int(result.stdout.split()[-1])  # KiB on Linux


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng not installed")
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ru_maxrss is in KiB on Linux")
def test_export_with_voice_holds_no_more_speech_for_four_times_the_phrases(
    tmp_path: Path,
) -> None:
    # Kept to 64 kB of speech (a phrase or two), so the bound shows in a small routine: each
    # one-second step's phrases took about 0.3 MB that stayed until the track was written
    # (+24 MB from 20 to 80 phrases; 1,000 phrases took 665 MB).
    few = _peak_kib_of_an_export(tmp_path, 20, keep=64_000)
    many = _peak_kib_of_an_export(tmp_path, 80, keep=64_000)
    assert many - few < 8_000, (few, many)


def test_a_reps_step_is_heard_as_counts_with_a_falling_tone_at_each_down(tmp_path: Path) -> None:
    routine = tmp_path / "raises.yaml"
    routine.write_text("title: Raises\nsteps:\n  - reps: 3\n    up: 1\n    down: 1\n")
    out = tmp_path / "raises.wav"
    result = export(str(routine), "--wav", str(out))
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    samples, _ = read(out)
    cues = SoundCues()
    expected = [
        (round(e.scheduled * SAMPLE_RATE), s)
        for e in session_events(compile_routine(load(routine)))
        if (s := cues.sound_for(e)) is not None
    ]
    heard = [identify(samples[b.start : b.end]) for b in bursts(samples)]
    assert heard == [s for _, s in expected]
    assert heard[3:] == [
        Sound.STEP,  # rep 1: the step's own sound
        Sound.DOWN,
        Sound.COUNT,
        Sound.DOWN,
        Sound.LAST_COUNT,
        Sound.DOWN,
        Sound.END,
    ]
