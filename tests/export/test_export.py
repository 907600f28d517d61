"""``calfkit export``: the session's sound track as a WAV file, every sound at its sample."""

from __future__ import annotations

import itertools
import shutil
import wave
from array import array
from pathlib import Path

import pytest
from click.testing import CliRunner

from calfkit.cli import cli
from calfkit.export.render import place_sounds, session_events
from calfkit.export.wav import write_track
from calfkit.library import load
from calfkit.sound.cues import SoundCues
from calfkit.sound.speech import END_PHRASE, espeak_samples
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


def test_a_ready_step_lasts_ten_seconds_in_the_file(tmp_path: Path) -> None:
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
    assert starts == [3 * SAMPLE_RATE, 13 * SAMPLE_RATE]
    assert params.nframes == 16 * SAMPLE_RATE


def test_a_bad_routine_is_reported_with_its_position_and_exit_1(tmp_path: Path) -> None:
    routine = tmp_path / "bad.yaml"
    routine.write_text("title: Bad\nsteps:\n  - hold: Hold.\n")
    result = export(str(routine), "--wav", str(tmp_path / "x.wav"))
    assert result.exit_code == 1  # type: ignore[attr-defined]
    assert result.output.startswith(f"{routine}:3:")  # type: ignore[attr-defined]
    assert "Traceback" not in result.output  # type: ignore[attr-defined]
    assert not (tmp_path / "x.wav").exists()


def test_an_unwritable_path_is_a_clear_error_and_exit_1(tmp_path: Path) -> None:
    target = tmp_path / "no-such-folder" / "x.wav"
    result = export(str(SOUND_CHECK), "--wav", str(target))
    assert result.exit_code == 1  # type: ignore[attr-defined]
    assert result.output == (  # type: ignore[attr-defined]
        f"calfkit: error: cannot write {target}: No such file or directory\n"
    )


def fake_speak(text: str, rate: int) -> array[int]:
    """A phrase lasting 0.1 s per character, at a pitch no beep uses."""
    return array("h", [3000, -3000] * round(0.05 * len(text) * rate))


def test_exported_speech_follows_the_live_rules_one_phrase_at_a_time() -> None:
    events = session_events(compile_routine(load(ROUTINES / "spoken-counts.yaml")))
    placed = place_sounds(events, speak=fake_speak)
    phrases = [p for p in placed if p.what.startswith("speech: ")]
    for before, after in itertools.pairwise(phrases):
        assert after.at >= before.end
    at = {p.what.removeprefix("speech: "): p.at / SAMPLE_RATE for p in phrases}
    # Each cue waits for its chime (0.23 s, then 0.05 s). "Sit tall. Next: Slow heel raises."
    # (33 chars, 3.3 s) runs from 3.28 s to 6.58 s; step 2's cue waits for it and follows at
    # once, to 10.28 s; counts 2 and 3 (8 s, 10 s) fall while that is said and are beeped;
    # count 4 (12 s) finds speech free. The closing phrase follows the end chime (0.72 s).
    assert at == {
        "Sit tall. Next: Slow heel raises.": pytest.approx(3.28),
        "Slow heel raises. Next: Quick pulses.": pytest.approx(6.58),
        "4": 12.0,
        "Quick pulses.": pytest.approx(14.28),
        END_PHRASE: pytest.approx(18.77),
    }
    beeps = [(p.at / SAMPLE_RATE, p.what) for p in placed if p.what in ("count", "last_count")]
    # The 2 s counts: 2 and 3 beeped; then the 1 s counts, all beeped (too close to say).
    assert beeps == [
        (8.0, "count"),
        (10.0, "count"),
        (15.0, "count"),
        (16.0, "count"),
        (17.0, "last_count"),
    ]
    # No phrase begins while a chime is sounding.
    chimes = [p for p in placed if p.what in ("step", "end")]
    for phrase in phrases:
        assert not any(c.at <= phrase.at < c.end for c in chimes), phrase.what


def test_speech_that_cannot_be_rendered_leaves_the_beeps_and_counts_beeped() -> None:
    events = session_events(compile_routine(load(ROUTINES / "spoken-counts.yaml")))
    placed = place_sounds(events, speak=lambda text, rate: None)
    assert [(p.at, p.what) for p in placed] == [(p.at, p.what) for p in place_sounds(events)]


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng not installed")
def test_export_with_voice_puts_real_espeak_ng_speech_between_the_beeps(tmp_path: Path) -> None:
    out = tmp_path / "voice.wav"
    result = export(str(ROUTINES / "short-voice.yaml"), "--wav", str(out), "--voice")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert result.output.endswith("6 sounds, 4 spoken phrases)\n")  # type: ignore[attr-defined]
    samples, _ = read(out)
    events = session_events(compile_routine(load(ROUTINES / "short-voice.yaml")))
    placed = place_sounds(events, speak=espeak_samples)
    phrases = [p for p in placed if p.what.startswith("speech: ")]
    assert [p.what for p in phrases] == [
        "speech: Sit tall. Next: Raise your heels.",
        "speech: Raise your heels.",
        "speech: 2",
        f"speech: {END_PHRASE}",
    ]
    # Where a phrase overlaps no beep, the file holds exactly it, from its scheduled sample on.
    alone = [
        p for p in phrases if not any(q is not p and q.at < p.end and p.at < q.end for q in placed)
    ]
    assert len(alone) >= 2
    for phrase in alone:
        assert samples[phrase.at : phrase.end] == phrase.samples


def test_speech_and_a_beep_overlapping_are_mixed_without_clipping(tmp_path: Path) -> None:
    # Loud speech (as espeak-ng's is: peaks near full scale) under the count beeps.
    def loud_speak(text: str, rate: int) -> array[int]:
        return array("h", [30000, -30000] * round(0.05 * len(text) * rate))

    events = session_events(compile_routine(load(ROUTINES / "spoken-counts.yaml")))
    placed = place_sounds(events, speak=loud_speak)
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


def test_the_limiter_keeps_quiet_sums_and_bends_loud_ones_smoothly_below_full_scale() -> None:
    from calfkit.sound.tones import KNEE, limit

    assert [limit(v) for v in (0, 1000, -1000, KNEE, -KNEE)] == [0, 1000, -1000, KNEE, -KNEE]
    loud = [limit(v) for v in range(KNEE, 70000, 50)]
    assert all(b >= a for a, b in itertools.pairwise(loud))  # never folds back
    assert all(b - a <= 50 for a, b in itertools.pairwise(loud))  # no jump past the knee
    assert max(loud) < 32767 and limit(-70000) == -max(loud)
