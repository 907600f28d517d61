"""The fake sound card's reading of what was played: bursts and the sounds they are."""

from __future__ import annotations

from array import array

from calfkit.sound.tones import SAMPLE_RATE, Sound, render
from calfkit.testing.card import bursts, identify


def test_bursts_split_sounds_apart_and_find_their_edges() -> None:
    track = array("h", bytes(2 * SAMPLE_RATE))
    step = render(Sound.STEP)
    track[1000 : 1000 + len(step)] = step
    count = render(Sound.COUNT)
    track[30000 : 30000 + len(count)] = count
    found = bursts(track)
    assert len(found) == 2
    assert [identify(track[b.start : b.end]) for b in found] == [Sound.STEP, Sound.COUNT]
    assert abs(found[0].start - 1000) < 60 and abs(found[1].end - (30000 + len(count))) < 60
