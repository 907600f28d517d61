"""The sound sink: it never holds the player up, falls back once, mutes, and drops sounds
that would come too late."""

from __future__ import annotations

import threading
import time
from array import array
from pathlib import Path

import pytest

from calfkit.library import load
from calfkit.player.events import Event, EventKind
from calfkit.sinks.sound import SoundSink
from calfkit.sound.backends import BackendFailed, OffBackend
from calfkit.sound.cues import SoundCues
from calfkit.sound.tones import Sound, render
from calfkit.testing import play_fast
from calfkit.timeline import compile_routine

ROUTINES = Path(__file__).parent.parent / "audio" / "routines"


def sound_check_timeline():  # type: ignore[no-untyped-def]
    return compile_routine(load(ROUTINES / "sound-check.yaml"))


def sounds_of(timeline, **options):  # type: ignore[no-untyped-def]
    cues = SoundCues(**options)
    played = play_fast(timeline, lead_in=3.0)
    return [
        (event.scheduled, sound)
        for event in played.events
        if (sound := cues.sound_for(event)) is not None
    ]


class SlowBackend:
    """Takes its time over every sound, as a busy audio system might."""

    label = "slow"

    def __init__(self, delay: float = 0.05) -> None:
        self.delay = delay
        self.played: list[int] = []
        self.closed = False
        self.waited: bool | None = None
        self.threads: set[int] = set()  # the threads that played

    def play(self, samples: array[int]) -> None:
        self.threads.add(threading.get_ident())
        time.sleep(self.delay)
        self.played.append(len(samples))

    def stop(self) -> None:
        self.played.append(0)  # 0 marks a stop among the lengths played

    def close(self, *, wait: bool = True) -> None:
        self.closed = True
        self.waited = wait


class FailingBackend:
    label = "broken"

    def __init__(self) -> None:
        self.calls = 0

    def play(self, samples: array[int]) -> None:
        self.calls += 1
        raise BackendFailed("device went away")

    def stop(self) -> None:
        pass

    def close(self, *, wait: bool = True) -> None:
        pass


def test_the_sink_never_holds_the_player_up_and_plays_everything_in_order() -> None:
    backend = SlowBackend()
    # The fake clock puts every event at once; none may count as stale for that.
    sink = SoundSink(backend, warn=pytest.fail, sound_stale=float("inf"))
    played = play_fast(sound_check_timeline(), sinks=[sink], lead_in=3.0)
    # Each sound takes the back end 50 ms, always on the sink's own thread, never the player's.
    assert backend.threads and threading.get_ident() not in backend.threads
    assert backend.played == [len(render(s)) for _, s in sounds_of(sound_check_timeline())]
    assert backend.closed
    assert played.outcome.status.value == "finished"


def test_handle_only_enqueues_even_when_the_back_end_is_stuck() -> None:
    gate = threading.Event()

    class Stuck(SlowBackend):
        def play(self, samples: array[int]) -> None:
            gate.wait(5)
            super().play(samples)

    backend = Stuck(delay=0.0)
    sink = SoundSink(backend, warn=pytest.fail, sound_stale=float("inf"))
    events = play_fast(sound_check_timeline(), lead_in=3.0).events
    began = time.perf_counter()
    for event in events:
        sink.handle(event)
    assert time.perf_counter() - began < 2.5  # a stuck back end would hold each event 5 s
    assert backend.played == []
    gate.set()
    sink.close()
    assert len(backend.played) == 17


def test_a_failing_back_end_falls_back_once_with_one_warning_and_replays_the_sound() -> None:
    warnings: list[str] = []
    sink = SoundSink(FailingBackend(), fallbacks=["off"], warn=warnings.append)
    play_fast(sound_check_timeline(), sinks=[sink])
    assert warnings == ["sound: broken failed (device went away); sound is off"]
    assert isinstance(sink.backend, OffBackend)


def test_a_fallback_that_fails_too_turns_sound_off_with_a_second_line() -> None:
    import calfkit.sinks.sound as sink_module

    warnings: list[str] = []
    second = FailingBackend()
    original = sink_module.open_first
    sink_module.open_first = lambda names, by_name: (second, [])  # type: ignore[assignment]
    try:
        sink = SoundSink(FailingBackend(), fallbacks=["bell"], warn=warnings.append)
        play_fast(sound_check_timeline(), sinks=[sink])
    finally:
        sink_module.open_first = original
    assert warnings == [
        "sound: broken failed (device went away); using broken instead",
        "sound: broken failed too (device went away); sound is off",
    ]
    assert second.calls == 1


