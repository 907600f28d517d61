"""The speech sink keeps no time of its own: it waits on the player's clock, and each phrase's
moment comes from the event of the step that hosts it, at the player's speed."""

from __future__ import annotations

import time

import pytest

from calfkit.model import Do
from calfkit.player.clock import MonotonicClock
from calfkit.player.engine import Player
from calfkit.player.events import EventKind
from calfkit.sinks.speech import SpeechSink
from calfkit.sound.plan import PhraseBook
from calfkit.testing import RecordingSink
from tests.sound.test_plan import FakeVoice, Heard, routine

WALL = 1_900_000_000.0


class Elsewhere(MonotonicClock):
    """The real clock, read from another origin a million seconds on, with its own wall: a
    sink that mixed it with ``time.monotonic()`` or ``time.time()`` would be that far out."""

    def now(self) -> float:
        return time.monotonic() + 1e6

    def wall(self) -> float:
        return WALL + time.monotonic()


def test_phrases_are_due_at_the_hosts_time_plus_their_place_at_the_players_speed() -> None:
    timeline = routine(Do(text="First", duration=2), Do(text="Second", duration=2))
    clock = Elsewhere()
    heard = Heard()
    sink = SpeechSink(
        PhraseBook(FakeVoice({}, default=0.2)),
        timeline,
        output=heard.output,
        emit=heard.events.append,
        lead_in=0.0,
        clock=clock,
    )
    events = RecordingSink()
    Player(timeline, clock=clock, sinks=[events, sink], speed=2.0, lead_in=0.0,
           lead_in_gate=sink.ready).run()  # fmt: skip
    sink.close()
    assert sink.plan is not None
    steps = {e.step: e for e in events.events if e.kind is EventKind.STEP}
    spoken = {e.text: e for e in heard.events if e.kind is EventKind.SPEAK}
    for phrase in sink.plan.phrases:
        if phrase.host not in steps:
            continue  # the end: hosted by the finish
        said = spoken[phrase.text]
        host = steps[phrase.host]
        assert said.scheduled == pytest.approx(host.actual + phrase.at / 2.0)
        assert 0.0 <= said.actual - said.scheduled < 0.5  # on time, on the same clock
        assert WALL <= said.wall < WALL + 1e6  # the player's wall clock, not the system's
        assert said.top_step == host.top_step == phrase.top
    assert "Second." in spoken
