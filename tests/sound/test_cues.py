"""Which moment of a routine gets which sound, and what is left to speech."""

from __future__ import annotations

from pathlib import Path

from calfkit.library import load
from calfkit.model import Reps, Routine
from calfkit.sound.cues import SoundCues
from calfkit.sound.tones import NOTES, Sound
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


def test_reps_count_like_counts_and_each_down_has_its_own_falling_tone() -> None:
    step = Reps(reps=3, up=1, top=0.5, down=1, bottom=0.5)
    timeline = compile_routine(Routine(name="r", title="R", steps=(step,)))
    assert [(at, sound) for at, sound in sounds_of(timeline) if at >= 3.0] == [
        (3.0, Sound.STEP),  # the first rep's count is the step's own sound
        (4.5, Sound.DOWN),
        (6.0, Sound.COUNT),
        (7.5, Sound.DOWN),
        (9.0, Sound.LAST_COUNT),
        (10.5, Sound.DOWN),
        (12.0, Sound.END),
    ]
    # Reps of 3 s leave room for speech: with voice on, their counts are spoken.
    voiced = [s for _, s in sounds_of(timeline, speak_counts=True)]
    assert Sound.COUNT not in voiced and Sound.LAST_COUNT not in voiced
    assert voiced.count(Sound.DOWN) == 3
    assert NOTES[Sound.DOWN][0].end_hz is not None
    assert NOTES[Sound.DOWN][0].end_hz < NOTES[Sound.DOWN][0].start_hz  # it falls


def test_a_lengthened_hold_keeps_its_countdown_off_the_step_start() -> None:
    from calfkit.player.events import Command

    timeline = sound_check_timeline()
    cues = SoundCues()
    played = play_fast(timeline, keys=[(5.5, Command.EXTEND)])
    countdowns = [e.scheduled for e in played.events if cues.sound_for(e) is Sound.COUNTDOWN]
    assert countdowns == [16.0, 17.0]