class Played:
    """Hands events to a sound sink one at a time, each once the back end has played (or
    stopped) what it makes: the fake clock's events all come at once, and a mute drops the
    sounds still queued."""

    def __init__(self, sink: SoundSink, backend: SlowBackend) -> None:
        self.sink = sink
        self.backend = backend
        self.cues = SoundCues()
        self.muted = False

    def handle(self, event: Event) -> None:
        self.muted = {EventKind.MUTE: True, EventKind.UNMUTE: False}.get(event.kind, self.muted)
        makes = self.cues.sound_for(event) is not None and not self.muted
        played = len(self.backend.played)
        self.sink.handle(event)
        if makes or event.kind is EventKind.MUTE:
            deadline = time.monotonic() + 2.0
            while len(self.backend.played) == played and time.monotonic() < deadline:
                time.sleep(0.001)

    def close(self) -> None:
        self.sink.close()


def test_mute_silences_sounds_until_unmute() -> None:
    from calfkit.player.events import Command

    backend = SlowBackend(delay=0.0)
    sink = SoundSink(backend, warn=pytest.fail, sound_stale=float("inf"))
    play_fast(
        sound_check_timeline(),
        sinks=[Played(sink, backend)],
        keys=[(4.5, Command.MUTE), (12.5, Command.MUTE)],
        lead_in=3.0,
    )
    before = [len(render(s)) for at, s in sounds_of(sound_check_timeline()) if at < 4.5]
    after = [len(render(s)) for at, s in sounds_of(sound_check_timeline()) if at > 12.5]
    assert backend.played == [*before, 0, *after]  # muting stopped the back end once


def test_mute_stops_the_sound_in_flight_and_drops_sounds_still_queued() -> None:
    gate = threading.Event()

    class Busy(SlowBackend):
        entered = threading.Event()

        def play(self, samples: array[int]) -> None:
            self.entered.set()
            gate.wait(5)  # the first sound holds the worker while more queue up
            super().play(samples)

    backend = Busy(delay=0.0)
    sink = SoundSink(backend, warn=pytest.fail, sound_stale=float("inf"))
    sink.play(Sound.STEP)
    while not backend.entered.wait(0.01):
        pass
    mute, unmute = (Event(kind, 0.0, 0.0, 0.0) for kind in (EventKind.MUTE, EventKind.UNMUTE))
    sink.play(Sound.COUNT)
    sink.handle(mute)
    sink.handle(unmute)
    sink.play(Sound.END)
    gate.set()
    sink.close()
    # STEP was in flight (stopped); COUNT was still queued (dropped); END came after unmute.
    assert backend.played == [len(render(Sound.STEP)), 0, len(render(Sound.END))]


def test_the_last_sound_rings_out_at_the_end_but_not_after_quitting() -> None:
    from calfkit.player.events import Command

    finished = SlowBackend(delay=0.0)
    play_fast(sound_check_timeline(), sinks=[SoundSink(finished, warn=pytest.fail)])
    assert finished.waited is True
    quit_early = SlowBackend(delay=0.0)
    play_fast(
        sound_check_timeline(),
        sinks=[SoundSink(quit_early, warn=pytest.fail)],
        keys=[(4.0, Command.QUIT)],
    )
    assert quit_early.waited is False


def test_sounds_queued_behind_a_back_end_stuck_for_a_while_are_dropped_not_played_late() -> None:
    from calfkit.sinks.sound import SOUND_STALE_SECONDS

    gate = threading.Event()

    class StuckOnce(SlowBackend):
        def play(self, samples: array[int]) -> None:
            if not self.played:
                gate.wait(5)  # the first sound hangs, as a device stalling would
            super().play(samples)

    backend = StuckOnce(delay=0.0)
    sink = SoundSink(backend, warn=pytest.fail)
    sink.play(Sound.STEP)
    time.sleep(0.05)
    for _ in range(3):
        sink.play(Sound.COUNT)  # due now, but the back end is stuck
    time.sleep(SOUND_STALE_SECONDS + 0.2)
    gate.set()
    time.sleep(0.05)
    sink.play(Sound.LAST_COUNT)  # fresh: plays at once
    sink.close()
    assert backend.played == [len(render(Sound.STEP)), len(render(Sound.LAST_COUNT))]
    assert sink.dropped == 3
