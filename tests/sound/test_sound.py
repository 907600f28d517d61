"""Sounds: synthesis, which event gets which sound, and the sink that plays them."""

from __future__ import annotations

import itertools
import threading
import time
from array import array
from pathlib import Path

import pytest

from calfkit.library import load
from calfkit.player.events import Event, EventKind
from calfkit.sinks.sound import SoundSink
from calfkit.sound import pick_backend
from calfkit.sound.backends import BackendFailed, OffBackend
from calfkit.sound.cues import SoundCues
from calfkit.sound.tones import FADE_SECONDS, NOTES, PEAK, SAMPLE_RATE, Sound, render, seconds
from calfkit.testing import play_fast
from calfkit.testing.card import bursts, identify
from calfkit.timeline import compile_routine

ROUTINES = Path(__file__).parent.parent / "audio" / "routines"


def sound_check_timeline():  # type: ignore[no-untyped-def]
    return compile_routine(load(ROUTINES / "sound-check.yaml"))


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


def sounds_of(timeline, **options):  # type: ignore[no-untyped-def]
    cues = SoundCues(**options)
    played = play_fast(timeline, lead_in=3.0)
    return [
        (event.scheduled, sound)
        for event in played.events
        if (sound := cues.sound_for(event)) is not None
    ]


def test_a_routine_maps_to_one_sound_per_moment_with_ticks_on_a_step_start_left_to_the_step() -> (
    None
):
    assert sounds_of(sound_check_timeline()) == [
        (0.0, Sound.LEAD_IN),
        (1.0, Sound.LEAD_IN),
        (2.0, Sound.LEAD_IN),
        (3.0, Sound.STEP),  # prepare
        (5.0, Sound.STEP),  # count: its first count is this sound
        (6.0, Sound.COUNT),
        (7.0, Sound.LAST_COUNT),
        (8.0, Sound.STEP),  # hold
        (9.0, Sound.COUNTDOWN),
        (10.0, Sound.COUNTDOWN),
        (11.0, Sound.STEP),  # right side
        (12.0, Sound.SWITCH),
        (14.0, Sound.STEP),  # left side
        (15.0, Sound.STEP),  # breathe: the first inhale is this sound
        (16.0, Sound.EXHALE),
        (18.0, Sound.REST),
        (20.0, Sound.END),
    ]


def test_with_voice_counts_far_enough_apart_are_left_to_speech() -> None:
    timeline = compile_routine(load(ROUTINES / "spoken-counts.yaml"))
    counts = [Sound.COUNT, Sound.LAST_COUNT]
    beeped = [s for _, s in sounds_of(timeline) if s in counts]
    assert beeped == [Sound.COUNT, Sound.COUNT, Sound.LAST_COUNT] * 2
    voiced = [s for _, s in sounds_of(timeline, speak_counts=True) if s in counts]
    assert voiced == [Sound.COUNT, Sound.COUNT, Sound.LAST_COUNT]  # only the 1 s counts


def test_a_lengthened_hold_keeps_its_countdown_off_the_step_start() -> None:
    from calfkit.player.events import Command

    timeline = sound_check_timeline()
    cues = SoundCues()
    played = play_fast(timeline, keys=[(5.5, Command.EXTEND)])
    countdowns = [e.scheduled for e in played.events if cues.sound_for(e) is Sound.COUNTDOWN]
    assert countdowns == [16.0, 17.0]


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


def test_off_is_silence_with_nothing_to_fall_back_to() -> None:
    backend, fallbacks = pick_backend("off", pytest.fail)
    assert isinstance(backend, OffBackend) and fallbacks == []


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


def test_auto_skips_simpleaudio_on_python_3_12_and_later_but_not_when_asked_by_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sys
    import types

    from calfkit.sound import alsa, backends

    # A stand-in simpleaudio and a device that opens, so only the decision is tested.
    monkeypatch.setitem(sys.modules, "simpleaudio", types.ModuleType("simpleaudio"))
    monkeypatch.setattr(alsa, "default_device_problem", lambda: None)
    for version, by_name, skipped in [
        ((3, 12, 0), False, True),
        ((3, 13, 1), False, True),
        ((3, 12, 0), True, False),
        ((3, 11, 9), False, False),
        ((3, 10, 0), True, False),
    ]:
        monkeypatch.setattr(backends.sys, "version_info", version)
        if skipped:
            with pytest.raises(backends.Unavailable, match=r"skipped on Python 3\.12 and later"):
                backends.SimpleaudioBackend(by_name=by_name)
        else:
            backends.SimpleaudioBackend(by_name=by_name).close()
    # auto, on 3.12, goes on to the next back end without a word.
    monkeypatch.setattr(backends.sys, "version_info", (3, 12, 0))
    monkeypatch.setattr(backends, "MiniaudioBackend", lambda: SlowBackend())
    warnings: list[str] = []
    backend, fallbacks = pick_backend("auto", warnings.append)
    assert isinstance(backend, SlowBackend) and warnings == []
    assert fallbacks == ["system", "bell"]


def test_without_simpleaudio_the_hint_fits_the_python_version(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sys

    from calfkit.sound import backends

    monkeypatch.setitem(sys.modules, "simpleaudio", None)  # import fails
    monkeypatch.setattr(backends.sys, "version_info", (3, 11, 0))
    with pytest.raises(backends.Unavailable) as old:
        backends.SimpleaudioBackend(by_name=True)
    assert str(old.value) == "not installed (pip install 'calfkit-player[simpleaudio]')"
    monkeypatch.setattr(backends.sys, "version_info", (3, 12, 0))
    with pytest.raises(backends.Unavailable) as new:
        backends.SimpleaudioBackend(by_name=True)
    # The extra installs nothing on 3.12+, so it is not what to suggest there.
    assert "pip install simpleaudio" in str(new.value)
    assert "'calfkit-player[simpleaudio]')" not in str(new.value)


@pytest.mark.parametrize("platform", ["darwin", "win32"])
def test_where_the_simpleaudio_extra_installs_nothing_the_audio_extra_is_suggested(
    platform: str,
) -> None:
    from calfkit.sound.backends import simpleaudio_missing

    said = simpleaudio_missing((3, 11, 9), platform)
    assert "pip install 'calfkit-player[audio]' serves instead" in said
    assert "(pip install 'calfkit-player[simpleaudio]')" not in said
    assert simpleaudio_missing((3, 11, 9), "linux") == (
        "not installed (pip install 'calfkit-player[simpleaudio]')"
    )


def test_a_back_end_asked_for_by_name_that_cannot_play_gives_one_line_and_the_next(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from calfkit.sound import backends

    def fake_open(name: str, *, by_name: bool = True) -> backends.Backend:
        if name in ("miniaudio", "system"):
            raise backends.Unavailable(f"{name} is missing here")
        return backends.OffBackend() if name == "off" else SlowBackend()

    monkeypatch.setattr(backends, "open_backend", fake_open)
    warnings: list[str] = []
    backend, fallbacks = pick_backend("miniaudio", warnings.append)
    assert isinstance(backend, SlowBackend) and fallbacks == []  # the bell was next, and last
    assert warnings == ["sound: miniaudio is not available (miniaudio is missing here); using slow"]
    warnings.clear()
    backend, fallbacks = pick_backend("auto", warnings.append)
    assert isinstance(backend, SlowBackend) and fallbacks == ["miniaudio", "system", "bell"]
    assert warnings == []


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
