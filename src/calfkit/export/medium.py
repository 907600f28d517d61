"""What a ready step says that the screen says with keys, per medium. A ``duration: ready``
step waits for Enter live, and the voice says so after its cue ("Press Enter when you are
ready."); in a track, or a session with no keys to read, it is a timed wait whose time is said
after its cue ("You have 20 seconds.") so that a listener knows how long they have to do what
it asks. On a watch it is an open step (:mod:`calfkit.export.fit`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from calfkit.timeline import Segment, Timeline
from calfkit.words import PRESS_ENTER, ready_announcement, with_sentence

__all__ = ["for_live", "for_track"]


def for_track(timeline: Timeline) -> Timeline:
    """``timeline`` as a track plays it: each ready step's cue announces its time."""
    return _ready_cues(timeline, lambda s: ready_announcement(s.text, s.duration))


def for_live(timeline: Timeline) -> Timeline:
    """``timeline`` as the voice says it live, with keys: each ready step's cue says how to go
    on (the view shows the same words under the cue)."""
    return _ready_cues(timeline, lambda s: with_sentence(s.text, PRESS_ENTER))


def _ready_cues(timeline: Timeline, say: Callable[[Segment], str]) -> Timeline:
    if not any(segment.until_ready for segment in timeline.segments):
        return timeline
    segments = tuple(
        replace(segment, text=say(segment)) if segment.until_ready else segment
        for segment in timeline.segments
    )
    return Timeline(timeline.routine, segments)
