"""Sound synthesis: every sound's length, pitch and clean edges, the docs' table of them,
and the limiter that mixes them."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from calfkit.sound.tones import FADE_SECONDS, NOTES, PEAK, SAMPLE_RATE, Sound, render, seconds
from calfkit.testing.card import identify


@pytest.mark.parametrize("sound", list(Sound))
def test_every_sound_has_its_table_length_and_starts_and_ends_silent(sound: Sound) -> None:
    samples = render(sound)
    assert len(samples) == sum(round(n.seconds * SAMPLE_RATE) for n in NOTES[sound])
    assert abs(samples[0]) <= 1 and abs(samples[-1]) <= 400
    assert max(abs(v) for v in samples) <= PEAK * 32767


@pytest.mark.parametrize("sound", list(Sound))
def test_no_sound_clicks_between_or_at_the_edges_of_its_notes(sound: Sound) -> None:
    samples = render(sound)
    # A click is a jump far bigger than the steepest slope of the highest note in the sound.
    top_hz = max(max(n.start_hz, n.final_hz) for n in NOTES[sound])
    steepest = 2 * 3.1416 * top_hz / SAMPLE_RATE * PEAK * 32767
    jumps = [abs(b - a) for a, b in itertools.pairwise(samples)]
    assert max(jumps) <= steepest * 1.05
    # ... and each note fades in: its first FADE_SECONDS stay well under full level.
    fade = round(FADE_SECONDS * SAMPLE_RATE)
    assert max(abs(v) for v in samples[: fade // 4]) < 0.2 * PEAK * 32767


def test_every_sound_is_told_apart_by_length_and_pitch() -> None:
    assert [identify(render(sound)) for sound in Sound] == list(Sound)
    lengths = {(round(seconds(s), 2), NOTES[s][0].start_hz) for s in Sound}
    assert len(lengths) == len(Sound)


def test_the_last_count_sounds_different_from_the_others() -> None:
    assert NOTES[Sound.LAST_COUNT] != NOTES[Sound.COUNT]
    assert seconds(Sound.LAST_COUNT) > seconds(Sound.COUNT)


def test_the_docs_table_lists_every_sound_with_its_pitches_and_length() -> None:
    docs = (Path(__file__).parent.parent.parent / "docs" / "sound.md").read_text()
    rows = {}
    for line in docs.splitlines():
        if line.startswith("| `"):
            cells = [cell.strip() for cell in line.strip("|").split("|")]
            rows[cells[0].strip("`")] = (cells[2], cells[3])
    expected = {}
    for sound in Sound:
        pitches = " → ".join(
            f"{n.start_hz:.0f}" if n.end_hz is None else f"{n.start_hz:.0f}–{n.end_hz:.0f}"
            for n in NOTES[sound]
        )
        expected[sound.value] = (pitches, f"{seconds(sound):.2f} s")
    assert rows == expected


def test_the_limiter_keeps_quiet_sums_and_bends_loud_ones_smoothly_below_full_scale() -> None:
    from calfkit.sound.tones import KNEE, limit

    assert [limit(v) for v in (0, 1000, -1000, KNEE, -KNEE)] == [0, 1000, -1000, KNEE, -KNEE]
    loud = [limit(v) for v in range(KNEE, 70000, 50)]
    assert all(b >= a for a, b in itertools.pairwise(loud))  # never folds back
    assert all(b - a <= 50 for a, b in itertools.pairwise(loud))  # no jump past the knee
    assert max(loud) < 32767 and limit(-70000) == -max(loud)
